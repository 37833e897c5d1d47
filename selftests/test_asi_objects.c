// SPDX-License-Identifier: GPL-2.0
/*
 * asi.private_objects: a tenant's kernel objects live in its domain's
 * private memory.  Real tasks in real isolated cgroups create real objects
 * of every class; the test helper finds them and proves that:
 *  - each lives at a private address of the tenant's domain, which another
 *    domain's view does not map, and the pipe's data page is absent from
 *    the direct map; secrets in pipes, keys and messages are found in the
 *    domain's private memory;
 *  - another domain's read of the pipe's data with asi.enforce=1 never
 *    returns the secret and is a violation; a read of a file object (a
 *    class other tenants reach by design) is counted and tolerated, and
 *    so are a file handed over SCM_RIGHTS and shared socket tables;
 *  - the data comes back intact (read, msgrcv, mq_receive, keyctl read);
 *  - after the tenants exit and the cgroups go, every private object is
 *    freed, the domains go and their blocks return zeroed;
 *  - stress-ng in two domains with every class private runs clean;
 *  - the slab interfaces (frees of every kind, ksize, kfree_rcu, the
 *    usercopy check) work on private objects.
 * It also checks the asi.private_objects file itself.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "cgroup_tests.h"
#include "asi_util.h"

#define ALL_CLASSES	"cred file pipe sock netns key msg"
#define SECRET_LEN	16
#define KEY_SPEC_PROCESS_KEYRING	-2
#define KEYCTL_READ			11

static const char *const classes[] = {
	"cred", "file", "pipe", "sock", "netns", "key", "msg",
};

/* asi.stat "KEY N" of @cg, or -1. */
static long asi_event(const char *cg, const char *key)
{
	return cg_read_key_long(cg, "asi.events", key);
}

/* The whole of a file that seq_file hands out a page per read. */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Write @val to @cg's asi.private_objects; 0 or -errno. */
static int write_classes(const char *cg, const char *val)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/asi.private_objects", cg);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int classes_are(const char *cg, const char *expect)
{
	char buf[256];

	if (cg_read(cg, "asi.private_objects", buf, sizeof(buf)))
		return 0;
	return !strcmp(buf, expect);
}

/*
 * The file: empty by default; a write replaces the set, which reads back
 * in canonical order; an empty write clears it; bad input is EINVAL and
 * changes nothing; a set stored before isolation is applied by it, and
 * the clones show in /proc/slabinfo under the domain's name.
 */
static int test_asi_private_objects_file(const char *root)
{
	static const char *const bad[] = {
		"bogus", "cred bogus", "cred,file", "CRED", "all", "cred\x01",
	};
	char *cg = cg_name(root, "asi_classes");
	char buf[64 * 1024], name[64];
	int ret = KSFT_FAIL;
	long id;

	if (!cg || cg_create(cg))
		goto out;
	if (!access("/sys/fs/cgroup/asi.private_objects", F_OK)) {
		ksft_print_msg("asi.private_objects exists on the root\n");
		goto out;
	}
	if (!classes_are(cg, "\n"))
		goto out;
	if (write_classes(cg, "pipe cred\n") || !classes_are(cg, "cred pipe\n"))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (write_classes(cg, bad[i]) != -EINVAL ||
		    !classes_are(cg, "cred pipe\n")) {
			ksft_print_msg("\"%s\" not refused cleanly\n", bad[i]);
			goto out;
		}
	}
	memset(buf, 'c', 200);
	buf[200] = '\0';
	if (write_classes(cg, buf) != -EINVAL || !classes_are(cg, "cred pipe\n"))
		goto out;
	if (write_classes(cg, "\n") || !classes_are(cg, "\n"))
		goto out;
	if (write_classes(cg, "  key\tmsg  key ") || !classes_are(cg, "key msg\n"))
		goto out;
	if (write_classes(cg, ALL_CLASSES) ||
	    !classes_are(cg, ALL_CLASSES "\n"))
		goto out;
	/* Applied when the cgroup becomes isolated. */
	if (cg_write(cg, "asi.isolate", "1"))
		goto out;
	id = asi_stat(cg, "domain");
	if (id <= 0 || read_all("/proc/slabinfo", buf, sizeof(buf)) <= 0)
		goto out;
	snprintf(name, sizeof(name), "cred@asi%ld ", id);
	if (!strstr(buf, name)) {
		ksft_print_msg("no %s in /proc/slabinfo\n", name);
		goto out;
	}
	snprintf(name, sizeof(name), "filp@asi%ld ", id);
	if (!strstr(buf, name))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		snprintf(name, sizeof(name), "%s_objects", classes[i]);
		if (asi_stat(cg, name) != 0)
			goto out;
	}
	ret = KSFT_PASS;
out:
	if (cg)
		cg_destroy(cg);
	free(cg);
	return ret;
}

#define ASI_KEYS_PATH	"/sys/kernel/debug/asi/keys"

/* The count of hook key @name ("domains" or a class), or -1. */
static long hook_key(const char *name)
{
	char buf[512], pat[32], *p;

	if (read_text(ASI_KEYS_PATH, buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(pat, sizeof(pat), "\n%s ", name);
	memmove(buf + 1, buf, sizeof(buf) - 1);
	buf[0] = '\n';
	p = strstr(buf, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* Wait until hook key @name counts @count; 0 or -ETIMEDOUT. */
static int wait_hook_key(const char *name, long count, int tries)
{
	for (int i = 0; i < tries; i++) {
		if (hook_key(name) == count)
			return 0;
		cycle_lazy_mms();
		usleep(50000);
	}
	return -ETIMEDOUT;
}

/* Is any domain, live or dying, listed? */
static bool any_domain(void)
{
	char buf[4096];

	return read_text(ASI_DOMAINS_PATH, buf, sizeof(buf)) <= 0 ||
	       strstr(buf, "domain ");
}

/*
 * The hooks cost nothing while no domain needs them: the domains' key
 * counts every domain, live or dying, and goes off (a second later) when
 * the last is gone; each class's key counts the live domains that make
 * the class private, so a domain with only "pipe" private leaves every
 * other class's allocations on their ordinary path.
 */
static int test_asi_objects_hook_keys(const char *root)
{
	static const char *const others[] = {
		"cred", "file", "sock", "netns", "key", "msg",
	};
	char *cg = NULL;
	int ret = KSFT_FAIL;

	/* Earlier tests' domains may still be dying. */
	for (int i = 0; i < 200 && any_domain(); i++) {
		cycle_lazy_mms();
		usleep(50000);
	}
	if (any_domain()) {
		ksft_print_msg("domains of earlier tests still alive\n");
		goto out;
	}
	if (wait_hook_key("domains", 0, 60) || wait_hook_key("pipe", 0, 1)) {
		ksft_print_msg("hooks on with no domain: domains %ld pipe %ld\n",
			       hook_key("domains"), hook_key("pipe"));
		goto out;
	}
	cg = cg_name(root, "asi_keys");
	if (!cg || cg_create(cg) || write_classes(cg, "pipe") ||
	    cg_write(cg, "asi.isolate", "1"))
		goto out;
	if (hook_key("domains") != 1 || hook_key("pipe") != 1)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
		if (hook_key(others[i]) != 0) {
			ksft_print_msg("%s on with only pipe private\n",
				       others[i]);
			goto out;
		}
	}
	if (write_classes(cg, "pipe file") || hook_key("file") != 1 ||
	    write_classes(cg, "file") || hook_key("pipe") != 0 ||
	    write_classes(cg, "bogus") != -EINVAL || hook_key("file") != 1)
		goto out;
	/* asi.isolate=0: the class keys go with the domain's redirection. */
	if (cg_write(cg, "asi.isolate", "0") || wait_hook_key("file", 0, 40))
		goto out;
	/* Came and went, again and again: the key follows. */
	for (int i = 0; i < 3; i++) {
		if (cg_write(cg, "asi.isolate", "1") ||
		    hook_key("domains") < 1 || cg_write(cg, "asi.isolate", "0"))
			goto out;
	}
	if (wait_hook_key("domains", 0, 100)) {
		ksft_print_msg("hooks still on after the last domain: %ld\n",
			       hook_key("domains"));
		goto out;
	}
	ret = KSFT_PASS;
out:
	if (cg)
		cg_destroy(cg);
	free(cg);
	return ret;
}

/*
 * The slab interfaces on private objects, through the test helper's own
 * caches made private in a real domain: kmem_cache_alloc/free, kmalloc
 * buckets, ksize, kfree, both bulk frees, kfree_rcu and the hardened
 * usercopy check all work, and every object is accounted for.
 */
static int test_asi_objects_slab_interfaces(const char *root)
{
	char *cg = asi_create_domain(root, "asi_slabapi", 1);
	int ret = KSFT_FAIL, pipefd[2], status;
	char out[64] = "";
	long peak = -1, after = -1;
	pid_t pid;

	if (!cg || pipe(pipefd))
		goto out;
	pid = fork();
	if (!pid) {
		int fd, err;

		close(pipefd[0]);
		if (cg_enter_current(cg))
			exit(1);
		fd = asi_test_open();
		err = asi_test_cmd(fd, "slabapi", out, sizeof(out));
		dprintf(pipefd[1], "%d %s", err, out);
		exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], out, sizeof(out) - 1) <= 0)
		out[0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (sscanf(out, "0 ok %ld %ld", &peak, &after) != 2 || peak != 8 ||
	    after != 0) {
		ksft_print_msg("slabapi: \"%s\"\n", out);
		goto out;
	}
	ret = KSFT_PASS;
out:
	asi_destroy_domain(cg);
	return ret;
}

/* What a tenant made, and where the kernel put it. */
struct tenant_objects {
	unsigned long cred, file, pipe, pipebufs, page;
	unsigned long unix_sock, unix_sk, tcp_sock, tcp_sk, udp_sock, udp_sk;
	unsigned long packet_sock, packet_sk, netns;
	long found_pipe, found_key, found_msg, found_mq;
	long domain;
};

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int helper(int fd, const char *cmd, unsigned long *a, unsigned long *b,
		  unsigned long *c)
{
	char out[128];
	int err = asi_test_cmd(fd, cmd, out, sizeof(out));

	if (err)
		return err;
	if (sscanf(out, "%lx %lx %lx", a, b ? b : a, c ? c : a) < 1)
		return -EINVAL;
	return 0;
}

static long scan(int fd, const unsigned char *secret)
{
	char cmd[64] = "scan ";
	unsigned long n;

	hex(secret, SECRET_LEN, cmd + 5);
	return helper(fd, cmd, &n, NULL, NULL) ? -1 : (long)n;
}

struct tenant_state {
	int pipefd[2], unixfd[2], tcpfd, udpfd, packetfd, msqid;
	long key;
	mqd_t mq;
	unsigned char secret[4][SECRET_LEN];	/* pipe, key, msg, mq */
};

/* Create one object of every class; 0 or a step number. */
static int tenant_create(struct tenant_state *st)
{
	struct { long mtype; unsigned char mtext[SECRET_LEN]; } m = { .mtype = 1 };
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = SECRET_LEN };
	char mqname[64];

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < SECRET_LEN; j++)
			st->secret[i][j] = random();
	if (pipe(st->pipefd) ||
	    write(st->pipefd[1], st->secret[0], SECRET_LEN) != SECRET_LEN)
		return 1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st->unixfd))
		return 2;
	st->tcpfd = socket(AF_INET, SOCK_STREAM, 0);
	st->udpfd = socket(AF_INET, SOCK_DGRAM, 0);
	st->packetfd = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (st->tcpfd < 0 || st->udpfd < 0 || st->packetfd < 0)
		return 3;
	st->key = syscall(SYS_add_key, "user", "asi_test", st->secret[1],
			  SECRET_LEN, KEY_SPEC_PROCESS_KEYRING);
	if (st->key < 0)
		return 4;
	st->msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	memcpy(m.mtext, st->secret[2], SECRET_LEN);
	if (st->msqid < 0 || msgsnd(st->msqid, &m, SECRET_LEN, 0))
		return 5;
	snprintf(mqname, sizeof(mqname), "/asi_test_%d", getpid());
	st->mq = mq_open(mqname, O_CREAT | O_RDWR, 0600, &attr);
	if (st->mq == (mqd_t)-1)
		return 6;
	mq_unlink(mqname);
	if (mq_send(st->mq, (char *)st->secret[3], SECRET_LEN, 0))
		return 7;
	/* Last: the sockets above stay in the initial namespace. */
	if (unshare(CLONE_NEWNET))
		return 8;
	return 0;
}

static int tenant_probe(int fd, struct tenant_state *st,
			struct tenant_objects *o)
{
	char cmd[64];

	if (helper(fd, "cred", &o->cred, NULL, NULL) ||
	    helper(fd, "netns", &o->netns, NULL, NULL))
		return 10;
	snprintf(cmd, sizeof(cmd), "file %d", st->pipefd[0]);
	if (helper(fd, cmd, &o->file, NULL, NULL))
		return 11;
	snprintf(cmd, sizeof(cmd), "pipe %d", st->pipefd[0]);
	if (helper(fd, cmd, &o->pipe, &o->pipebufs, &o->page))
		return 12;
	snprintf(cmd, sizeof(cmd), "sock %d", st->unixfd[0]);
	if (helper(fd, cmd, &o->unix_sock, &o->unix_sk, NULL))
		return 13;
	snprintf(cmd, sizeof(cmd), "sock %d", st->tcpfd);
	if (helper(fd, cmd, &o->tcp_sock, &o->tcp_sk, NULL))
		return 14;
	snprintf(cmd, sizeof(cmd), "sock %d", st->udpfd);
	if (helper(fd, cmd, &o->udp_sock, &o->udp_sk, NULL))
		return 15;
	snprintf(cmd, sizeof(cmd), "sock %d", st->packetfd);
	if (helper(fd, cmd, &o->packet_sock, &o->packet_sk, NULL))
		return 16;
	o->found_pipe = scan(fd, st->secret[0]);
	o->found_key = scan(fd, st->secret[1]);
	o->found_msg = scan(fd, st->secret[2]);
	o->found_mq = scan(fd, st->secret[3]);
	return 0;
}

/* Every object's data comes back intact; 0 or a step number. */
static int tenant_read_back(struct tenant_state *st)
{
	struct { long mtype; unsigned char mtext[SECRET_LEN]; } m;
	unsigned char buf[SECRET_LEN + 16];

	if (read(st->pipefd[0], buf, sizeof(buf)) != SECRET_LEN ||
	    memcmp(buf, st->secret[0], SECRET_LEN))
		return 20;
	if (syscall(SYS_keyctl, KEYCTL_READ, st->key, buf, sizeof(buf)) !=
	    SECRET_LEN || memcmp(buf, st->secret[1], SECRET_LEN))
		return 21;
	if (msgrcv(st->msqid, &m, SECRET_LEN, 0, IPC_NOWAIT) != SECRET_LEN ||
	    memcmp(m.mtext, st->secret[2], SECRET_LEN))
		return 22;
	msgctl(st->msqid, IPC_RMID, NULL);
	if (mq_receive(st->mq, (char *)buf, sizeof(buf), NULL) != SECRET_LEN ||
	    memcmp(buf, st->secret[3], SECRET_LEN))
		return 23;
	return 0;
}

/*
 * A tenant in @cg: creates its objects, reports where they are on @report,
 * waits for a byte on @go, reads its data back and exits with 0 or the
 * number of the step that failed.
 */
static int tenant_main(const char *cg, int report, int go)
{
	struct tenant_objects o = { };
	struct tenant_state st;
	int fd, err;
	char c;

	srandom(getpid());
	if (cg_enter_current(cg))
		return 30;
	o.domain = asi_stat(cg, "domain");
	fd = asi_test_open();
	if (fd < 0)
		return 31;
	err = tenant_create(&st);
	if (!err)
		err = tenant_probe(fd, &st, &o);
	if (write(report, &o, sizeof(o)) != sizeof(o) || err)
		return err ?: 32;
	if (read(go, &c, 1) != 1)
		return 33;
	return tenant_read_back(&st);
}

/*
 * The kernel frees a dismantled network namespace's struct net only when
 * it dismantles the next one (after one more rcu_barrier()).  Make one
 * from the host and let it go, so that a tenant's gets freed.
 */
static void flush_netns(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(unshare(CLONE_NEWNET) ? 1 : 0);
	waitpid(pid, NULL, 0);
}

static int owned_by(unsigned long addr, long domain, const char *what)
{
	unsigned long owner;

	if (probe_in(NULL, "owner", addr, &owner, NULL) || owner != domain) {
		ksft_print_msg("%s %#lx: owner %lu, not domain %ld\n", what,
			       addr, owner, domain);
		return 0;
	}
	return 1;
}

/*
 * Every class of a tenant's objects is private to its domain, another
 * domain cannot read them, the data survives, and it all drains away.
 */
static int test_asi_objects_private(const char *root)
{
	char *a = asi_create_domain(root, "asi_obj_a", 1);
	char *b = asi_create_domain(root, "asi_obj_b", 1);
	long r0, d0, u0, r1, d1, u1;
	int report[2] = { -1, -1 }, go[2] = { -1, -1 };
	struct tenant_objects o;
	int ret = KSFT_FAIL, status, err;
	unsigned long v;
	pid_t pid = -1;

	if (!a || !b || write_classes(a, ALL_CLASSES) ||
	    write_classes(b, ALL_CLASSES) || pipe(report) || pipe(go) ||
	    read_released(&r0, &d0, &u0))
		goto out;
	pid = fork();
	if (!pid)
		exit(tenant_main(a, report[1], go[0]));
	if (read(report[0], &o, sizeof(o)) != sizeof(o)) {
		waitpid(pid, &status, 0);
		ksft_print_msg("tenant failed at step %d\n",
			       WEXITSTATUS(status));
		pid = -1;
		goto out;
	}
	{
		const struct { const char *what; unsigned long addr; } objs[] = {
			{ "cred", o.cred }, { "file", o.file },
			{ "pipe_inode_info", o.pipe },
			{ "pipe buffers", o.pipebufs },
			{ "pipe data page", o.page },
			{ "unix socket", o.unix_sock }, { "unix sock", o.unix_sk },
			{ "tcp socket", o.tcp_sock }, { "tcp sock", o.tcp_sk },
			{ "udp socket", o.udp_sock }, { "udp sock", o.udp_sk },
			{ "packet socket", o.packet_sock },
			{ "packet sock", o.packet_sk }, { "netns", o.netns },
		};

		for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
			if (!owned_by(objs[i].addr, o.domain, objs[i].what))
				goto out;
			/* Domain B's view does not map it; the host's does. */
			if (probe_in(b, "mapped", objs[i].addr, &v, NULL) ||
			    v != 0 ||
			    probe_in(NULL, "mapped", objs[i].addr, &v, NULL) ||
			    v != 1) {
				ksft_print_msg("%s mapped wrongly\n",
					       objs[i].what);
				goto out;
			}
		}
	}
	if (o.found_pipe < 1 || o.found_key < 1 || o.found_msg < 1 ||
	    o.found_mq < 1) {
		ksft_print_msg("secrets in private memory: pipe %ld key %ld msg %ld mq %ld\n",
			       o.found_pipe, o.found_key, o.found_msg,
			       o.found_mq);
		goto out;
	}
	if (probe_in(NULL, "directmap", o.page, &v, NULL) || v != 0) {
		ksft_print_msg("pipe data page in the direct map\n");
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		char key[64];

		snprintf(key, sizeof(key), "%s_objects", classes[i]);
		if (asi_stat(a, key) < 1) {
			ksft_print_msg("asi.stat %s %ld\n", key,
				       asi_stat(a, key));
			goto out;
		}
	}
	/* A file is reached by other tenants by design: counted, tolerated. */
	if (probe_in(b, "read", o.file, &v, &status) ||
	    asi_event(b, "violations") != 0 ||
	    asi_event(b, "cross_domain") < 1) {
		ksft_print_msg("read of a file object not tolerated\n");
		goto out;
	}
	/* The pipe's data is not: refused, and B is killed for it. */
	v = 0;
	err = probe_in(b, "read", o.page, &v, &status);
	/* Refused, or killed before it could even report: no data. */
	if ((err != -EFAULT && err != -ECHILD) || WIFEXITED(status) ||
	    asi_event(b, "violations") != 1) {
		ksft_print_msg("cross-domain read of the pipe secret: %d %#lx status %#x violations %ld\n",
			       err, v, status, asi_event(b, "violations"));
		goto out;
	}
	if (write(go[1], "x", 1) != 1)
		goto out;
	waitpid(pid, &status, 0);
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("tenant read-back failed at step %d\n",
			       WEXITSTATUS(status));
		goto out;
	}
	if (asi_event(a, "violations") != 0)
		goto out;
	/* Everything drains once the tenants and their cgroups are gone. */
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	a = b = NULL;
	for (int i = 0; i < 20; i++) {
		flush_netns();
		if (!wait_domains_gone("asi_obj_a", "asi_obj_b", 20))
			break;
	}
	if (wait_domains_gone("asi_obj_a", "asi_obj_b", 1)) {
		char buf[4096];

		read_text(ASI_DOMAINS_PATH, buf, sizeof(buf));
		ksft_print_msg("domains still alive: private objects leaked?\n%s",
			       buf);
		goto out;
	}
	if (read_released(&r1, &d1, &u1) || r1 <= r0 || d1 != d0 ||
	    u1 != u0) {
		ksft_print_msg("released %ld blocks, %ld not zeroed, %ld not in the direct map\n",
			       r1 - r0, d1 - d0, u1 - u0);
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	for (int i = 0; i < 2; i++) {
		if (report[i] >= 0)
			close(report[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/* Many sockets of each kind, so that hash chains hold both tenants'. */
static int make_sockets(int base_port)
{
	for (int i = 0; i < 32; i++) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(base_port + i),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};
		int u[2], t = socket(AF_INET, SOCK_STREAM, 0);
		int d = socket(AF_INET, SOCK_DGRAM, 0);

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, u) || t < 0 || d < 0 ||
		    bind(t, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(t, 1) ||
		    bind(d, (struct sockaddr *)&sin, sizeof(sin)))
			return -1;
	}
	return 0;
}

/*
 * Tenant A (enforce=1, every class private) hands tenant B (the same) a
 * file over SCM_RIGHTS; B reads through it and closes it, dropping A's
 * private struct file.  Both fill the shared socket tables.  Files and
 * sockets are classes other tenants reach by design: B's accesses are
 * counted, never refused, and nobody is killed.
 */
static int test_asi_objects_cross_domain(const char *root)
{
	char *a = asi_create_domain(root, "asi_cross_a", 1);
	char *b = asi_create_domain(root, "asi_cross_b", 1);
	static const char text[] = "handed over by tenant A\n";
	int ret = KSFT_FAIL, sv[2] = { -1, -1 }, sa, sb;
	pid_t pa = -1, pb = -1;

	if (!a || !b || write_classes(a, ALL_CLASSES) ||
	    write_classes(b, ALL_CLASSES) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		goto out;
	pa = fork();
	if (!pa) {
		int fd;

		if (cg_enter_current(a))
			exit(1);
		fd = open("/tmp/asi-scm", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, text, sizeof(text)) != sizeof(text) ||
		    lseek(fd, 0, SEEK_SET))
			exit(2);
		if (make_sockets(20000))
			exit(3);
		if (send_fd(sv[0], fd))
			exit(4);
		close(fd);
		/* Stay until B is done, sockets and all. */
		exit(read(sv[0], &fd, 1) == 1 ? 0 : 5);
	}
	pb = fork();
	if (!pb) {
		char buf[sizeof(text)];
		int fd;

		if (cg_enter_current(b))
			exit(1);
		if (make_sockets(21000))
			exit(3);
		fd = recv_fd(sv[1]);
		if (fd < 0)
			exit(4);
		if (read(fd, buf, sizeof(buf)) != sizeof(text) ||
		    memcmp(buf, text, sizeof(text)))
			exit(5);
		close(fd);
		exit(write(sv[1], "x", 1) == 1 ? 0 : 6);
	}
	waitpid(pb, &sb, 0);
	waitpid(pa, &sa, 0);
	pa = pb = -1;
	if (!WIFEXITED(sa) || WEXITSTATUS(sa) || !WIFEXITED(sb) ||
	    WEXITSTATUS(sb)) {
		ksft_print_msg("tenants: %#x %#x\n", sa, sb);
		goto out;
	}
	if (asi_event(a, "violations") || asi_event(b, "violations") ||
	    asi_event(b, "cross_domain") < 1) {
		ksft_print_msg("violations %ld %ld, B cross_domain %ld\n",
			       asi_event(a, "violations"),
			       asi_event(b, "violations"),
			       asi_event(b, "cross_domain"));
		goto out;
	}
	ret = KSFT_PASS;
out:
	unlink("/tmp/asi-scm");
	kill_and_reap(pa);
	kill_and_reap(pb);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

#define OUTLIVE_FILES	200

/*
 * Private objects that outlive their cgroup keep the domain alive, dying,
 * and it goes once they are freed: a tenant fills whole slabs of its file
 * clone and hands every file to the host over SCM_RIGHTS before it exits;
 * the host removes the cgroup, then closes the files.  (Full slabs that
 * empty after the owner let go must still be given back.)
 */
static int test_asi_objects_outlive_cgroup(const char *root)
{
	char *cg = asi_create_domain(root, "asi_outlive", 1);
	int fds[OUTLIVE_FILES], sv[2] = { -1, -1 }, n = 0, ret = KSFT_FAIL;
	int status;
	pid_t pid;

	if (!cg || write_classes(cg, "file") ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		goto out;
	pid = fork();
	if (!pid) {
		if (cg_enter_current(cg))
			exit(1);
		for (int i = 0; i < OUTLIVE_FILES; i++) {
			int fd = open("/proc/self/stat", O_RDONLY);

			if (fd < 0 || send_fd(sv[0], fd))
				exit(2);
			close(fd);
		}
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		goto out;
	for (n = 0; n < OUTLIVE_FILES; n++) {
		fds[n] = recv_fd(sv[1]);
		if (fds[n] < 0)
			goto out;
	}
	if (asi_stat(cg, "file_objects") < OUTLIVE_FILES) {
		ksft_print_msg("file_objects %ld\n", asi_stat(cg, "file_objects"));
		goto out;
	}
	if (cg_destroy(cg))
		goto out;
	usleep(500000);
	if (!domain_listed("asi_outlive")) {
		ksft_print_msg("domain in use went away\n");
		goto out;
	}
	while (n > 0)
		close(fds[--n]);
	if (wait_domains_gone("asi_outlive", "asi_outlive", 200)) {
		char buf[4096];

		read_text(ASI_DOMAINS_PATH, buf, sizeof(buf));
		ksft_print_msg("dying domain not freed:\n%s", buf);
		goto out;
	}
	ret = KSFT_PASS;
out:
	while (n > 0)
		close(fds[--n]);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	if (cg) {
		cg_destroy(cg);
		free(cg);
	}
	return ret;
}

/* Start stress-ng in @cg; returns its pid. */
static pid_t stress_start(const char *cg, const char *yaml, const char *port)
{
	pid_t pid = fork();

	if (!pid) {
		if (cg_enter_current(cg))
			exit(1);
		/* Both share the network namespace: ports of their own. */
		execlp("stress-ng", "stress-ng", "--sock", "1", "--sock-port",
		       port, "--udp", "1", "--udp-port", port, "--pipe", "1",
		       "--fork", "1", "--open", "1", "--key", "1", "--msg",
		       "1", "--mq", "1", "--timeout", "8", "--verify",
		       "--temp-path", "/tmp", "--yaml", yaml, "--quiet", NULL);
		exit(127);
	}
	return pid;
}

/*
 * stress-ng's socket, pipe, fork, file, key and message stressors, exec'd
 * inside two domains with every class private and asi.enforce=1, on both
 * CPUs (the domains share socket tables, the key serial tree and RCU
 * lists, whose linkage is served, never refused): no failure, no lost data
 * (stress-ng verifies), no violation, no kernel report, objects really
 * private while it runs, and no leak once it is over.
 */
static int test_asi_objects_stress(const char *root)
{
	char *a = asi_create_domain(root, "asi_stress_a", 1);
	char *b = asi_create_domain(root, "asi_stress_b", 1);
	long live = 0;
	int ret = KSFT_FAIL, sa, sb;
	pid_t pa = -1, pb = -1;

	if (!a || !b || write_classes(a, ALL_CLASSES) ||
	    write_classes(b, ALL_CLASSES))
		goto out;
	pa = stress_start(a, "/tmp/asi-stress-a.yaml", "6000");
	pb = stress_start(b, "/tmp/asi-stress-b.yaml", "7000");
	sleep(4);
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		char key[64];

		snprintf(key, sizeof(key), "%s_bytes", classes[i]);
		live += asi_stat(a, key);
	}
	waitpid(pa, &sa, 0);
	waitpid(pb, &sb, 0);
	pa = pb = -1;
	if (!WIFEXITED(sa) || WEXITSTATUS(sa) || !WIFEXITED(sb) ||
	    WEXITSTATUS(sb)) {
		ksft_print_msg("stress-ng failed: %#x %#x\n", sa, sb);
		goto out;
	}
	ksft_print_msg("private bytes while running: %ld; fallbacks %ld %ld; exits %ld %ld\n",
		       live, asi_stat(a, "fallbacks"), asi_stat(b, "fallbacks"),
		       asi_event(a, "exits"), asi_event(b, "exits"));
	if (live <= 0 || asi_event(a, "violations") ||
	    asi_event(b, "violations"))
		goto out;
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	a = b = NULL;
	if (wait_domains_gone("asi_stress_a", "asi_stress_b", 600)) {
		ksft_print_msg("domains still alive after stress-ng\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(pa);
	kill_and_reap(pb);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

#define FAIL_GROW	"/sys/kernel/debug/asi/fail_grow/"

/* Make every growth of every pool fail (fault injection), or none. */
static int fail_grow(bool on)
{
	/* The failures are on purpose: no stack dump for each. */
	if (write_text(FAIL_GROW "verbose", "0", 1) < 0 ||
	    write_text(FAIL_GROW "times", on ? "-1" : "0", on ? 2 : 1) < 0 ||
	    write_text(FAIL_GROW "probability", on ? "100" : "0",
		       on ? 3 : 1) < 0)
		return -1;
	return 0;
}

/*
 * From a new task in @cg: pipe(), and a write into a new pipe of the
 * host's (so that it needs a new data page).  Their errnos, 0 for success,
 * in @err; 0 or -1.
 */
static int pipe_in(const char *cg, int err[2])
{
	int rep[2], host[2];
	ssize_t n;
	pid_t pid;

	if (pipe(host))
		return -1;

	/* Not a pipe: the child could not write into one, failing closed. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, rep)) {
		close(host[0]);
		close(host[1]);
		return -1;
	}
	pid = fork();
	if (!pid) {
		int p[2], r[2];

		if (cg_enter_current(cg))
			_exit(1);
		r[0] = pipe(p) ? errno : 0;
		r[1] = write(host[1], "x", 1) == 1 ? 0 : errno;
		_exit(write(rep[1], r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(rep[1]);
	n = read(rep[0], err, 2 * sizeof(int));
	close(rep[0]);
	waitpid(pid, NULL, 0);
	close(host[0]);
	close(host[1]);
	if (n != 2 * sizeof(int)) {
		ksft_print_msg("no answer from a task in %s\n", cg);
		return -1;
	}
	return 0;
}

/*
 * asi.fallback: when the pool cannot grow, a domain's objects go to
 * ordinary memory (1, counted in fallbacks) or are not allocated at all
 * (0: the system call fails, nothing lands in shared memory).
 */
static int test_asi_objects_fail_closed(const char *root)
{
	char *cg = asi_create_domain(root, "asi_obj_fail_closed", 0);
	int ret = KSFT_FAIL, err[2];
	long fallbacks;

	if (!cg || write_classes(cg, "pipe"))
		goto out;
	if (access(FAIL_GROW "probability", W_OK) || fail_grow(true)) {
		ksft_print_msg("no fault injection for pool growth\n");
		goto out;
	}
	/* Falling back: everything works, in shared memory, counted. */
	if (pipe_in(cg, err) || err[0] || err[1] ||
	    asi_stat(cg, "fallbacks") < 2) {
		ksft_print_msg("fallback=1: errors %d %d, fallbacks %ld\n",
			       err[0], err[1], asi_stat(cg, "fallbacks"));
		goto out;
	}
	fallbacks = asi_stat(cg, "fallbacks");
	/* Failing closed: both fail, nothing falls back. */
	if (cg_write(cg, "asi.fallback", "0") ||
	    cg_read_strcmp(cg, "asi.fallback", "0\n") ||
	    pipe_in(cg, err) || !err[0] || err[1] != ENOMEM ||
	    asi_stat(cg, "fallbacks") != fallbacks) {
		char times[32] = "", prob[32] = "";

		read_text(FAIL_GROW "times", times, sizeof(times));
		read_text(FAIL_GROW "probability", prob, sizeof(prob));
		ksft_print_msg("fallback=0: errors %d %d, fallbacks %ld, blocks %ld, fail_grow times %.8s probability %.8s\n",
			       err[0], err[1], asi_stat(cg, "fallbacks"),
			       asi_stat(cg, "pool_blocks"), times, prob);
		goto out;
	}
	if (cg_write(cg, "asi.fallback", "2") != -EINVAL ||
	    cg_read_strcmp(cg, "asi.fallback", "0\n"))
		goto out;
	/* A pool that can grow again serves both, privately. */
	if (fail_grow(false) || pipe_in(cg, err) || err[0] || err[1] ||
	    asi_stat(cg, "fallbacks") != fallbacks) {
		ksft_print_msg("growing again: errors %d %d\n", err[0], err[1]);
		goto out;
	}
	ret = KSFT_PASS;
out:
	fail_grow(false);
	asi_destroy_domain(cg);
	return ret;
}

#define MEMCG_MAX	(16L << 20)

/*
 * A domain's private objects are charged to its memory cgroup like
 * ordinary ones, so memory.max holds inside a domain: a tenant filling
 * private pipes runs into the limit (a write fails, or the OOM killer
 * takes it), memory.peak stays within it, and all of it goes when the
 * tenant does.
 */
static int test_asi_objects_memcg_limit(const char *root)
{
	char *cg = asi_create_domain(root, "asi_obj_memcg", 0);
	int ret = KSFT_FAIL, rep[2] = { -1, -1 }, st;
	long res[2] = { 0, 0 }, peak, pipes = -1;
	char max[32];
	pid_t pid = -1;

	snprintf(max, sizeof(max), "%ld", MEMCG_MAX);
	if (!cg || write_classes(cg, "pipe") ||
	    (cg_read_strstr(root, "cgroup.subtree_control", "memory") &&
	     cg_write(root, "cgroup.subtree_control", "+memory")) ||
	    cg_write(cg, "memory.max", max) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, rep))
		goto out;
	pid = fork();
	if (!pid) {
		static char buf[65536];
		long written = 0;
		int err = 0, p[2];

		close(rep[0]);
		if (cg_enter_current(cg))
			_exit(1);
		/* Up to four times the limit, a full pipe after another. */
		while (!err && written < 4 * MEMCG_MAX) {
			if (pipe2(p, O_NONBLOCK)) {
				err = errno;
				break;
			}
			for (;;) {
				ssize_t n = write(p[1], buf, sizeof(buf));

				if (n > 0) {
					written += n;
					continue;
				}
				if (errno != EAGAIN)
					err = errno;
				break;
			}
		}
		res[0] = written;
		res[1] = err;
		if (write(rep[1], res, sizeof(res)) != sizeof(res))
			_exit(2);
		pause();
		_exit(0);
	}
	close(rep[1]);
	rep[1] = -1;
	if (read(rep[0], res, sizeof(res)) == sizeof(res)) {
		/* Alive, holding what it got: those pipes are private. */
		pipes = asi_stat(cg, "pipe_objects");
	} else if (waitpid(pid, &st, 0) != pid || !WIFSIGNALED(st) ||
		   cg_read_key_long(cg, "memory.events", "oom_kill ") < 1) {
		ksft_print_msg("tenant gone without an OOM kill\n");
		goto out;
	} else {
		pid = -1;
	}
	peak = cg_read_long(cg, "memory.peak");
	ksft_print_msg("wrote %ld bytes (errno %ld), %ld private pipe objects, peak %ld, max events %ld\n",
		       res[0], res[1], pipes, peak,
		       cg_read_key_long(cg, "memory.events", "max "));
	if (peak <= 0 || peak > MEMCG_MAX ||
	    cg_read_key_long(cg, "memory.events", "max ") < 1 ||
	    (pid > 0 && (res[0] >= 4 * MEMCG_MAX || pipes <= 0)))
		goto out;
	kill_and_reap(pid);
	pid = -1;
	asi_destroy_domain(cg);
	cg = NULL;
	if (wait_domains_gone("asi_obj_memcg", "asi_obj_memcg", 400)) {
		ksft_print_msg("domain still alive\n");
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(pid);
	for (int i = 0; i < 2; i++)
		if (rep[i] >= 0)
			close(rep[i]);
	asi_destroy_domain(cg);
	return ret;
}

static const struct cgroup_test tests[] = {
	T(test_asi_objects_hook_keys),
	T(test_asi_private_objects_file),
	T(test_asi_objects_slab_interfaces),
	T(test_asi_objects_private),
	T(test_asi_objects_cross_domain),
	T(test_asi_objects_outlive_cgroup),
	T(test_asi_objects_stress),
	T(test_asi_objects_fail_closed),
	T(test_asi_objects_memcg_limit),
};

int main(int argc, char **argv)
{
	char root[PATH_MAX];

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_skip("cgroup v2 isn't mounted\n");
	asi_require(root, true);
	ksft_set_plan(ARRAY_SIZE(tests));
	run_cgroup_tests(root, tests, ARRAY_SIZE(tests));
	ksft_finished();
}
