/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the asi selftests: the asi files of a cgroup and the
 * test helper at /sys/kernel/debug/asi/test, whose commands run in the
 * caller's own context and view.
 */
#ifndef ASI_UTIL_H
#define ASI_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Include after cgroup_util.h, which has no include guard. */

#define ASI_TEST_PATH "/sys/kernel/debug/asi/test"

static inline int asi_test_open(void)
{
	return open(ASI_TEST_PATH, O_RDWR | O_CLOEXEC);
}

/*
 * Run one test-helper command on @fd; on success copy its result (if any)
 * to @out.  Returns 0 or -errno.
 */
static inline int asi_test_cmd(int fd, const char *cmd, char *out, size_t len)
{
	ssize_t n;

	if (write(fd, cmd, strlen(cmd)) < 0)
		return -errno;
	if (!out)
		return 0;
	n = pread(fd, out, len - 1, 0);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/* Run "VERB 0xADDR" and parse a numeric result into @val. */
static inline int asi_test_addr_cmd(int fd, const char *verb,
				    unsigned long addr, unsigned long *val)
{
	char cmd[64], out[64];
	int err;

	snprintf(cmd, sizeof(cmd), "%s %#lx", verb, addr);
	err = asi_test_cmd(fd, cmd, out, sizeof(out));
	if (err)
		return err;
	if (val)
		*val = strtoul(out, NULL, 0);
	return 0;
}

/* Allocate a private page in the caller's domain; 0 or -errno. */
static inline int asi_test_alloc(int fd, unsigned long *addr)
{
	char out[64];
	int err = asi_test_cmd(fd, "alloc", out, sizeof(out));

	if (!err)
		*addr = strtoul(out, NULL, 0);
	return err;
}

/* A new cgroup under @root with asi.isolate=1 (and @enforce). */
static inline char *asi_create_domain(const char *root, const char *name,
				      int enforce)
{
	char *cg = cg_name(root, name);

	if (!cg)
		return NULL;
	if (cg_create(cg) || cg_write(cg, "asi.isolate", "1") ||
	    cg_write(cg, "asi.enforce", enforce ? "1" : "0")) {
		cg_destroy(cg);
		free(cg);
		return NULL;
	}
	return cg;
}

static inline void asi_destroy_domain(char *cg)
{
	if (!cg)
		return;
	cg_killall(cg);
	cg_wait_for_proc_count(cg, 0);
	cg_destroy(cg);
	free(cg);
}

/* The asi selftests need the controller and its test helper. */
static inline const char *asi_unavailable(const char *root)
{
	if (cg_read_strstr(root, "cgroup.controllers", "asi"))
		return "asi controller isn't available";
	if (access(ASI_TEST_PATH, R_OK | W_OK))
		return "asi test helper (CONFIG_ASI_TEST) isn't available";
	if (cg_read_strstr(root, "cgroup.subtree_control", "asi") &&
	    cg_write(root, "cgroup.subtree_control", "+asi"))
		return "failed to enable the asi controller";
	return NULL;
}

#endif /* ASI_UTIL_H */
