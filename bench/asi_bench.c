// SPDX-License-Identifier: GPL-2.0
/*
 * asi_bench: the microbenchmarks that measure what isolation costs.
 *
 *   asi_bench WORKLOAD [--ops N] [--cg-a PATH] [--cg-b PATH]
 *   asi_bench cmd --ops N [--cg-a PATH] [--cg-b PATH] -- COMMAND [ARG...]
 *
 * Workloads: pipe (ping-pong between two tasks: the switch overhead),
 * socketpair (the same over a unix socketpair), syscall (a null system
 * call), openclose (open+close of a file), forkexit (fork and reap a child
 * that exits), privalloc (allocate and free a private page through the asi
 * test helper), cmd (run COMMAND, which does N operations of its own: an
 * end-to-end workload such as redis-benchmark, measured like ours; its
 * standard output goes to our standard error).  For the two-task workloads
 * the parent runs in cgroup A and the child in cgroup B (both optional:
 * default is where we are); cmd runs in A and counts the exits of both.
 *
 * Prints one JSON object: operations, elapsed nanoseconds of
 * CLOCK_MONOTONIC (under QEMU -icount shift=0 a nanosecond is one guest
 * instruction), and the deltas of the kernel counters that explain the
 * cost: context switches, TLB flushes (CONFIG_DEBUG_TLBFLUSH) and the asi
 * exits of both cgroups.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct counters {
	long long ctxt;
	long long tlb_local_all, tlb_local_one, tlb_remote, tlb_remote_recv;
	long long exits_a, exits_b;
};

static const char *cg_a, *cg_b;

static long long read_key(const char *path, const char *key)
{
	char line[256];
	long long val = -1;
	size_t len = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ' ') {
			val = atoll(line + len + 1);
			break;
		}
	}
	fclose(f);
	return val;
}

static long long cg_exits(const char *cg)
{
	char path[512];

	if (!cg)
		return 0;
	snprintf(path, sizeof(path), "%s/asi.events", cg);
	return read_key(path, "exits") < 0 ? 0 : read_key(path, "exits");
}

static void snapshot(struct counters *c)
{
	c->ctxt = read_key("/proc/stat", "ctxt");
	c->tlb_local_all = read_key("/proc/vmstat", "nr_tlb_local_flush_all");
	c->tlb_local_one = read_key("/proc/vmstat", "nr_tlb_local_flush_one");
	c->tlb_remote = read_key("/proc/vmstat", "nr_tlb_remote_flush");
	c->tlb_remote_recv = read_key("/proc/vmstat",
				      "nr_tlb_remote_flush_received");
	c->exits_a = cg_exits(cg_a);
	c->exits_b = cg_exits(cg_b);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void enter(const char *cg)
{
	char path[512];
	FILE *f;

	if (!cg)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "asi_bench: cannot enter %s: %s\n", cg,
			strerror(errno));
		exit(1);
	}
}

/* Child side of a ping-pong: echo every byte back. */
static void echo_loop(int rfd, int wfd, long ops)
{
	char c;

	for (long i = 0; i < ops; i++) {
		if (read(rfd, &c, 1) != 1 || write(wfd, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/*
 * Ping-pong between the parent (cgroup A) and a child (cgroup B) over
 * two channels; every round trip is two context switches across views.
 */
static pid_t pingpong_setup(int fds[4], int use_socket, long ops)
{
	int a[2], b[2];
	pid_t pid;

	if (use_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, a))
			return -1;
		b[0] = a[1];
		b[1] = a[0];
	} else if (pipe(a) || pipe(b)) {
		return -1;
	}
	/*
	 * Fork before either side enters its cgroup: a task cannot move from
	 * one domain straight into another.
	 */
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		enter(cg_b);
		if (use_socket) {
			close(a[0]);
			echo_loop(a[1], a[1], ops);
		}
		close(a[1]);
		close(b[0]);
		echo_loop(a[0], b[1], ops);
	}
	/* Close the child's ends, so that a dead child is an error, not a hang. */
	if (use_socket) {
		close(a[1]);
		fds[0] = a[0];
		fds[1] = a[0];
	} else {
		close(a[0]);
		close(b[1]);
		fds[0] = b[0];	/* parent reads */
		fds[1] = a[1];	/* parent writes */
	}
	enter(cg_a);
	return pid;
}

static int run_pingpong(long ops, const int fds[4], pid_t pid)
{
	int status;
	char c = 'x';

	if (pid < 0)
		return -1;
	for (long i = 0; i < ops; i++) {
		if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
			return -1;
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int run_syscall(long ops)
{
	for (long i = 0; i < ops; i++)
		syscall(SYS_getppid);
	return 0;
}

static int run_openclose(long ops)
{
	for (long i = 0; i < ops; i++) {
		int fd = open("/proc/self/stat", O_RDONLY);

		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int run_forkexit(long ops)
{
	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (!pid)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	return 0;
}

/* Allocate and free one private page per operation (asi kernels only). */
static int run_privalloc(long ops)
{
	int fd = open("/sys/kernel/debug/asi/test", O_RDWR);
	char buf[64], cmd[80];

	if (fd < 0)
		return -2;
	for (long i = 0; i < ops; i++) {
		ssize_t n;

		if (write(fd, "alloc", 5) != 5)
			return -1;
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		snprintf(cmd, sizeof(cmd), "free %s", strtok(buf, "\n"));
		if (write(fd, cmd, strlen(cmd)) < 0)
			return -1;
	}
	close(fd);
	return 0;
}

/*
 * Run an end-to-end workload: COMMAND in our cgroup, on our CPU, with its
 * standard output on our standard error (ours carries the JSON alone).
 */
static int run_cmd(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(2, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "asi_bench: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		fprintf(stderr, "asi_bench: %s exited with status %d\n",
			argv[0], WEXITSTATUS(status));
	else
		fprintf(stderr, "asi_bench: %s killed by signal %d\n",
			argv[0], WTERMSIG(status));
	errno = 0;
	return -1;
}

/*
 * Everything runs on CPU 0 (children inherit it): a ping-pong is then two
 * context switches per round trip, never a cross-CPU wakeup and an idle
 * CPU, so its instruction count repeats and measures the switch itself.
 */
static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "asi_bench: cannot pin to CPU 0: %s\n",
			strerror(errno));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: asi_bench {pipe|socketpair|syscall|openclose|forkexit|privalloc}\n"
		"                 [--ops N] [--cg-a CGROUP] [--cg-b CGROUP]\n"
		"       asi_bench cmd --ops N [--cg-a CGROUP] [--cg-b CGROUP] -- COMMAND [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ops", required_argument, NULL, 'n' },
		{ "cg-a", required_argument, NULL, 'a' },
		{ "cg-b", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct counters before, after;
	const char *workload;
	long long t0, t1;
	long ops = 10000;
	int opt, err, fds[4];
	pid_t pid = -1;

	while ((opt = getopt_long(argc, argv, "n:a:b:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			ops = strtol(optarg, NULL, 10);
			if (ops <= 0) {
				fprintf(stderr, "asi_bench: bad --ops '%s'\n", optarg);
				return 2;
			}
			break;
		case 'a':
			cg_a = optarg;
			break;
		case 'b':
			cg_b = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	workload = argv[optind];
	/* Only cmd takes a command, after "--". */
	if (!strcmp(workload, "cmd") ? optind + 1 >= argc : optind != argc - 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	pin_to_cpu0();
	/* The two-task workloads set up, and place themselves, untimed. */
	if (!strcmp(workload, "pipe") || !strcmp(workload, "socketpair"))
		pid = pingpong_setup(fds, !strcmp(workload, "socketpair"), ops);
	else
		enter(cg_a);

	snapshot(&before);
	t0 = now_ns();
	if (!strcmp(workload, "pipe") || !strcmp(workload, "socketpair"))
		err = run_pingpong(ops, fds, pid);
	else if (!strcmp(workload, "syscall"))
		err = run_syscall(ops);
	else if (!strcmp(workload, "openclose"))
		err = run_openclose(ops);
	else if (!strcmp(workload, "forkexit"))
		err = run_forkexit(ops);
	else if (!strcmp(workload, "privalloc"))
		err = run_privalloc(ops);
	else if (!strcmp(workload, "cmd"))
		err = run_cmd(argv + optind + 1);
	else
		usage();
	t1 = now_ns();
	snapshot(&after);
	if (err == -2) {
		printf("{\"workload\": \"%s\", \"skipped\": \"no asi test helper\"}\n",
		       workload);
		return 0;
	}
	if (err) {
		fprintf(stderr, "asi_bench: %s failed%s%s\n", workload,
			errno ? ": " : "", errno ? strerror(errno) : "");
		return 1;
	}
	printf("{\"workload\": \"%s\", \"ops\": %ld, \"ns\": %lld, "
	       "\"ctxt\": %lld, \"tlb_local_flush_all\": %lld, "
	       "\"tlb_local_flush_one\": %lld, \"tlb_remote_flush\": %lld, "
	       "\"tlb_remote_flush_received\": %lld, \"asi_exits\": %lld}\n",
	       workload, ops, t1 - t0, after.ctxt - before.ctxt,
	       after.tlb_local_all - before.tlb_local_all,
	       after.tlb_local_one - before.tlb_local_one,
	       after.tlb_remote - before.tlb_remote,
	       after.tlb_remote_recv - before.tlb_remote_recv,
	       after.exits_a - before.exits_a + after.exits_b - before.exits_b);
	return 0;
}
