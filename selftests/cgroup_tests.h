/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table-driven runner every test program here shares, in the style
 * of tools/testing/selftests/cgroup: each test takes the cgroup v2 root
 * and returns KSFT_PASS, KSFT_SKIP or KSFT_FAIL.  Include after
 * kselftest.h.
 */
#ifndef CGROUP_TESTS_H
#define CGROUP_TESTS_H

#include <signal.h>
#include <sys/wait.h>

struct cgroup_test {
	int (*fn)(const char *root);
	const char *name;
};

#define T(x) { x, #x }

static inline void run_cgroup_tests(const char *root,
				    const struct cgroup_test *tests, int n)
{
	for (int i = 0; i < n; i++) {
		switch (tests[i].fn(root)) {
		case KSFT_PASS:
			ksft_test_result_pass("%s\n", tests[i].name);
			break;
		case KSFT_SKIP:
			ksft_test_result_skip("%s\n", tests[i].name);
			break;
		default:
			ksft_test_result_fail("%s\n", tests[i].name);
			break;
		}
	}
}

/* Kill and reap a helper process, if there is one. */
static inline void kill_and_reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

#endif /* CGROUP_TESTS_H */
