// SPDX-License-Identifier: GPL-2.0
/*
 * Run in a guest booted with 5-level paging (the default of CPUs with
 * LA57): asi works there too, with its slot in a top-level entry of its
 * own.  A private page of one domain lives at its alias in that slot, is
 * mapped in its own view and the host's, not in another domain's, and a
 * cross-domain read with asi.enforce=1 is refused.  The same boot then
 * runs the isolation, cross-tenant and object suites.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "asi_util.h"

/* Where the slot is with 5-level paging: PGD index -241. */
#define ASI_BASE_L5	0xff0f000000000000UL
#define ASI_SLOT_SIZE	(512UL << 30)
#define PATTERN		0x5a5a5a5a5a5a5a5aUL

static int kernel_log_count(const char *needle)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	int count = 0;
	char *p = buf;

	if (n < 0)
		return -1;
	buf[n] = '\0';
	while ((p = strstr(p, needle))) {
		count++;
		p += strlen(needle);
	}
	return count;
}

/* Only 5-level paging can map above the 47-bit user address space. */
static int five_level_paging(void)
{
	void *hint = (void *)(1UL << 50);
	void *p = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, 4096);
	return (unsigned long)p >= (1UL << 47);
}

int main(void)
{
	unsigned long page = 0, val = 0;
	char root[PATH_MAX], out[64];
	int report[2], st, err;
	char *a, *b;
	pid_t pid;

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");
	if (!five_level_paging())
		ksft_exit_fail_msg("the guest is not running 5-level paging\n");
	asi_require(root, true);
	ksft_set_plan(6);

	ksft_test_result(kernel_log_count("asi: not available") == 0,
			 "no refusal at boot\n");
	a = asi_create_domain(root, "asi_5level_a", 1);
	b = asi_create_domain(root, "asi_5level_b", 1);
	if (!a || !b || pipe(report))
		ksft_exit_fail_msg("cannot isolate two cgroups\n");

	/* Tenant A: a private page, kept while the test looks at it. */
	pid = fork();
	if (!pid) {
		int fd;

		close(report[0]);
		if (cg_enter_current(a))
			_exit(1);
		fd = asi_test_open();
		if (fd < 0 || asi_test_cmd(fd, "alloc", out, sizeof(out)))
			_exit(1);
		dprintf(report[1], "%s", out);
		close(report[1]);
		pause();
		_exit(0);
	}
	close(report[1]);
	memset(out, 0, sizeof(out));
	if (read(report[0], out, sizeof(out) - 1) > 0)
		page = strtoul(out, NULL, 0);
	ksft_test_result(page - ASI_BASE_L5 < ASI_SLOT_SIZE,
			 "the private page %#lx is in the 5-level slot\n", page);
	if (!page)
		ksft_exit_fail_msg("no private page\n");

	err = probe_in(NULL, "read", page, &val, NULL);
	ksft_test_result(!err && val == PATTERN, "the host reads it\n");
	err = probe_in(a, "mapped", page, &val, NULL);
	ksft_test_result(!err && val == 1, "its own domain maps it\n");
	err = probe_in(b, "mapped", page, &val, NULL);
	ksft_test_result(!err && val == 0,
			 "another domain's view does not map it\n");
	/* The domain kill may land before the reader reports EFAULT. */
	err = probe_in(b, "read", page, &val, &st);
	ksft_test_result((err == -EFAULT ||
			  (err == -ECHILD && WIFSIGNALED(st))) &&
			 cg_read_key_long(b, "asi.events", "violations ") == 1,
			 "another domain's read is refused (%d)\n", err);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	ksft_finished();
}
