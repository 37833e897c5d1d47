// SPDX-License-Identifier: GPL-2.0
/*
 * Run in a guest booted with 5-level paging: asi cannot give each mm its
 * own top-level slot there, so it refuses to enable, says so once at
 * boot, and isolating a cgroup fails with EOPNOTSUPP.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"

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
	char root[PATH_MAX];
	char *cg;
	int err;

	ksft_print_header();
	ksft_set_plan(3);
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");
	if (!five_level_paging())
		ksft_exit_fail_msg("the guest is not running 5-level paging\n");

	ksft_test_result(kernel_log_count("asi: not available: 5-level paging is not supported") == 1,
			 "one boot message says why\n");

	cg = cg_name(root, "asi_5level");
	if (!cg || cg_write(root, "cgroup.subtree_control", "+asi") ||
	    cg_create(cg))
		ksft_exit_fail_msg("cannot set up a cgroup\n");
	err = cg_write(cg, "asi.isolate", "1");
	ksft_test_result(err == -EOPNOTSUPP, "asi.isolate=1 is EOPNOTSUPP (%d)\n",
			 err);
	ksft_test_result(!cg_read_strcmp(cg, "asi.isolate", "0\n"),
			 "nothing changed\n");
	cg_destroy(cg);
	free(cg);
	ksft_finished();
}
