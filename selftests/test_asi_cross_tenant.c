// SPDX-License-Identifier: GPL-2.0
/*
 * Ordinary kernel paths that cross tenants, with asi.enforce=1 and every
 * object class private.  Each tenant execs inside its domain and changes
 * its credentials there, so that its cred, its files and its sockets are
 * private objects of its domain, and the tenants are spread over both
 * CPUs (or share one, where that is the point):
 *  - SIGIO from F_SETOWN/O_ASYNC and dnotify: the writer's (or reader's)
 *    system call checks the owner's cred and queues a signal against the
 *    owner's ucounts, under the owner's siglock;
 *  - SO_PEERCRED: connect() takes a reference on the listener's peer cred,
 *    getsockopt() reads the other tenant's cred;
 *  - SCM_RIGHTS: the receiver drops the last reference of the sender's
 *    file, and with it the sender's cred (put_cred, call_rcu);
 *  - RCU: two tenants on one CPU queue their creds' callbacks on the same
 *    list, so call_rcu() links each one's cred behind the other's;
 * In every case the work completes, nobody is killed, no violation is
 * counted and the kernel log stays silent, while cross_domain shows that
 * the other tenant's memory was really touched.
 *
 * What enforce=1 does refuse is data: another tenant's message text,
 * received from a shared queue, never reaches the receiver, whose domain
 * alone is killed (with enforce=0 it is served and counted).
 *
 * And what one served access leaves reachable: a system call that reads
 * another domain's object (kernel linkage, served) must not be able to
 * read a third domain's data in the same call: with enforce=1 that read
 * is refused, with enforce=0 it is served on its own, and in both cases
 * the third domain's memory stays unmapped after the first access.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "cgroup_tests.h"
#include "asi_util.h"

#define ALL_CLASSES	"cred file pipe sock netns key msg"
#define WORKDIR		"/tmp/asi-xt"
#define SIGNALS		20
#define CRED_ROUNDS	2000
#define PATTERN		0x5a5a5a5a5a5a5a5aUL

/* Exit codes of tenants, beyond their own step numbers. */
#define T_NOT_PRIVATE	90	/* the tenant's cred is not private */
#define T_USAGE		91

static volatile sig_atomic_t sigio_count;

static void on_sigio(int sig)
{
	sigio_count++;
}

static long asi_event(const char *cg, const char *key)
{
	return cg_read_key_long(cg, "asi.events", key);
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Give up root for @uid, everything: a new cred, made in the domain. */
static int become(uid_t uid)
{
	return setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	       setresuid(uid, uid, uid);
}

/*
 * Give up root for @uid, everything: a new cred, made in the domain.
 * Then check that the new cred is in the domain's private memory, with
 * the test helper opened while still root (it checks at open).
 */
static int become_private(uid_t uid)
{
	char out[64], cmd[64];
	int fd = asi_test_open();
	unsigned long cred;
	int ret = T_NOT_PRIVATE;

	if (fd < 0)
		return T_NOT_PRIVATE;
	if (uid && become(uid)) {
		close(fd);
		return 2;
	}
	if (!asi_test_cmd(fd, "cred", out, sizeof(out))) {
		cred = strtoul(out, NULL, 0);
		snprintf(cmd, sizeof(cmd), "owner %#lx", cred);
		if (!asi_test_cmd(fd, cmd, out, sizeof(out)) &&
		    strtoul(out, NULL, 0) != 0)
			ret = 0;
	}
	close(fd);
	return ret;
}

/* Address of the struct file behind the caller's @fd, or 0. */
static unsigned long file_addr(int fd)
{
	char out[64], cmd[64];
	int tfd = asi_test_open();
	unsigned long addr = 0;

	snprintf(cmd, sizeof(cmd), "file %d", fd);
	if (tfd >= 0 && !asi_test_cmd(tfd, cmd, out, sizeof(out)))
		addr = strtoul(out, NULL, 16);
	close(tfd);
	return addr;
}

/* The directory tenants of different uids share files and sockets in. */
static void make_workdir(void)
{
	mkdir(WORKDIR, 0777);
	chmod(WORKDIR, 0777);
}

static int make_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, "data", 4) != 4 || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int wait_byte(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

/*
 * The tenant roles, run after exec inside a domain:
 *   sigio RFD READY UID      owner of pipe RFD (F_SETOWN, O_ASYNC)
 *   dnotify DIR READY UID    dnotify DN_ACCESS watcher of DIR
 *   poke-pipe WFD GO UID     writes SIGNALS bytes to WFD, one at a time
 *   poke-read PATH GO UID    reads PATH SIGNALS times
 *   peer-server PATH READY UID   accepts one connection, checks its peer
 *   peer-client PATH PEERPID PEERUID UID   connects, checks its peer
 *   scm-send SOCK UID        sends a new file of its own, closes it, exits
 *   scm-recv SOCK UID        receives it, reads it, drops the last reference
 *   cred-loop ROUNDS         changes its effective uid back and forth
 *   hold-file READY GO       reports its struct file's address, waits
 */
static int role_sigio(char **a, bool dnotify)
{
	int err;
	struct sigaction sa = { .sa_handler = on_sigio };
	int fd, ready = atoi(a[1]);

	sigaction(SIGIO, &sa, NULL);
	err = become_private(atoi(a[2]));
	if (err)
		return err;
	if (dnotify) {
		fd = open(a[0], O_RDONLY | O_DIRECTORY);
		if (fd < 0 || fcntl(fd, F_NOTIFY, DN_ACCESS | DN_MULTISHOT))
			return 3;
	} else {
		fd = atoi(a[0]);
		if (fcntl(fd, F_SETOWN, getpid()) ||
		    fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK))
			return 3;
	}
	if (write(ready, "r", 1) != 1)
		return 4;
	for (int i = 0; i < 200 && sigio_count < SIGNALS; i++)
		usleep(50000);
	return sigio_count >= 1 ? 0 : 5;
}

static int role_poke(char **a, bool pipe)
{
	int err;
	char buf[16];

	err = become_private(atoi(a[2]));
	if (err)
		return err;
	if (wait_byte(atoi(a[1])))
		return 3;
	for (int i = 0; i < SIGNALS; i++) {
		if (pipe) {
			if (write(atoi(a[0]), "x", 1) != 1)
				return 4;
		} else {
			int fd = open(a[0], O_RDONLY);

			if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
				return 4;
			close(fd);
		}
		usleep(20000);
	}
	return 0;
}

static int role_peer_server(char **a)
{
	int err;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ucred peer;
	socklen_t len = sizeof(peer);
	int s, c;

	err = become_private(atoi(a[2]));
	if (err)
		return err;
	strncpy(sun.sun_path, a[0], sizeof(sun.sun_path) - 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	/* The other tenant runs as another user: let it connect. */
	umask(0);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(s, 1))
		return 3;
	if (write(atoi(a[1]), "r", 1) != 1)
		return 4;
	c = accept(s, NULL, NULL);
	if (c < 0)
		return 5;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &peer, &len) ||
	    peer.uid == (uid_t)atoi(a[2]) || peer.uid == 0)
		return 6;
	/* Wait for the client to finish its own checks, then close. */
	return read(c, &peer, 1) >= 0 ? 0 : 7;
}

static int role_peer_client(char **a)
{
	int err;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ucred peer;
	socklen_t len = sizeof(peer);
	int s;

	err = become_private(atoi(a[3]));
	if (err)
		return err;
	strncpy(sun.sun_path, a[0], sizeof(sun.sun_path) - 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sun, sizeof(sun)))
		return 3;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &peer, &len) ||
	    peer.pid != atoi(a[1]) || peer.uid != (uid_t)atoi(a[2]))
		return 4;
	close(s);
	return 0;
}

static int role_scm_send(char **a)
{
	int err;
	static const char text[] = "the sender's file\n";
	int fd;

	err = become_private(atoi(a[1]));
	if (err)
		return err;
	fd = open(WORKDIR "/scm", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, sizeof(text)) != sizeof(text) ||
	    lseek(fd, 0, SEEK_SET) || send_fd(atoi(a[0]), fd))
		return 3;
	/* The receiver holds the last reference of the file and the cred. */
	return 0;
}

static int role_scm_recv(char **a)
{
	int err;
	char buf[64];
	int fd;

	err = become_private(atoi(a[1]));
	if (err)
		return err;
	fd = recv_fd(atoi(a[0]));
	if (fd < 0)
		return 3;
	/* The sender is gone by now: ours is the last reference. */
	usleep(300000);
	if (read(fd, buf, sizeof(buf)) <= 0 || strncmp(buf, "the sender", 10))
		return 4;
	close(fd);
	return 0;
}

static int role_cred_loop(char **a)
{
	int rounds = atoi(a[0]);

	int err = become_private(0);

	if (err)
		return err;
	for (int i = 0; i < rounds; i++) {
		if (setresuid(-1, 1000 + i % 7, -1) || setresuid(-1, 0, -1))
			return 2;
		sched_yield();
	}
	return 0;
}

#define MSG_SECRET	"tenant A's message text"

struct asi_msg {
	long mtype;
	char mtext[64];
};

/* Send a message into queue @a[0], from private memory of the domain. */
static int role_msg_send(char **a)
{
	struct asi_msg m = { .mtype = 1, .mtext = MSG_SECRET };
	int err = become_private(0);

	if (err)
		return err;
	return msgsnd(atoi(a[0]), &m, sizeof(MSG_SECRET), 0) ? 2 : 0;
}

/* Receive it: 0 with the text intact, 3 for EFAULT, 4 otherwise. */
static int role_msg_recv(char **a)
{
	struct asi_msg m = { };
	ssize_t n = msgrcv(atoi(a[0]), &m, sizeof(m.mtext), 0, IPC_NOWAIT);

	if (n == sizeof(MSG_SECRET) && !strcmp(m.mtext, MSG_SECRET))
		return 0;
	if (n < 0 && errno == EFAULT) {
		sleep(2);	/* let the domain kill land */
		return 3;
	}
	return 4;
}

static int role_hold_file(char **a)
{
	int fd = open(WORKDIR "/hold", O_RDWR | O_CREAT, 0600);
	unsigned long addr;

	if (fd < 0)
		return 2;
	addr = file_addr(fd);
	if (!addr)
		return 3;
	if (dprintf(atoi(a[0]), "%lx\n", addr) < 0)
		return 4;
	return wait_byte(atoi(a[1])) ? 5 : 0;
}

static int tenant_role(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
	} roles[] = {
		{ "sigio", 3 }, { "dnotify", 3 }, { "poke-pipe", 3 },
		{ "poke-read", 3 }, { "peer-server", 3 }, { "peer-client", 4 },
		{ "scm-send", 2 }, { "scm-recv", 2 }, { "cred-loop", 1 },
		{ "hold-file", 2 }, { "msg-send", 1 }, { "msg-recv", 1 },
	};
	const char *r = argv[0];
	char **a = argv + 1;

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (argc >= 1 && !strcmp(r, roles[i].name) &&
		    argc - 1 != roles[i].args)
			return T_USAGE;
	if (argc < 1)
		return T_USAGE;
	if (!strcmp(r, "sigio") || !strcmp(r, "dnotify"))
		return role_sigio(a, r[0] == 'd');
	if (!strcmp(r, "poke-pipe") || !strcmp(r, "poke-read"))
		return role_poke(a, r[5] == 'p');
	if (!strcmp(r, "peer-server"))
		return role_peer_server(a);
	if (!strcmp(r, "peer-client"))
		return role_peer_client(a);
	if (!strcmp(r, "scm-send"))
		return role_scm_send(a);
	if (!strcmp(r, "scm-recv"))
		return role_scm_recv(a);
	if (!strcmp(r, "cred-loop"))
		return role_cred_loop(a);
	if (!strcmp(r, "hold-file"))
		return role_hold_file(a);
	if (!strcmp(r, "msg-send"))
		return role_msg_send(a);
	if (!strcmp(r, "msg-recv"))
		return role_msg_recv(a);
	return T_USAGE;
}

/*
 * Start a tenant: a child that moves into @cg on @cpu and execs this
 * program as ROLE ARGS..., so that everything it allocates from then on
 * (its new cred first) belongs to the domain.
 */
static pid_t spawn(const char *cg, int cpu, const char *role, ...)
{
	char *argv[12] = { "test_asi_cross_tenant", "--tenant", (char *)role };
	int n = 3;
	va_list ap;
	pid_t pid;

	va_start(ap, role);
	while (n < 11 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	if (pid)
		return pid;
	pin_cpu(cpu);
	if (cg_enter_current(cg))
		_exit(80);
	execv("/proc/self/exe", argv);
	_exit(81);
}

static char *num(int v)
{
	char *s = NULL;

	return asprintf(&s, "%d", v) < 0 ? NULL : s;
}

/* Reap @pid within a bound; its exit code, or -1 (killed, hung). */
static int reap(pid_t pid, const char *what)
{
	int st;

	for (int i = 0; i < 600; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			if (WIFEXITED(st) && !WEXITSTATUS(st))
				return 0;
			ksft_print_msg("%s: status %#x\n", what, st);
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		usleep(50000);
	}
	ksft_print_msg("%s: did not finish\n", what);
	kill_and_reap(pid);
	return -1;
}

/* Two fresh enforce=1 domains with every class private. */
static int two_domains(const char *root, const char *tag, char **a, char **b)
{
	char name[64];

	snprintf(name, sizeof(name), "asi_xt_%s_a", tag);
	*a = asi_create_domain(root, name, 1);
	snprintf(name, sizeof(name), "asi_xt_%s_b", tag);
	*b = asi_create_domain(root, name, 1);
	if (!*a || !*b || cg_write(*a, "asi.private_objects", ALL_CLASSES) ||
	    cg_write(*b, "asi.private_objects", ALL_CLASSES))
		return -1;
	return 0;
}

/* Nobody killed, no violation, and @toucher touched the other domain. */
static int judge(const char *a, const char *b, const char *toucher,
		 int ra, int rb)
{
	long va = asi_event(a, "violations"), vb = asi_event(b, "violations");
	long cross = asi_event(toucher, "cross_domain");

	if (ra || rb || va || vb || cross < 1) {
		ksft_print_msg("tenants %d %d, violations %ld %ld, cross_domain %ld\n",
			       ra, rb, va, vb, cross);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int run_sigio(const char *root, bool dnotify)
{
	char *a = NULL, *b = NULL, *target;
	int ready[2] = { -1, -1 }, go[2] = { -1, -1 }, p[2] = { -1, -1 };
	int ret = KSFT_FAIL, ra, rb;
	pid_t pa, pb;

	if (two_domains(root, dnotify ? "dn" : "sigio", &a, &b) ||
	    pipe(ready) || pipe(go) || pipe(p))
		goto out;
	make_workdir();
	if (make_file(WORKDIR "/watched", 0644))
		goto out;
	target = dnotify ? WORKDIR : num(p[0]);
	pa = spawn(a, 0, dnotify ? "dnotify" : "sigio", target, num(ready[1]),
		   "1001", NULL);
	pb = spawn(b, 1, dnotify ? "poke-read" : "poke-pipe",
		   dnotify ? WORKDIR "/watched" : num(p[1]), num(go[0]), "1002",
		   NULL);
	/* Only the tenants keep these ends: a tenant that fails is seen. */
	close(p[0]);
	close(p[1]);
	close(ready[1]);
	close(go[0]);
	ready[1] = go[0] = -1;
	if (wait_byte(ready[0]) || write(go[1], "g", 1) != 1) {
		kill_and_reap(pa);
		kill_and_reap(pb);
		goto out;
	}
	rb = reap(pb, "poker");
	ra = reap(pa, "signal owner");
	ret = judge(a, b, b, ra, rb);
out:
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
	}
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/* F_SETOWN/O_ASYNC: a write into the owner's pipe signals the owner. */
static int test_asi_cross_sigio(const char *root)
{
	return run_sigio(root, false);
}

/* dnotify DN_ACCESS: reading a watched file signals the watcher. */
static int test_asi_cross_dnotify(const char *root)
{
	return run_sigio(root, true);
}

/* SO_PEERCRED in both directions of a connection between two domains. */
static int test_asi_cross_peercred(const char *root)
{
	const char *path = WORKDIR "/peer.sock";
	int ret = KSFT_FAIL, ready[2] = { -1, -1 }, ra, rb;
	char *a = NULL, *b = NULL;
	pid_t pa, pb;

	make_workdir();
	unlink(path);
	if (two_domains(root, "peer", &a, &b) || pipe(ready))
		goto out;
	pa = spawn(a, 0, "peer-server", path, num(ready[1]), "1001", NULL);
	close(ready[1]);
	ready[1] = -1;
	if (wait_byte(ready[0])) {
		kill_and_reap(pa);
		goto out;
	}
	pb = spawn(b, 1, "peer-client", path, num(pa), "1001", "1002", NULL);
	rb = reap(pb, "client");
	ra = reap(pa, "server");
	ret = judge(a, b, b, ra, rb);
out:
	unlink(path);
	close(ready[0]);
	close(ready[1]);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/*
 * SCM_RIGHTS: the sender exits, the receiver's close() frees the sender's
 * file and drops the last reference of the sender's cred.
 */
static int test_asi_cross_scm_fput(const char *root)
{
	int ret = KSFT_FAIL, sv[2] = { -1, -1 }, ra, rb;
	char *a = NULL, *b = NULL;
	pid_t pa, pb;

	make_workdir();
	if (two_domains(root, "scm", &a, &b) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		goto out;
	pb = spawn(b, 1, "scm-recv", num(sv[1]), "1002", NULL);
	pa = spawn(a, 0, "scm-send", num(sv[0]), "1001", NULL);
	close(sv[0]);
	close(sv[1]);
	sv[0] = sv[1] = -1;
	ra = reap(pa, "sender");
	rb = reap(pb, "receiver");
	ret = judge(a, b, b, ra, rb);
out:
	unlink(WORKDIR "/scm");
	close(sv[0]);
	close(sv[1]);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/*
 * Two tenants on one CPU change creds in turn: each old cred goes to
 * call_rcu() on the same per-CPU list, behind the other tenant's.
 */
static int test_asi_cross_rcu(const char *root)
{
	char *a = NULL, *b = NULL, *rounds = num(CRED_ROUNDS);
	int ret = KSFT_FAIL, ra, rb;
	long cross;
	pid_t pa, pb;

	if (two_domains(root, "rcu", &a, &b))
		goto out;
	for (int cpu = 0; cpu < 2; cpu++) {
		pa = spawn(a, cpu, "cred-loop", rounds, NULL);
		pb = spawn(b, cpu, "cred-loop", rounds, NULL);
		ra = reap(pa, "tenant A");
		rb = reap(pb, "tenant B");
		if (ra || rb)
			goto out;
	}
	cross = asi_event(a, "cross_domain") + asi_event(b, "cross_domain");
	if (asi_event(a, "violations") || asi_event(b, "violations") ||
	    cross < 1) {
		ksft_print_msg("violations %ld %ld, cross_domain %ld\n",
			       asi_event(a, "violations"),
			       asi_event(b, "violations"), cross);
		goto out;
	}
	ret = KSFT_PASS;
out:
	free(rounds);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	return ret;
}

/*
 * Data is what enforce=1 refuses: tenant A's message, received by B from
 * a queue they share.  With enforce=0 B gets it (counted); with enforce=1
 * the text never reaches B, whose domain alone is killed, while the
 * queue's linkage through A's message header was served.
 */
static int test_asi_cross_msg_data(const char *root)
{
	char *a = NULL, *b = NULL, *lax = NULL, *qid = NULL;
	int ret = KSFT_FAIL, q = -1, rs, rr;
	pid_t ps, pr, owner = -1;

	if (two_domains(root, "msg", &a, &b))
		goto out;
	lax = asi_create_domain(root, "asi_xt_msg_lax", 0);
	q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	qid = num(q);
	if (!lax || q < 0)
		goto out;
	/* enforce=0: served. */
	ps = spawn(a, 0, "msg-send", qid, NULL);
	rs = reap(ps, "sender");
	pr = spawn(lax, 1, "msg-recv", qid, NULL);
	rr = reap(pr, "lax receiver");
	if (rs || rr || asi_event(lax, "violations") ||
	    asi_event(lax, "cross_domain") < 1) {
		ksft_print_msg("enforce=0: %d %d, cross_domain %ld\n", rs, rr,
			       asi_event(lax, "cross_domain"));
		goto out;
	}
	/* enforce=1: refused, the receiver's domain killed, A's task lives. */
	owner = fork();
	if (!owner) {
		if (cg_enter_current(a))
			_exit(1);
		pause();
		_exit(0);
	}
	ps = spawn(a, 0, "msg-send", qid, NULL);
	rs = reap(ps, "sender");
	pr = spawn(b, 1, "msg-recv", qid, NULL);
	rr = reap(pr, "strict receiver");
	sleep(1);
	if (rs || (rr != 3 && rr != -1) || asi_event(b, "violations") != 1 ||
	    asi_event(a, "violations") || waitpid(owner, NULL, WNOHANG)) {
		ksft_print_msg("enforce=1: %d %d, violations %ld\n", rs, rr,
			       asi_event(b, "violations"));
		goto out;
	}
	ret = KSFT_PASS;
out:
	kill_and_reap(owner);
	if (q >= 0)
		msgctl(q, IPC_RMID, NULL);
	free(qid);
	asi_destroy_domain(a);
	asi_destroy_domain(b);
	asi_destroy_domain(lax);
	return ret;
}

/*
 * From @cg, in one system call, read @first (another domain's object,
 * kernel linkage) and then @second (a third domain's data page).  0 with
 * the helper's answer in @res; -ECHILD when no answer came (the domain
 * kill for a violation may land before the process writes it); -1 else.
 */
static int read2_in(const char *cg, unsigned long first, unsigned long second,
		    bool user_fault, unsigned long res[4], int *status)
{
	char buf[128] = "";
	int p[2];
	pid_t pid;
	ssize_t n;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		char cmd[96], out[96] = "";
		int fd, err;

		close(p[0]);
		if (cg_enter_current(cg))
			_exit(2);
		fd = asi_test_open();
		snprintf(cmd, sizeof(cmd), "read2 %#lx %#lx", first, second);
		if (user_fault) {
			/* Not touched yet: the helper's get_user() faults. */
			void *p = mmap(NULL, 4096, PROT_READ,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
				 " %#lx", (unsigned long)p);
		}
		err = asi_test_cmd(fd, cmd, out, sizeof(out));
		dprintf(p[1], "%d %s\n", err, out);
		close(p[1]);
		sleep(2);	/* let a domain kill land */
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, status, 0);
	memset(res, 0, 4 * sizeof(res[0]));
	if (n <= 0)
		return -ECHILD;
	if (atoi(buf)) {
		ksft_print_msg("read2 %#lx %#lx from %s: %s", first, second, cg,
			       buf);
		return -1;
	}
	return sscanf(strchr(buf, ' ') + 1, "%lx %lu %ld %lx", &res[0], &res[1],
		      &res[2], &res[3]) == 4 ? 0 : -1;
}

static int test_asi_served_access_scope(const char *root)
{
	char *owner = NULL, *data = NULL, *strict = NULL, *lax = NULL;
	int report[2] = { -1, -1 }, go[2] = { -1, -1 }, tfd = -1, st, err;
	int ret = KSFT_FAIL;
	unsigned long file = 0, page = 0, res[4];
	char line[64] = "";
	pid_t holder = -1;

	owner = asi_create_domain(root, "asi_xt_owner", 1);
	data = asi_create_domain(root, "asi_xt_data", 1);
	strict = asi_create_domain(root, "asi_xt_strict", 1);
	lax = asi_create_domain(root, "asi_xt_lax", 0);
	if (!owner || !data || !strict || !lax ||
	    cg_write(owner, "asi.private_objects", ALL_CLASSES) ||
	    pipe(report) || pipe(go))
		goto out;
	make_workdir();

	/* Domain "owner": a tenant's private struct file. */
	holder = spawn(owner, 0, "hold-file", num(report[1]), num(go[0]), NULL);
	if (read(report[0], line, sizeof(line) - 1) <= 0)
		goto out;
	file = strtoul(line, NULL, 16);
	/* Domain "data": a private page of data, kept by this open file. */
	if (fork() == 0) {
		char out[32];
		int fd;

		if (cg_enter_current(data))
			_exit(1);
		fd = asi_test_open();
		if (fd < 0 || asi_test_cmd(fd, "alloc", out, sizeof(out)))
			_exit(1);
		dprintf(report[1], "%lx\n", strtoul(out, NULL, 0));
		wait_byte(go[0]);
		_exit(0);
	}
	close(report[1]);
	report[1] = -1;
	memset(line, 0, sizeof(line));
	if (read(report[0], line, sizeof(line) - 1) <= 0)
		goto out;
	page = strtoul(line, NULL, 16);
	if (!file || !page)
		goto out;

	/* enforce=0: each access served on its own, nothing else mapped. */
	if (read2_in(lax, file, page, false, res, &st) || res[1] != 0 || res[2] ||
	    res[3] != PATTERN) {
		ksft_print_msg("enforce=0: mapped after first %lu, second %ld %#lx\n",
			       res[1], (long)res[2], res[3]);
		goto out;
	}
	/*
	 * enforce=1: the linkage read is served, the data read refused; the
	 * domain kill may even come before the answer.  Either way the
	 * second access counted (cross_domain 2), as the one violation.
	 */
	/*
	 * A user fault while a page is borrowed keeps it (the exit view's
	 * user half is resynced, its slot left alone): the same object read
	 * again is still served.
	 */
	if (read2_in(strict, file, file, true, res, &st) || res[1] != 1 ||
	    res[2] || res[0] != res[3]) {
		ksft_print_msg("borrowed across a user fault: mapped %lu, second %ld\n",
			       res[1], (long)res[2]);
		goto out;
	}
	err = read2_in(strict, file, page, false, res, &st);
	if (err == -ECHILD ? !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL :
	    err || res[1] != 0 || (long)res[2] != -EFAULT || res[3] == PATTERN) {
		ksft_print_msg("enforce=1: %d, mapped after first %lu, second %ld %#lx\n",
			       err, res[1], (long)res[2], res[3]);
		goto out;
	}
	if (asi_event(strict, "violations") != 1 ||
	    asi_event(strict, "cross_domain") != 3 ||
	    asi_event(owner, "violations") || asi_event(data, "violations") ||
	    asi_event(lax, "violations") || asi_event(lax, "cross_domain") != 2) {
		ksft_print_msg("violations %ld (strict), cross_domain %ld (lax)\n",
			       asi_event(strict, "violations"),
			       asi_event(lax, "cross_domain"));
		goto out;
	}
	ret = KSFT_PASS;
out:
	if (go[1] >= 0 && write(go[1], "gg", 2) < 0)
		ret = KSFT_FAIL;
	if (holder > 0 && reap(holder, "file holder"))
		ret = KSFT_FAIL;
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < 2; i++) {
		close(report[i]);
		close(go[i]);
	}
	close(tfd);
	unlink(WORKDIR "/hold");
	asi_destroy_domain(owner);
	asi_destroy_domain(data);
	asi_destroy_domain(strict);
	asi_destroy_domain(lax);
	return ret;
}

static const struct cgroup_test tests[] = {
	T(test_asi_cross_sigio),
	T(test_asi_cross_dnotify),
	T(test_asi_cross_peercred),
	T(test_asi_cross_scm_fput),
	T(test_asi_cross_rcu),
	T(test_asi_cross_msg_data),
	T(test_asi_served_access_scope),
};

int main(int argc, char **argv)
{
	char root[PATH_MAX];

	if (argc >= 2 && !strcmp(argv[1], "--tenant"))
		return tenant_role(argc - 2, argv + 2);

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_skip("cgroup v2 isn't mounted\n");
	asi_require(root, true);
	ksft_set_plan(ARRAY_SIZE(tests));
	run_cgroup_tests(root, tests, ARRAY_SIZE(tests));
	ksft_finished();
}
