// SPDX-License-Identifier: GPL-2.0
/*
 * On a KASAN kernel: the sanitizer sees asi private memory.
 *
 * A private slab object lives at its alias in the ASI slot, whose shadow
 * is the shadow of the block's direct-map range.  The test helper frees
 * one of its own private objects and reads it; KASAN must report that
 * use after free, at the alias, naming the object's cache, and the
 * domain must still drain once its cgroup is gone (private objects are
 * not held in the quarantine).  The report is provoked on purpose: it is
 * declared to the log checker with expect-begin/expect-end marks.
 *
 * Skips on a kernel without KASAN.
 */
#define _GNU_SOURCE

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "asi_util.h"

#define EXPECT_TAG "kasan-uaf"

/* One record in the kernel log (dprintf() would not write /dev/kmsg). */
static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	char line[128];
	int len;

	if (fd < 0)
		ksft_exit_fail_msg("cannot open /dev/kmsg\n");
	len = snprintf(line, sizeof(line), "asi-selftest: %s\n", msg);
	if (write(fd, line, len) != len)
		ksft_exit_fail_msg("cannot write /dev/kmsg\n");
	close(fd);
}

/* The kernel log from the line that contains @from on (NULL if none). */
static char *log_from(const char *from)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strstr(buf, from);
}

int main(void)
{
	char root[PATH_MAX], addr[32], *cg, *log, *end;
	unsigned long obj = 0;
	int err, status;

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");
	asi_require(root, true);
	cg = asi_create_domain(root, "asi_kasan", 0);
	if (!cg)
		ksft_exit_fail_msg("cannot create an isolated cgroup\n");

	kmsg("expect-begin " EXPECT_TAG);
	err = probe_in(cg, "uaf", 0, &obj, &status);
	kmsg("expect-end " EXPECT_TAG);
	if (err == -EOPNOTSUPP) {
		asi_destroy_domain(cg);
		ksft_exit_skip("the kernel has no KASAN\n");
	}
	ksft_set_plan(4);
	if (err)
		ksft_exit_fail_msg("uaf in the domain failed: %s\n",
				   strerror(-err));

	/* The report lies between the marks, at the object's alias. */
	log = log_from("expect-begin " EXPECT_TAG);
	end = log ? strstr(log, "expect-end " EXPECT_TAG) : NULL;
	if (end)
		*end = '\0';
	snprintf(addr, sizeof(addr), "%lx", obj);
	ksft_test_result(log && strstr(log, "BUG: KASAN: slab-use-after-free"),
			 "use after free of a private object is reported\n");
	ksft_test_result(log && strstr(log, addr),
			 "the report is at the object's alias (%s)\n", addr);
	ksft_test_result(log && strstr(log, "belongs to the cache"),
			 "the report names the object's cache\n");

	asi_destroy_domain(cg);
	ksft_test_result(wait_domains_gone("asi_kasan", "asi_kasan", 200) == 0,
			 "the domain drains once its cgroup is gone\n");
	ksft_finished();
}
