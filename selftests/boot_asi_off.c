// SPDX-License-Identifier: GPL-2.0
/*
 * Run in a guest booted with asi=off: the controller is disabled at run
 * time, exactly like cgroup_disable=asi, and nothing of asi is active.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"

static int kernel_log_has(const char *needle)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

int main(void)
{
	char root[PATH_MAX];

	ksft_print_header();
	ksft_set_plan(4);
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");

	ksft_test_result(cg_read_strstr(root, "cgroup.controllers", "asi") != 0,
			 "asi is not an available controller\n");
	ksft_test_result(cg_write(root, "cgroup.subtree_control", "+asi") != 0,
			 "+asi cannot be enabled\n");
	ksft_test_result(access("/sys/kernel/debug/asi", F_OK) && errno == ENOENT,
			 "no asi debugfs directory\n");
	ksft_test_result(kernel_log_has("asi: disabled on the command line"),
			 "boot message names asi=off\n");
	ksft_finished();
}
