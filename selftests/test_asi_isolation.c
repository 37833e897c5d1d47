// SPDX-License-Identifier: GPL-2.0
/*
 * The isolation invariants of asi, each proved with real tasks in real
 * isolated cgroups acting through the test helper:
 *  - a private page is absent from the direct map, and the ASI slot from
 *    the PTI user page tables;
 *  - its own domain and the host map it; another domain's view does not
 *    (walk of the live CR3), also after fork, exec and CLONE_INTO_CGROUP;
 *  - a cross-domain read with asi.enforce=1 never returns the data, kills
 *    the domain, counts a violation and wakes pollers of asi.events;
 *  - with asi.enforce=0 the same read succeeds and is counted;
 *  - interrupts and kernel threads on a domain task's CPU read everything
 *    and leave the task's view as it was;
 *  - released blocks come back zeroed and restored to the direct map;
 *  - a removed domain whose memory is still in use lives on, dying, until
 *    the memory is freed;
 *  - concurrent fork/exit/migrate/isolate/rmdir keeps the kernel healthy.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "cgroup_tests.h"
#include "asi_util.h"

#define PATTERN		0x5a5a5a5a5a5a5a5aUL

static const char *self_exe;

/* A tenant that allocated a private page and waits to be killed. */
struct tenant {
	pid_t pid;
	unsigned long page;
};

static int tenant_main(int fd, int report)
{
	unsigned long addr = 0;
	int err = asi_test_alloc(fd, &addr);

	dprintf(report, "%d %lu\n", err, addr);
	close(report);
	if (err)
		return 1;
	pause();
	return 0;
}

/* Start a process in @cg that holds one private page of @cg's domain. */
static int tenant_start(const char *cg, struct tenant *t)
{
	char buf[64] = "";
	int pipefd[2];
	ssize_t n;

	if (pipe(pipefd))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		int fd;

		close(pipefd[0]);
		if (cg_enter_current(cg))
			exit(1);
		fd = asi_test_open();
		exit(tenant_main(fd, pipefd[1]));
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	if (n <= 0)
		return -1;
	if (atoi(buf))
		return -1;
	t->page = strtoul(strchr(buf, ' ') + 1, NULL, 10);
	return 0;
}

static void tenant_stop(struct tenant *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	t->pid = -1;
}

/*
 * Private pages are absent from the direct map; own view and host map
 * them; the user page tables (PTI) never do.
 */
static int test_asi_private_page_mapping(const char *root)
{
	char *a = asi_create_domain(root, "asi_map_a", 0);
	struct tenant t = { .pid = -1 };
	unsigned long v;
	int ret = KSFT_FAIL;

	if (!a || tenant_start(a, &t))
		goto out;
	if (probe_in(NULL, "directmap", t.page, &v, NULL) || v != 0) {
		ksft_print_msg("private page present in the direct map\n");
		goto out;
	}
	if (probe_in(a, "mapped", t.page, &v, NULL) || v != 1) {
		ksft_print_msg("own domain's view does not map its page\n");
		goto out;
	}
	if (probe_in(a, "read", t.page, &v, NULL) || v != PATTERN)
		goto out;
	/* The slot never appears in the PTI user page tables. */
	if (probe_in(a, "usermapped", t.page, &v, NULL) || v != 0 ||
	    probe_in(NULL, "usermapped", t.page, &v, NULL) || v != 0) {
		ksft_print_msg("ASI slot present in the PTI user page tables\n");
		goto out;
	}
	if (probe_in(NULL, "mapped", t.page, &v, NULL) || v != 1) {
		ksft_print_msg("host view does not map the private page\n");
		goto out;
	}
	if (probe_in(NULL, "read", t.page, &v, NULL) || v != PATTERN) {
		ksft_print_msg("host read %#lx, not the pattern\n", v);
		goto out;
	}
	ret = KSFT_PASS;
out:
	tenant_stop(&t);
	asi_destroy_domain(a);
	return ret;
}

/* Another domain's view has no mapping for the page (CR3 walk). */
static int test_asi_other_domain_unmapped(const char *root)
{
	char *a = asi_create_domain(root, "asi_unmap_a", 0);
	char *b = asi_create_domain(root, "asi_unmap_b", 0);
	struct tenant t = { .pid = -1 };
	unsigned long v = 1;
	int ret = KSFT_FAIL;

	if (!a || !b || tenant_start(a, &t))
		goto out;
	if (probe_in(b, "mapped", t.page, &v, NULL) || v != 0) {
		ksft_print_msg("domain B's view maps A's page\n");
		goto out;
	}
	if (cg_read_key_long(b, "asi.events", "exits ") != 0)
		goto out;
	ret = KSFT_PASS;
out:
	tenant_stop(&t);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

static int probe_mapped_here(unsigned long addr)
{
	unsigned long v = 2;
	int fd = asi_test_open();

	if (fd < 0 || asi_test_addr_cmd(fd, "mapped", addr, &v))
		return 2;
	return (int)v;
}

/*
 * The view follows the task across fork and exec, and CLONE_INTO_CGROUP
 * gives the child the view of the cgroup it lands in.
 */
static int test_asi_view_fork_exec_clone(const char *root)
{
	char *a = asi_create_domain(root, "asi_fe_a", 0);
	char *b = asi_create_domain(root, "asi_fe_b", 0);
	struct tenant t = { .pid = -1 };
	int ret = KSFT_FAIL, status, cgfd = -1;
	char addr[32];
	pid_t pid;

	if (!a || !b || tenant_start(a, &t))
		goto out;
	snprintf(addr, sizeof(addr), "%lu", t.page);

	/* fork inside B: the child's new mm has B's view. */
	pid = fork();
	if (!pid) {
		pid_t gc;

		if (cg_enter_current(b))
			exit(3);
		gc = fork();
		if (!gc)
			exit(probe_mapped_here(t.page));
		waitpid(gc, &status, 0);
		exit(WIFEXITED(status) ? WEXITSTATUS(status) : 4);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ksft_print_msg("forked child in B: mapped=%d\n",
			       WEXITSTATUS(status));
		goto out;
	}

	/* exec inside B. */
	pid = fork();
	if (!pid) {
		if (cg_enter_current(b))
			exit(3);
		execl(self_exe, self_exe, "--probe-mapped", addr, NULL);
		exit(5);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ksft_print_msg("exec in B: mapped=%d\n", WEXITSTATUS(status));
		goto out;
	}

	/* clone3(CLONE_INTO_CGROUP) from the host straight into B. */
	cgfd = dirfd_open_opath(b);
	if (cgfd < 0)
		goto out;
	pid = clone_into_cgroup(cgfd);
	if (pid < 0) {
		ksft_print_msg("clone3(CLONE_INTO_CGROUP): %s\n",
			       strerror(errno));
		goto out;
	}
	if (!pid)
		exit(probe_mapped_here(t.page));
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ksft_print_msg("CLONE_INTO_CGROUP child: mapped=%d\n",
			       WEXITSTATUS(status));
		goto out;
	}
	ret = KSFT_PASS;
out:
	if (cgfd >= 0)
		close(cgfd);
	tenant_stop(&t);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/*
 * Trusted contexts read every domain's memory: a hard interrupt and a
 * kernel worker running on a domain task's CPU (the worker on its lazily
 * borrowed mm) switch to the full view, and the domain task finds its
 * own view restored afterwards.  Nothing is counted against the domain,
 * even with enforce=1.
 */
static int test_asi_trusted_contexts(const char *root)
{
	char *a = asi_create_domain(root, "asi_trust_a", 0);
	char *b = asi_create_domain(root, "asi_trust_b", 1);
	struct tenant t = { .pid = -1 };
	int ret = KSFT_FAIL, status;
	pid_t pid;

	if (!a || !b || tenant_start(a, &t))
		goto out;
	pid = fork();
	if (!pid) {
		unsigned long v = 0;
		int fd;

		if (cg_enter_current(b))
			exit(1);
		fd = asi_test_open();
		for (int i = 0; i < 20; i++) {
			if (asi_test_addr_cmd(fd, "irqread", t.page, &v) ||
			    v != PATTERN)
				exit(2);
			if (asi_test_addr_cmd(fd, "kthreadread", t.page, &v) ||
			    v != PATTERN)
				exit(3);
			if (asi_test_addr_cmd(fd, "mapped", t.page, &v) || v)
				exit(4);
		}
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("trusted read from domain B's CPU failed (%#x)\n",
			       status);
		goto out;
	}
	if (cg_read_key_long(b, "asi.events", "violations ") != 0 ||
	    cg_read_key_long(b, "asi.events", "cross_domain ") != 0)
		goto out;
	ret = KSFT_PASS;
out:
	tenant_stop(&t);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/* enforce=0: the cross-domain read succeeds and is counted. */
static int test_asi_cross_read_tolerated(const char *root)
{
	char *a = asi_create_domain(root, "asi_tol_a", 0);
	char *b = asi_create_domain(root, "asi_tol_b", 0);
	struct tenant t = { .pid = -1 };
	int ret = KSFT_FAIL, status;
	unsigned long v = 0;

	if (!a || !b || tenant_start(a, &t))
		goto out;
	if (probe_in(b, "read", t.page, &v, &status) || v != PATTERN) {
		ksft_print_msg("tolerated read returned %#lx\n", v);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("reader did not exit normally\n");
		goto out;
	}
	if (cg_read_key_long(b, "asi.events", "exits ") < 1 ||
	    cg_read_key_long(b, "asi.events", "cross_domain ") < 1 ||
	    cg_read_key_long(b, "asi.events", "violations ") != 0) {
		ksft_print_msg("events not counted as an exit\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	tenant_stop(&t);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

static int sleep_forever(const char *cgroup, void *arg)
{
	pause();
	return 0;
}

/*
 * enforce=1: the read never returns the data; the domain is killed, the
 * violation counted, and a poller of asi.events woken.  The victim lives.
 */
/*
 * The refused read from cgroup @cg, by a child that keeps its CPU: pinned
 * and SCHED_FIFO, so the work item that kills its domain (bound to that
 * CPU, SCHED_NORMAL) cannot run before the child is back in user mode.
 * Returns 1 when the child got back to user mode after the read (it writes
 * a byte into the pipe then), 0 when it died first, -1 on error.
 */
static int offender_runs_on(const char *cg, unsigned long addr)
{
	struct sched_param sp = { .sched_priority = 1 };
	int pipefd[2], fd, status, ran;
	cpu_set_t cpus;
	char byte;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pipefd[0]);
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (cg_enter_current(cg) || sched_setaffinity(0, sizeof(cpus), &cpus) ||
		    sched_setscheduler(0, SCHED_FIFO, &sp))
			exit(2);
		fd = asi_test_open();
		asi_test_addr_cmd(fd, "read", addr, NULL);
		if (write(pipefd[1], "x", 1) != 1)
			exit(3);
		exit(0);
	}
	close(pipefd[1]);
	ran = read(pipefd[0], &byte, 1) == 1;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid ||
	    (WIFEXITED(status) && WEXITSTATUS(status) > 1))
		return -1;
	return ran;
}

static int test_asi_cross_read_enforced(const char *root)
{
	char *a = asi_create_domain(root, "asi_enf_a", 0);
	char *b = asi_create_domain(root, "asi_enf_b", 1);
	struct tenant t = { .pid = -1 };
	int ret = KSFT_FAIL, status, err, efd = -1, bystander = -1;
	struct pollfd pfd;
	unsigned long v = 0;
	char buf[256];

	if (!a || !b || tenant_start(a, &t))
		goto out;
	bystander = cg_run_nowait(b, sleep_forever, NULL);
	if (bystander < 0 || cg_wait_for_proc_count(b, 1))
		goto out;

	efd = cg_open(b, "asi.events", O_RDONLY);
	if (efd < 0 || read(efd, buf, sizeof(buf)) <= 0)
		goto out;

	err = probe_in(b, "read", t.page, &v, &status);
	if (!err || v == PATTERN) {
		ksft_print_msg("cross-domain read returned data (%d, %#lx)\n",
			       err, v);
		goto out;
	}
	if (err != -EFAULT && err != -ECHILD) {
		ksft_print_msg("cross-domain read: %s\n", strerror(-err));
		goto out;
	}
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		ksft_print_msg("offending task was not killed\n");
		goto out;
	}
	/* The whole domain is killed, not only the offender. */
	if (waitpid(bystander, &status, 0) != bystander ||
	    !WIFSIGNALED(status))
		goto out;
	bystander = -1;

	pfd.fd = efd;
	pfd.events = POLLPRI;
	if (poll(&pfd, 1, 5000) != 1) {
		ksft_print_msg("asi.events poller not woken\n");
		goto out;
	}
	if (cg_read_key_long(b, "asi.events", "violations ") != 1) {
		ksft_print_msg("violation not counted\n");
		goto out;
	}
	/* The victim is unharmed and its page intact. */
	if (kill(t.pid, 0) || probe_in(NULL, "read", t.page, &v, NULL) ||
	    v != PATTERN)
		goto out;
	/*
	 * The offender never runs another user instruction, even where the
	 * domain's kill cannot land first.
	 */
	err = offender_runs_on(b, t.page);
	if (err) {
		ksft_print_msg(err > 0 ? "offender ran on after the refused read\n" :
			       "pinned SCHED_FIFO offender could not be run\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(bystander);
	if (efd >= 0)
		close(efd);
	tenant_stop(&t);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/* Every released block was zeroed and restored to the direct map. */
static int test_asi_released_blocks_clean(const char *root)
{
	char *d = asi_create_domain(root, "asi_release", 0);
	long r0, d0, u0, r1, d1, u1, dying0 = settle_dying();
	int ret = KSFT_FAIL, status;
	pid_t pid;

	if (!d || dying0 < 0 || read_released(&r0, &d0, &u0))
		goto out;
	pid = fork();
	if (!pid) {
		unsigned long addr;
		char cmd[64];
		int fd;

		if (cg_enter_current(d))
			exit(1);
		fd = asi_test_open();
		if (asi_test_alloc(fd, &addr))
			exit(2);
		snprintf(cmd, sizeof(cmd), "write %#lx 0xa5", addr);
		if (asi_test_cmd(fd, cmd, NULL, 0))
			exit(3);
		close(fd);	/* frees the page: the block is the spare */
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		goto out;
	/* A dying domain keeps no spare block. */
	asi_destroy_domain(d);
	d = NULL;
	if (wait_released(r0)) {
		ksft_print_msg("block not released\n");
		goto out;
	}
	if (read_released(&r1, &d1, &u1))
		goto out;
	if (d1 != d0 || u1 != u0) {
		ksft_print_msg("released blocks: %ld not zeroed, %ld not in the direct map\n",
			       d1 - d0, u1 - u0);
		goto out;
	}
	/* The domain went with its block. */
	if (wait_dying(dying0, 100)) {
		ksft_print_msg("released domain not freed\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	asi_destroy_domain(d);
	return ret;
}

/*
 * Memory that outlives its cgroup keeps the domain alive, dying, until it
 * is freed (and no CPU holds one of its mms lazily); then the domain and
 * its blocks go away.
 */
static int test_asi_dying_domain(const char *root)
{
	char *e = asi_create_domain(root, "asi_dying", 0);
	long dying0 = settle_dying(), r0, d0, u0;
	int ret = KSFT_FAIL, fd = asi_test_open(), status;
	pid_t pid;

	if (!e || fd < 0 || dying0 < 0 || read_released(&r0, &d0, &u0))
		goto out;
	/* The page belongs to fd, which the host keeps. */
	pid = fork();
	if (!pid) {
		unsigned long addr;

		if (cg_enter_current(e))
			exit(1);
		exit(asi_test_alloc(fd, &addr) ? 2 : 0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		goto out;
	if (cg_wait_for_proc_count(e, 0) || cg_destroy(e))
		goto out;
	free(e);
	e = NULL;
	/* css offlining after rmdir is asynchronous. */
	for (int i = 0; i < 100 && dying_domains() != dying0 + 1; i++)
		usleep(50000);
	if (dying_domains() != dying0 + 1) {
		ksft_print_msg("removed domain in use is not dying\n");
		goto out;
	}
	close(fd);
	fd = -1;
	if (wait_released(r0))
		goto out;
	if (wait_dying(dying0, 100)) {
		ksft_print_msg("dying domain not freed\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	if (fd >= 0)
		close(fd);
	asi_destroy_domain(e);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int churn_child(void)
{
	int fd = asi_test_open();
	unsigned long addr;
	int err = asi_test_alloc(fd, &addr);

	if (fork() == 0)
		_exit(0);
	wait(NULL);
	close(fd);
	return err ? 1 : 0;
}

/* Worker 1: create, isolate, populate and remove domains. */
static int stress_domains(const char *root, double end)
{
	char name[64];
	int i = 0;

	while (now() < end) {
		char *cg;
		int status;
		pid_t pid;

		snprintf(name, sizeof(name), "asi_stress_%d", i++ % 4);
		cg = asi_create_domain(root, name, 0);
		if (!cg)
			return 1;
		pid = fork();
		if (!pid) {
			if (cg_enter_current(cg))
				_exit(1);
			_exit(churn_child());
		}
		waitpid(pid, &status, 0);
		if (cg_write(cg, "asi.isolate", "0") &&
		    cg_wait_for_proc_count(cg, 0))
			return 1;
		cg_destroy(cg);
		free(cg);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	return 0;
}

/* Worker 2: migrate a forking task in and out of a domain. */
static int stress_migrate(const char *root, double end)
{
	char *dom = asi_create_domain(root, "asi_stress_mig", 0);
	char *host = cg_name(root, "asi_stress_host");
	int ret = 1;
	pid_t pid;

	if (!dom || !host || cg_create(host))
		goto out;
	pid = fork();
	if (!pid) {
		for (;;) {
			pid_t c = fork();

			if (!c)
				_exit(0);
			waitpid(c, NULL, 0);
		}
	}
	while (now() < end) {
		if (cg_enter(dom, pid) || cg_enter(host, pid))
			break;
	}
	ret = now() < end;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
out:
	asi_destroy_domain(dom);
	if (host) {
		cg_wait_for_proc_count(host, 0);
		cg_destroy(host);
	}
	free(host);
	return ret;
}

/*
 * Both vCPUs: one worker churns domains (isolate, fork, exit, rmdir),
 * the other migrates a forking task in and out of a domain.  The suite's
 * kernel-log check catches any lockdep, DEBUG_VM or SLUB report.
 */
static int test_asi_concurrency_stress(const char *root)
{
	double end = now() + 8;
	int status, ret = KSFT_PASS;
	pid_t w1, w2;

	w1 = fork();
	if (!w1)
		exit(stress_domains(root, end));
	w2 = fork();
	if (!w2)
		exit(stress_migrate(root, end));
	waitpid(w1, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("domain churn worker failed\n");
		ret = KSFT_FAIL;
	}
	waitpid(w2, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("migration worker failed\n");
		ret = KSFT_FAIL;
	}
	return ret;
}

static const struct cgroup_test tests[] = {
	T(test_asi_private_page_mapping),
	T(test_asi_other_domain_unmapped),
	T(test_asi_view_fork_exec_clone),
	T(test_asi_trusted_contexts),
	T(test_asi_cross_read_tolerated),
	T(test_asi_cross_read_enforced),
	T(test_asi_released_blocks_clean),
	T(test_asi_dying_domain),
	T(test_asi_concurrency_stress),
};

int main(int argc, char **argv)
{
	char root[PATH_MAX];

	/* Re-executed by test_asi_view_fork_exec_clone. */
	if (argc == 3 && !strcmp(argv[1], "--probe-mapped"))
		return probe_mapped_here(strtoul(argv[2], NULL, 10));
	self_exe = argv[0];

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_skip("cgroup v2 isn't mounted\n");
	asi_require(root, true);
	ksft_set_plan(ARRAY_SIZE(tests));

	run_cgroup_tests(root, tests, ARRAY_SIZE(tests));

	ksft_finished();
}
