// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke tests of the guest the asi selftests run in.  Every other test
 * relies on what these check: both vCPUs online, cgroup v2 with its
 * controllers, namespaces, and the kernel debugging options (lockdep,
 * SLUB debug, TLB flush counters) that make the suite able to notice
 * kernel bugs at all.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "cgroup_tests.h"

/* Both vCPUs must be online: the concurrency tests need two CPUs. */
static int test_two_cpus_online(const char *root)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2) {
		ksft_print_msg("only %ld CPU online\n", n);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* The controllers containers use are available on the default hierarchy. */
static int test_cgroup2_controllers(const char *root)
{
	static const char * const wanted[] = { "memory", "pids", "cpu" };

	for (int i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (cg_read_strstr(root, "cgroup.controllers", wanted[i])) {
			ksft_print_msg("controller %s missing\n", wanted[i]);
			return KSFT_FAIL;
		}
	}
	return KSFT_PASS;
}

static int sleep_forever(const char *cgroup, void *arg)
{
	pause();
	return 0;
}

/*
 * A child cgroup with pids enabled accounts a task moved into it, and
 * pids.max refuses bad input without changing the limit.
 */
static int test_cgroup_child_accounting(const char *root)
{
	int ret = KSFT_FAIL;
	char *cg;
	int pid;

	if (cg_write(root, "cgroup.subtree_control", "+pids +memory"))
		return KSFT_FAIL;

	cg = cg_name(root, "asi_test_env");
	if (!cg || cg_create(cg))
		goto cleanup;
	if (cg_write(cg, "pids.max", "10"))
		goto cleanup;
	if (!cg_write(cg, "pids.max", "garbage")) {
		ksft_print_msg("pids.max accepted garbage\n");
		goto cleanup;
	}
	if (cg_read_strcmp(cg, "pids.max", "10\n"))
		goto cleanup;

	pid = cg_run_nowait(cg, sleep_forever, NULL);
	if (pid < 0)
		goto cleanup;
	if (cg_wait_for_proc_count(cg, 1))
		goto kill;
	if (cg_read_long(cg, "pids.current") != 1)
		goto kill;
	ret = KSFT_PASS;
kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
cleanup:
	if (cg)
		cg_destroy(cg);
	free(cg);
	return ret;
}

static int child_in_namespaces(void *arg)
{
	/* In a new pid namespace the first task is pid 1. */
	return getpid() == 1 ? 0 : 1;
}

/* Containers need user, pid, net, ipc and uts namespaces. */
static int test_namespaces(const char *root)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
		    CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
	int status;
	pid_t pid;

	pid = clone(child_in_namespaces, stack + sizeof(stack), flags, NULL);
	if (pid < 0) {
		ksft_print_msg("clone(namespaces): %s\n", strerror(errno));
		return KSFT_FAIL;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return KSFT_FAIL;
	return KSFT_PASS;
}

/* Lockdep is built in and has not switched itself off. */
static int test_lockdep_active(const char *root)
{
	char buf[8192];
	char *p;

	if (read_text("/proc/lockdep_stats", buf, sizeof(buf)) <= 0) {
		ksft_print_msg("/proc/lockdep_stats unreadable\n");
		return KSFT_FAIL;
	}
	p = strstr(buf, "debug_locks:");
	if (!p || strtol(p + strlen("debug_locks:"), NULL, 10) != 1) {
		ksft_print_msg("lockdep is off (debug_locks != 1)\n");
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* SLUB debugging is on at boot for every cache. */
static int test_slub_debug_on(const char *root)
{
	char buf[64];

	if (read_text("/sys/kernel/slab/kmalloc-64/sanity_checks", buf,
		      sizeof(buf)) <= 0)
		return KSFT_FAIL;
	return buf[0] == '1' ? KSFT_PASS : KSFT_FAIL;
}

/* CONFIG_DEBUG_TLBFLUSH counters, which the benchmarks report. */
static int test_tlb_flush_counters(const char *root)
{
	char buf[16384];

	if (read_text("/proc/vmstat", buf, sizeof(buf)) <= 0)
		return KSFT_FAIL;
	if (!strstr(buf, "nr_tlb_remote_flush ") ||
	    !strstr(buf, "nr_tlb_local_flush_all ")) {
		ksft_print_msg("TLB flush counters missing from /proc/vmstat\n");
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/*
 * Page table isolation is on: asi must keep working beside PTI (its slot
 * must never appear in the user page tables), so the suite runs with it.
 */
static int test_pti_enabled(const char *root)
{
	static char buf[65536];
	char *flags;

	if (read_text("/proc/cpuinfo", buf, sizeof(buf)) <= 0)
		return KSFT_FAIL;
	flags = strstr(buf, "\nflags");
	if (!flags || !strstr(flags, " pti")) {
		ksft_print_msg("PTI is not enabled\n");
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* debugfs is mounted: the asi test helper lives there. */
static int test_debugfs_mounted(const char *root)
{
	struct stat st;

	if (stat("/sys/kernel/debug/x86", &st) || !S_ISDIR(st.st_mode))
		return KSFT_FAIL;
	return KSFT_PASS;
}

static const struct cgroup_test tests[] = {
	T(test_two_cpus_online),
	T(test_cgroup2_controllers),
	T(test_cgroup_child_accounting),
	T(test_namespaces),
	T(test_lockdep_active),
	T(test_slub_debug_on),
	T(test_tlb_flush_counters),
	T(test_pti_enabled),
	T(test_debugfs_mounted),
};

int main(int argc, char **argv)
{
	char root[PATH_MAX];

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests));
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");

	run_cgroup_tests(root, tests, ARRAY_SIZE(tests));

	ksft_finished();
}
