// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection into asi's allocation paths.
 *
 * Each operation below runs again and again with /proc/thread-self/fail-nth
 * set to 1, 2, 3, ...: the Nth fault-injection point the operation passes
 * (a slab allocation through failslab, a page allocation through
 * fail_page_alloc, pool growth through asi's own fail_grow) fails, once.
 * The sequence is deterministic, so a failure repeats.  It ends when an
 * operation completes without reaching its Nth point.  Every run must end
 * in success or in a clean error that changed nothing, or fall back to
 * shared memory and count it; and once the cgroups are gone, no domain,
 * clone cache, block or private page may be left behind.
 *
 *  - isolate:   asi.isolate=1 on a cgroup whose classes are set (domain,
 *               tree and clone creation);
 *  - classes:   asi.private_objects on an isolated cgroup (clones);
 *  - fork:      fork() by a task in a domain whose classes are all private
 *               (mm and pgd, creds, files: private objects);
 *  - grow:      the test helper's private page in a new domain (pool
 *               growth);
 *  - pipe:      pipe(), a write and a read in a domain whose pipes are
 *               private (private pipe pages).
 *
 * Needs CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC (the KASAN flavour of
 * the test kernel has them); skips elsewhere.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "asi_util.h"

#define ALL_CLASSES	"cred file pipe sock netns key msg"
/* Past this many points per operation, sample them, ever more sparsely. */
#define DENSE_POINTS	48
#define MAX_POINTS	4000

static char root[PATH_MAX];
static unsigned long injected, survived_errors, fallbacks_seen;

/* Fail the @nth fault-injection point the calling thread passes. */
static int fail_nth_open(void)
{
	return open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
}

static int fail_nth_set(int fd, unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* Did the armed failure fire?  Disarms it either way. */
static bool fail_nth_fired(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return false;
	/* Written before anything else can pass a point. */
	fail_nth_set(fd, 0);
	return atoi(buf) == 0;
}

/*
 * One run of an operation with its @nth point failing: returns 0 when the
 * operation's invariants held, -1 when they did not; *@fired says whether
 * the failure was injected (if not, the sequence is complete).
 */
struct op {
	const char *name;
	int (*run)(const char *cg, unsigned int nth, bool *fired);
	const char *classes;	/* set before the run */
	bool isolated;		/* asi.isolate=1 before the run */
};

static int write_under_fault(const char *cg, const char *file, const char *val,
			     unsigned int nth, bool *fired)
{
	char path[PATH_MAX];
	int fd, nfd, ret;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	nfd = fail_nth_open();
	if (fd < 0 || nfd < 0 || fail_nth_set(nfd, nth))
		return -EIO;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
	*fired = fail_nth_fired(nfd);
	close(nfd);
	close(fd);
	return ret;
}

static int run_isolate(const char *cg, unsigned int nth, bool *fired)
{
	int err = write_under_fault(cg, "asi.isolate", "1", nth, fired);

	if (err && err != -ENOMEM) {
		ksft_print_msg("isolate #%u: %s\n", nth, strerror(-err));
		return -1;
	}
	if (cg_read_strcmp(cg, "asi.isolate", err ? "0\n" : "1\n")) {
		ksft_print_msg("isolate #%u: asi.isolate does not say %d\n",
			       nth, !err);
		return -1;
	}
	/* A domain that came to be works: the page comes from its pool. */
	if (!err && probe_in(cg, "alloc", 0, NULL, NULL)) {
		ksft_print_msg("isolate #%u: no private page\n", nth);
		return -1;
	}
	survived_errors += !!err;
	return 0;
}

static int run_classes(const char *cg, unsigned int nth, bool *fired)
{
	int err = write_under_fault(cg, "asi.private_objects", ALL_CLASSES,
				    nth, fired);

	if (err && err != -ENOMEM) {
		ksft_print_msg("classes #%u: %s\n", nth, strerror(-err));
		return -1;
	}
	if (cg_read_strcmp(cg, "asi.private_objects",
			   err ? "\n" : ALL_CLASSES "\n")) {
		ksft_print_msg("classes #%u: refused, yet changed\n", nth);
		return -1;
	}
	survived_errors += !!err;
	return 0;
}

/*
 * Run @fn(@arg) in a new task inside @cg with its @nth point failing.  The
 * task reports fn's result and whether the failure fired.
 */
static int in_domain(const char *cg, unsigned int nth, bool *fired,
		     int (*fn)(void))
{
	int rep[2], res[2] = { -EIO, 0 }, status;
	pid_t pid;

	if (pipe(rep))
		return -EIO;
	pid = fork();
	if (!pid) {
		int nfd;

		close(rep[0]);
		nfd = fail_nth_open();
		if (cg_enter_current(cg) || nfd < 0 || fail_nth_set(nfd, nth))
			_exit(1);
		res[0] = fn();
		res[1] = fail_nth_fired(nfd);
		_exit(write(rep[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(rep[1]);
	if (pid < 0 || read(rep[0], res, sizeof(res)) != sizeof(res))
		res[0] = -EIO;
	close(rep[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	*fired = res[1];
	return res[0];
}

static int do_fork(void)
{
	pid_t pid = fork();
	int status;

	if (!pid)
		_exit(0);
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -EIO;
	return 0;
}

static int do_alloc(void)
{
	int fd = asi_test_open(), err;
	unsigned long addr;

	if (fd < 0)
		return -errno;
	err = asi_test_alloc(fd, &addr);
	close(fd);
	return err;
}

static int do_pipe(void)
{
	char out[4096], in[4096];
	int p[2], err = 0;

	memset(out, 0x3c, sizeof(out));
	if (pipe(p))
		return -errno;
	if (write(p[1], out, sizeof(out)) != sizeof(out))
		err = -errno;
	else if (read(p[0], in, sizeof(in)) != sizeof(in) ||
		 memcmp(in, out, sizeof(in)))
		err = -EBADMSG;	/* the data came back wrong */
	close(p[0]);
	close(p[1]);
	return err;
}

static int run_in_domain(const char *cg, unsigned int nth, bool *fired,
			 const char *what, int (*fn)(void))
{
	long before = asi_stat(cg, "fallbacks");
	int err = in_domain(cg, nth, fired, fn);

	/* pipe() says ENFILE when it cannot get an inode. */
	if (err && err != -ENOMEM && err != -EAGAIN && err != -ENFILE) {
		ksft_print_msg("%s #%u: %s\n", what, nth, strerror(-err));
		return -1;
	}
	if (asi_stat(cg, "fallbacks") > before)
		fallbacks_seen++;
	survived_errors += !!err;
	return 0;
}

static int run_fork(const char *cg, unsigned int nth, bool *fired)
{
	return run_in_domain(cg, nth, fired, "fork", do_fork);
}

static int run_grow(const char *cg, unsigned int nth, bool *fired)
{
	long before = asi_stat(cg, "fallbacks");
	int err = in_domain(cg, nth, fired, do_alloc);

	long after = asi_stat(cg, "fallbacks");

	/*
	 * The helper's page has no fallback: ENOMEM, counted as one when it
	 * was the pool that failed (and not, say, the helper's own buffer).
	 */
	if ((err && err != -ENOMEM) || (!err && after != before) ||
	    after < before || after > before + 1) {
		ksft_print_msg("grow #%u: %s, fallbacks %ld -> %ld\n", nth,
			       strerror(-err), before, after);
		return -1;
	}
	fallbacks_seen += after - before;
	survived_errors += !!err;
	return 0;
}

static int run_pipe(const char *cg, unsigned int nth, bool *fired)
{
	return run_in_domain(cg, nth, fired, "pipe", do_pipe);
}

static const struct op ops[] = {
	{ "isolate", run_isolate, "cred pipe", false },
	{ "classes", run_classes, "", true },
	{ "fork", run_fork, ALL_CLASSES, true },
	{ "grow", run_grow, "", true },
	{ "pipe", run_pipe, "pipe", true },
};

/* Clone caches ("NAME@asiID") left in /sys/kernel/slab. */
static int clone_caches(void)
{
	DIR *dir = opendir("/sys/kernel/slab");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += strstr(e->d_name, "@asi") != NULL;
	closedir(dir);
	return n;
}

static int fault_setup(void)
{
	static const char *const knobs[][2] = {
		/* GFP_KERNEL allocations fail too, quietly. */
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
		{ "/sys/kernel/debug/asi/fail_grow/verbose", "0" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		if (write_text(knobs[i][0], (char *)knobs[i][1],
			       strlen(knobs[i][1])) < 0)
			return -1;
	return 0;
}

/* The next point to fail after @nth: all at first, then sampled. */
static unsigned int next_point(unsigned int nth)
{
	return nth < DENSE_POINTS ? nth + 1 : nth + nth / 8;
}

static void run_op(const struct op *op)
{
	unsigned int nth, runs = 0;
	bool fired = true, ok = true;

	for (nth = 1; fired && nth < MAX_POINTS; nth = next_point(nth)) {
		char *cg = cg_name(root, "asi_faults");

		if (!cg || cg_create(cg) ||
		    cg_write(cg, "asi.private_objects", (char *)op->classes) ||
		    (op->isolated && cg_write(cg, "asi.isolate", "1")))
			ksft_exit_fail_msg("%s: cannot set up the cgroup\n",
					   op->name);
		if (op->run(cg, nth, &fired))
			ok = false;
		injected += fired;
		runs++;
		asi_destroy_domain(cg);
		if (!ok)
			break;
	}
	ksft_test_result(ok && !fired, "%s: %u runs, each clean\n", op->name,
			 runs);
}

int main(void)
{
	long released, dirty, unmapped, dying;
	int clones;
	bool listed;

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");
	asi_require(root, true);
	if (access("/sys/kernel/debug/failslab", F_OK) ||
	    access("/sys/kernel/debug/fail_page_alloc", F_OK) ||
	    access("/proc/thread-self/fail-nth", F_OK))
		ksft_exit_skip("no failslab, fail_page_alloc or fail-nth\n");
	if (fault_setup())
		ksft_exit_fail_msg("cannot configure fault injection\n");
	ksft_set_plan(ARRAY_SIZE(ops) + 2);

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		run_op(&ops[i]);

	ksft_print_msg("%lu faults injected, %lu of them ended in a clean error, %lu fallbacks\n",
		       injected, survived_errors, fallbacks_seen);
	/* Hundreds of domains died: give their work items time. */
	for (int i = 0; i < 12 && (dying = settle_dying()); i++)
		;
	clones = clone_caches();
	listed = domain_listed("asi_faults");
	if (dying || clones || listed) {
		char buf[4096] = "";

		read_text(ASI_DOMAINS_PATH, buf, sizeof(buf));
		ksft_print_msg("dying %ld, clone caches %d, listed %d:\n%s", dying,
			       clones, listed, buf);
		/* Blocked tasks and held locks, to the kernel log. */
		write_text("/proc/sysrq-trigger", "w", 1);
		write_text("/proc/sysrq-trigger", "d", 1);
	}
	ksft_test_result(!dying && !clones && !listed,
			 "no domain or clone cache left\n");
	ksft_test_result(!read_released(&released, &dirty, &unmapped) &&
			 !dirty && !unmapped,
			 "every released block was zeroed and mapped again (%ld)\n",
			 released);
	ksft_finished();
}
