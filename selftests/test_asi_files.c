// SPDX-License-Identifier: GPL-2.0
/*
 * The asi controller's cgroupfs interface: files and defaults, bad input
 * (a clean EINVAL and nothing changed), EBUSY on a populated cgroup, the
 * migration and clone rules between domains, and nesting.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "cgroup_tests.h"
#include "asi_util.h"

static int sleep_forever(const char *cgroup, void *arg)
{
	pause();
	return 0;
}

/* No asi file exists on the root: the root is the host. */
static int test_asi_no_files_on_root(const char *root)
{
	static const char * const files[] = {
		"asi.isolate", "asi.enforce", "asi.fallback",
		"asi.private_objects", "asi.events", "asi.stat",
	};
	char path[PATH_MAX];

	for (int i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		if (!access(path, F_OK)) {
			ksft_print_msg("%s exists on the root\n", files[i]);
			return KSFT_FAIL;
		}
	}
	return KSFT_PASS;
}

/* A new cgroup is host: not isolated, not enforcing, no figures. */
static int test_asi_defaults(const char *root)
{
	int ret = KSFT_FAIL;
	char *cg = cg_name(root, "asi_defaults");

	if (!cg || cg_create(cg))
		goto out;
	if (cg_read_strcmp(cg, "asi.isolate", "0\n") ||
	    cg_read_strcmp(cg, "asi.enforce", "0\n") ||
	    cg_read_strcmp(cg, "asi.fallback", "1\n") ||
	    cg_read_strcmp(cg, "asi.events",
			   "exits 0\ncross_domain 0\nviolations 0\n") ||
	    cg_read_key_long(cg, "asi.stat", "domain ") != 0 ||
	    cg_read_key_long(cg, "asi.stat", "private_bytes ") != 0)
		goto out;
	ret = KSFT_PASS;
out:
	if (cg)
		cg_destroy(cg);
	free(cg);
	return ret;
}

/*
 * Every rejected write fails with EINVAL and leaves the value as it was;
 * the accepted spellings are exactly "0" and "1" with an optional newline.
 * (A zero-length write(2) never reaches the file: the VFS returns 0.)
 */
static int test_asi_bad_input(const char *root)
{
	static const char * const files[] = {
		"asi.isolate", "asi.enforce", "asi.fallback",
	};
	static const char * const bad[] = {
		"2", "-1", "garbage", "\n", " ", "1 1", "0x1", "yes", "on",
		"1\n1", "11",
	};
	char *longbuf = malloc(8192);
	int ret = KSFT_FAIL, err;
	char *cg = cg_name(root, "asi_bad_input");

	if (!longbuf || !cg || cg_create(cg))
		goto out;
	memset(longbuf, '1', 8191);
	longbuf[8191] = '\0';

	for (int f = 0; f < ARRAY_SIZE(files); f++) {
		for (int want = 0; want <= 1; want++) {
			const char *val = want ? "1\n" : "0";
			const char *expect = want ? "1\n" : "0\n";

			if (cg_write(cg, files[f], (char *)val)) {
				ksft_print_msg("%s: '%s' refused\n", files[f], val);
				goto out;
			}
			for (int b = 0; b < ARRAY_SIZE(bad); b++) {
				err = cg_write(cg, files[f], (char *)bad[b]);

				if (err != -EINVAL) {
					ksft_print_msg("%s: '%s' gave %d, not EINVAL\n",
						       files[f], bad[b], err);
					goto out;
				}
				if (cg_read_strcmp(cg, files[f], expect)) {
					ksft_print_msg("%s changed by '%s'\n",
						       files[f], bad[b]);
					goto out;
				}
			}
			/* Up to a page reaches the file: EINVAL. */
			longbuf[4096] = '\0';
			err = cg_write(cg, files[f], longbuf);
			if (err != -EINVAL || cg_read_strcmp(cg, files[f], expect)) {
				ksft_print_msg("%s: 4096-byte write gave %d\n",
					       files[f], err);
				goto out;
			}
			/* Beyond a page kernfs refuses it, as for every cgroup file. */
			longbuf[4096] = '1';
			err = cg_write(cg, files[f], longbuf);
			if (err != -E2BIG || cg_read_strcmp(cg, files[f], expect)) {
				ksft_print_msg("%s: 8191-byte write gave %d\n",
					       files[f], err);
				goto out;
			}
		}
		if (cg_write(cg, files[f], "0"))
			goto out;
	}
	/* Read-only files refuse writes. */
	if (!cg_write(cg, "asi.events", "0") || !cg_write(cg, "asi.stat", "0"))
		goto out;
	ret = KSFT_PASS;
out:
	if (cg)
		cg_destroy(cg);
	free(cg);
	free(longbuf);
	return ret;
}

/* asi.isolate cannot change while the subtree has tasks. */
static int test_asi_isolate_ebusy(const char *root)
{
	int ret = KSFT_FAIL, pid = -1;
	char *cg = cg_name(root, "asi_ebusy");
	char *child = cg_name(root, "asi_ebusy/child");

	if (!cg || !child || cg_create(cg) || cg_create(child))
		goto out;
	if (cg_write(cg, "cgroup.subtree_control", "+asi"))
		goto out;
	pid = cg_run_nowait(child, sleep_forever, NULL);
	if (pid < 0 || cg_wait_for_proc_count(child, 1))
		goto out;
	/* A task in a descendant makes the subtree populated too. */
	if (cg_write(cg, "asi.isolate", "1") != -EBUSY ||
	    cg_read_strcmp(cg, "asi.isolate", "0\n"))
		goto out;
	if (cg_write(child, "asi.isolate", "1") != -EBUSY ||
	    cg_read_strcmp(child, "asi.isolate", "0\n"))
		goto out;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = -1;
	if (cg_wait_for_proc_count(child, 0))
		goto out;
	if (cg_write(cg, "asi.isolate", "1") ||
	    cg_read_strcmp(cg, "asi.isolate", "1\n") ||
	    cg_write(cg, "asi.isolate", "0"))
		goto out;
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	if (child)
		cg_destroy(child);
	if (cg)
		cg_destroy(cg);
	free(child);
	free(cg);
	return ret;
}

/*
 * Into a domain and out to the host are allowed; straight from one
 * domain to another is EXDEV, and the task stays where it was.
 */
static int test_asi_migration_rules(const char *root)
{
	char *a = asi_create_domain(root, "asi_mig_a", 0);
	char *b = asi_create_domain(root, "asi_mig_b", 0);
	char *host = cg_name(root, "asi_mig_host");
	int ret = KSFT_FAIL, pid = -1;

	if (!a || !b || !host || cg_create(host))
		goto out;
	pid = cg_run_nowait(host, sleep_forever, NULL);
	if (pid < 0 || cg_wait_for_proc_count(host, 1))
		goto out;
	if (cg_enter(a, pid)) {
		ksft_print_msg("host -> domain refused\n");
		goto out;
	}
	if (cg_enter(b, pid) != -EXDEV) {
		ksft_print_msg("domain -> other domain not EXDEV\n");
		goto out;
	}
	if (cg_read_lc(a, "cgroup.procs") != 1 ||
	    cg_read_lc(b, "cgroup.procs") != 0)
		goto out;
	if (cg_enter(host, pid) || cg_enter(b, pid)) {
		ksft_print_msg("domain -> host -> other domain refused\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	if (host)
		cg_destroy(host);
	free(host);
	return ret;
}

/* clone3(CLONE_INTO_CGROUP) cannot start a child in another domain. */
static int test_asi_clone_into_other_domain(const char *root)
{
	char *a = asi_create_domain(root, "asi_clone_a", 0);
	char *b = asi_create_domain(root, "asi_clone_b", 0);
	int ret = KSFT_FAIL, status;
	pid_t pid;

	if (!a || !b)
		goto out;
	pid = fork();
	if (!pid) {
		int fd = dirfd_open_opath(b);
		pid_t child;

		if (fd < 0 || cg_enter_current(a))
			exit(2);
		child = clone_into_cgroup(fd);
		if (!child)
			exit(0);
		if (child > 0) {
			waitpid(child, NULL, 0);
			exit(3);
		}
		exit(errno == EXDEV ? 0 : 4);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("clone into another domain: status %#x\n", status);
		goto out;
	}
	ret = KSFT_PASS;
out:
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

static int shared_mm_child(void *arg)
{
	pause();
	return 0;
}

/*
 * The view belongs to the mm: a process sharing its mm with another
 * process (clone(CLONE_VM) without CLONE_THREAD) cannot move into or out
 * of a domain (EBUSY), or the other's view would change under it.  Once
 * the other process is gone it can.
 */
static int test_asi_shared_mm_migration(const char *root)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	char *a = asi_create_domain(root, "asi_shared_a", 0);
	char *host = cg_name(root, "asi_shared_host");
	int ret = KSFT_FAIL, err;
	pid_t pid = -1;

	if (!a || !host || cg_create(host) || cg_enter_current(host))
		goto out;
	pid = clone(shared_mm_child, stack + sizeof(stack),
		    CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		goto out;
	err = cg_enter(a, pid);
	if (err != -EBUSY) {
		ksft_print_msg("moving a CLONE_VM sharer gave %d\n", err);
		goto out;
	}
	if (cg_read_lc(a, "cgroup.procs") != 0)
		goto out;
	/* Once the sharer is gone, the mm is ours alone: it may move. */
	kill_and_reap(pid);
	pid = -1;
	err = cg_enter_current(a);
	if (err || cg_enter_current(host)) {
		ksft_print_msg("moving after the sharer exited gave %d\n", err);
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	cg_enter_current(root);
	asi_destroy_domain(a);
	if (host)
		cg_destroy(host);
	free(host);
	return ret;
}

/*
 * A non-isolated child belongs to its parent's domain; an isolated child
 * starts its own.  Moving between the parent and the non-isolated child
 * stays in one domain and is allowed.
 */
static int test_asi_nesting(const char *root)
{
	char *a = asi_create_domain(root, "asi_nest", 0);
	char *inner = NULL, *nested = NULL;
	long id_a, id_inner, id_nested;
	int ret = KSFT_FAIL, pid = -1;

	if (!a)
		goto out;
	inner = cg_name(a, "inner");
	nested = cg_name(a, "nested");
	if (!inner || !nested ||
	    cg_write(a, "cgroup.subtree_control", "+asi") ||
	    cg_create(inner) || cg_create(nested) ||
	    cg_write(nested, "asi.isolate", "1"))
		goto out;
	id_a = cg_read_key_long(a, "asi.stat", "domain ");
	id_inner = cg_read_key_long(inner, "asi.stat", "domain ");
	id_nested = cg_read_key_long(nested, "asi.stat", "domain ");
	if (id_a <= 0 || id_inner != id_a || id_nested <= 0 ||
	    id_nested == id_a) {
		ksft_print_msg("domains: parent %ld inner %ld nested %ld\n",
			       id_a, id_inner, id_nested);
		goto out;
	}
	pid = cg_run_nowait(inner, sleep_forever, NULL);
	if (pid < 0 || cg_wait_for_proc_count(inner, 1))
		goto out;
	if (cg_enter(nested, pid) != -EXDEV)
		goto out;
	ret = KSFT_PASS;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (inner)
			cg_wait_for_proc_count(inner, 0);
	}
	if (nested)
		cg_destroy(nested);
	if (inner)
		cg_destroy(inner);
	free(nested);
	free(inner);
	asi_destroy_domain(a);
	return ret;
}

/* Wait until cgroup.events of @cg shows "frozen @frozen". */
static int wait_frozen(const char *cg, int frozen)
{
	char want[16];

	snprintf(want, sizeof(want), "frozen %d", frozen);
	for (int i = 0; i < 200; i++) {
		if (!cg_read_strstr(cg, "cgroup.events", want))
			return 0;
		usleep(20000);
	}
	return -1;
}

static void *thread_sleep(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/*
 * A thread of a process in a domain, moved to a threaded child, stays in
 * the domain (the controller is not threaded, so a threaded child uses
 * its threaded domain's asi state): a private page it allocates there
 * belongs to domain @id.
 */
static int threaded_tenant(const char *threaded, long id)
{
	char tid[32], out[64], cmd[64];
	unsigned long page;
	pthread_t t;
	int fd = asi_test_open();

	if (fd < 0 || pthread_create(&t, NULL, thread_sleep, NULL))
		return 1;
	/* The main thread moves itself: its tid is the pid. */
	snprintf(tid, sizeof(tid), "%d", gettid());
	if (cg_write(threaded, "cgroup.threads", tid))
		return 2;
	if (asi_test_cmd(fd, "alloc", out, sizeof(out)))
		return 3;
	page = strtoul(out, NULL, 0);
	snprintf(cmd, sizeof(cmd), "owner %#lx", page);
	if (asi_test_cmd(fd, cmd, out, sizeof(out)) ||
	    strtol(out, NULL, 0) != id)
		return 4;
	return 0;
}

/*
 * What cgroup v2 does on the host works in a domain: the freezer, kill,
 * threaded subtrees with thread migration, and a cgroup namespace with
 * its own cgroup2 mount, in which the tenant creates and isolates a
 * nested cgroup.
 */
static int test_asi_cgroup_features(const char *root)
{
	char *d, *threaded;
	int ret = KSFT_FAIL, st;
	pid_t pid = -1;

	/* The thread's private page is checked with the test helper. */
	if (!asi_have_helper()) {
		ksft_print_msg("asi test helper (CONFIG_ASI_TEST) isn't available\n");
		return KSFT_SKIP;
	}
	d = asi_create_domain(root, "asi_features", 1);
	threaded = d ? cg_name(d, "threads") : NULL;
	if (!d || !threaded)
		goto out;
	/* Freezer and kill. */
	pid = cg_run_nowait(d, sleep_forever, NULL);
	if (pid < 0 || cg_wait_for_proc_count(d, 1) ||
	    cg_write(d, "cgroup.freeze", "1") || wait_frozen(d, 1) ||
	    cg_write(d, "cgroup.freeze", "0") || wait_frozen(d, 0)) {
		ksft_print_msg("freezer in a domain\n");
		goto out;
	}
	if (cg_write(d, "cgroup.kill", "1") || cg_wait_for_proc_count(d, 0) ||
	    waitpid(pid, &st, 0) != pid || !WIFSIGNALED(st)) {
		ksft_print_msg("cgroup.kill in a domain\n");
		goto out;
	}
	pid = -1;
	/* A threaded child, a thread moved there. */
	if (cg_create(threaded) ||
	    cg_write(threaded, "cgroup.type", "threaded")) {
		ksft_print_msg("threaded child of a domain\n");
		goto out;
	}
	pid = fork();
	if (!pid) {
		if (cg_enter_current(d))
			_exit(1);
		_exit(threaded_tenant(threaded,
				      cg_read_key_long(d, "asi.stat", "domain ")));
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("thread migration in a domain: %#x\n", st);
		goto out;
	}
	pid = -1;
	cg_destroy(threaded);
	/*
	 * A cgroup namespace rooted in the domain: the tenant mounts its own
	 * cgroup2, moves itself to a leaf (no internal processes), enables
	 * asi below its root and isolates a nested cgroup of its own.
	 */
	pid = fork();
	if (!pid) {
		if (cg_enter_current(d) ||
		    unshare(CLONE_NEWCGROUP | CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    (mkdir("/tmp/asi-cgns", 0700) < 0 && errno != EEXIST))
			_exit(1);
		if (mount("none", "/tmp/asi-cgns", "cgroup2", 0, NULL))
			_exit(2);
		/* Our namespace's root is the domain: its asi files are here. */
		if (cg_read_strcmp("/tmp/asi-cgns", "asi.isolate", "1\n"))
			_exit(3);
		if (cg_create("/tmp/asi-cgns/leaf") ||
		    cg_enter_current("/tmp/asi-cgns/leaf") ||
		    cg_write("/tmp/asi-cgns", "cgroup.subtree_control", "+asi") ||
		    cg_create("/tmp/asi-cgns/inner") ||
		    cg_write("/tmp/asi-cgns/inner", "asi.isolate", "1") ||
		    cg_read_key_long("/tmp/asi-cgns/inner", "asi.stat",
				     "domain ") <= 0 ||
		    cg_write("/tmp/asi-cgns/inner", "asi.isolate", "0") ||
		    cg_destroy("/tmp/asi-cgns/inner"))
			_exit(4);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("cgroup namespace in a domain: %#x\n", st);
		pid = -1;
		goto out;
	}
	pid = -1;
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	if (threaded) {
		cg_killall(threaded);
		cg_wait_for_proc_count(threaded, 0);
		cg_destroy(threaded);
	}
	free(threaded);
	if (d) {
		char *leaf = cg_name(d, "leaf");

		cg_destroy(leaf);
		free(leaf);
	}
	asi_destroy_domain(d);
	return ret;
}

/*
 * cgroup v1 cannot hold a domain: its tasks file moves single threads,
 * which share one view.  The controller has no v1 files, so the cgroup
 * core refuses to bind it to a v1 hierarchy at all.
 */
static int test_asi_not_on_v1(const char *root)
{
	const char *mnt = "/tmp/asi-v1";
	int err;

	mkdir(mnt, 0700);
	err = mount("none", mnt, "cgroup", 0, "asi") ? errno : 0;
	if (!err) {
		ksft_print_msg("asi bound to a v1 hierarchy\n");
		umount(mnt);
		return KSFT_FAIL;
	}
	if (err != EINVAL) {
		ksft_print_msg("mounting v1 with asi: %s\n", strerror(err));
		return KSFT_FAIL;
	}
	/* Another controller can, so the refusal is asi's own. */
	if (mount("none", mnt, "cgroup", 0, "none,name=asi-test")) {
		ksft_print_msg("no v1 hierarchies at all: %s\n", strerror(errno));
		return KSFT_SKIP;
	}
	umount(mnt);
	return KSFT_PASS;
}

static const struct cgroup_test tests[] = {
	T(test_asi_no_files_on_root),
	T(test_asi_defaults),
	T(test_asi_bad_input),
	T(test_asi_isolate_ebusy),
	T(test_asi_migration_rules),
	T(test_asi_clone_into_other_domain),
	T(test_asi_shared_mm_migration),
	T(test_asi_cgroup_features),
	T(test_asi_not_on_v1),
	T(test_asi_nesting),
};

int main(int argc, char **argv)
{
	char root[PATH_MAX];

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_skip("cgroup v2 isn't mounted\n");
	asi_require(root, false);
	ksft_set_plan(ARRAY_SIZE(tests));

	run_cgroup_tests(root, tests, ARRAY_SIZE(tests));

	ksft_finished();
}
