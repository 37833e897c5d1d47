/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the asi selftests: the asi files of a cgroup and the
 * test helper at /sys/kernel/debug/asi/test, whose commands run in the
 * caller's own context and view.
 */
#ifndef ASI_UTIL_H
#define ASI_UTIL_H

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Include after kselftest.h and cgroup_util.h (which has no include guard). */

#define ASI_TEST_PATH "/sys/kernel/debug/asi/test"
#define ASI_DOMAINS_PATH "/sys/kernel/debug/asi/domains"

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

/* The value of @key in @cg's asi.stat, or -1. */
static inline long asi_stat(const char *cg, const char *key)
{
	char pat[80];

	snprintf(pat, sizeof(pat), "%s ", key);
	return cg_read_key_long(cg, "asi.stat", pat);
}

/* Whether the kernel has the test helper (CONFIG_ASI_TEST). */
static inline bool asi_have_helper(void)
{
	return !access(ASI_TEST_PATH, R_OK | W_OK);
}

/*
 * Skip the whole test program (KSFT_SKIP), as the kernel's cgroup
 * selftests do when their controller is missing, unless the asi
 * controller is available on @root's hierarchy (it is not on a kernel
 * without CONFIG_CGROUP_ASI, nor one booted with asi=off or
 * cgroup_disable=asi) and, if @helper, the test helper is there too.
 * Then enable asi in @root's cgroup.subtree_control.  Call it before
 * ksft_set_plan(), so that a skip is reported as "1..0 # SKIP reason".
 */
static inline void asi_require(const char *root, bool helper)
{
	if (cg_read_strstr(root, "cgroup.controllers", "asi"))
		ksft_exit_skip("asi controller isn't available\n");
	if (helper && !asi_have_helper())
		ksft_exit_skip("asi test helper (CONFIG_ASI_TEST) isn't available\n");
	if (cg_read_strstr(root, "cgroup.subtree_control", "asi") &&
	    cg_write(root, "cgroup.subtree_control", "+asi"))
		ksft_exit_skip("failed to enable the asi controller\n");
}

/*
 * Run one test-helper command "VERB ADDR" from a new process in @cg and
 * return its result in @val.  The process then waits a little so that a
 * domain kill it provoked reaches it; @status gets its wait status.
 */
static inline int probe_in(const char *cg, const char *verb,
			   unsigned long addr, unsigned long *val, int *status)
{
	char buf[64] = "";
	int pipefd[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(pipefd))
		return -EIO;
	pid = fork();
	if (pid < 0)
		return -EIO;
	if (!pid) {
		unsigned long v = 0;
		int fd, err;

		close(pipefd[0]);
		if (cg && cg_enter_current(cg))
			exit(2);
		fd = asi_test_open();
		err = asi_test_addr_cmd(fd, verb, addr, &v);
		dprintf(pipefd[1], "%d %lu\n", err, v);
		close(pipefd[1]);
		if (err)
			sleep(2);	/* let a domain kill land */
		exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	if (status)
		*status = st;
	if (n <= 0)
		return -ECHILD;
	if (val)
		*val = strtoul(strchr(buf, ' ') + 1, NULL, 10);
	return atoi(buf);
}

static inline int read_released(long *released, long *dirty, long *unmapped)
{
	char out[64];
	int fd = asi_test_open(), err;

	if (fd < 0)
		return -errno;
	err = asi_test_cmd(fd, "released", out, sizeof(out));
	close(fd);
	if (err)
		return err;
	return sscanf(out, "%ld %ld %ld", released, dirty, unmapped) == 3 ?
	       0 : -EINVAL;
}

static inline int wait_released(long after)
{
	long r, d, u;

	for (int i = 0; i < 100; i++) {
		if (!read_released(&r, &d, &u) && r > after)
			return 0;
		usleep(50000);
	}
	return -ETIMEDOUT;
}

static inline long dying_domains(void)
{
	char buf[4096];

	if (read_text(ASI_DOMAINS_PATH, buf, sizeof(buf)) <= 0)
		return -1;
	return strncmp(buf, "dying ", 6) ? -1 : atol(buf + 6);
}

/*
 * An idle CPU keeps the last user mm it ran as its lazy active mm, and so
 * that mm's view and domain.  Run a task on every CPU to let them go.
 */
static inline void cycle_lazy_mms(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (long cpu = 0; cpu < cpus; cpu++) {
		pid_t pid = fork();

		if (!pid) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
			sched_yield();
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
}

/*
 * Domains removed by earlier tests may still be dying for a while (RCU,
 * work items, lazy mms): wait for them, and return the count left.
 */
static inline long settle_dying(void)
{
	for (int i = 0; i < 200 && dying_domains() > 0; i++) {
		cycle_lazy_mms();
		usleep(50000);
	}
	return dying_domains();
}

/* Is a domain owned by a cgroup named @name listed, live or dying? */
static inline bool domain_listed(const char *name)
{
	char buf[4096], pat[128];

	if (read_text(ASI_DOMAINS_PATH, buf, sizeof(buf)) <= 0)
		return true;
	snprintf(pat, sizeof(pat), " %s ", name);
	return strstr(buf, pat);
}

/* Wait until the domains of cgroups @a and @b are gone; 0 or -ETIMEDOUT. */
static inline int wait_domains_gone(const char *a, const char *b, int tries)
{
	for (int i = 0; i < tries; i++) {
		if (!domain_listed(a) && !domain_listed(b))
			return 0;
		cycle_lazy_mms();
		usleep(50000);
	}
	return -ETIMEDOUT;
}

/* Wait until no more than @count domains are dying; 0 or -ETIMEDOUT. */
static inline int wait_dying(long count, int tries)
{
	for (int i = 0; i < tries; i++) {
		long n = dying_domains();

		if (n >= 0 && n <= count)
			return 0;
		cycle_lazy_mms();
		usleep(50000);
	}
	return -ETIMEDOUT;
}

/* Pass @fd over the unix socket @sock (SCM_RIGHTS); 0 or -1. */
static inline int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receive a file descriptor sent with send_fd(), or -1. */
static inline int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

#endif /* ASI_UTIL_H */
