// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the asi cgroupfs interface.
 *
 * Writes random and dictionary-built inputs (class names, digits,
 * whitespace, control bytes, garbage, lengths 0 to 8 KiB) to every
 * writable asi file of two cgroups, one empty and one isolated with a task
 * in it, while other processes create, isolate, populate, reconfigure and
 * remove cgroups of their own.  After every write:
 *
 *  - a refused write changed nothing: all four files read as before;
 *  - an accepted write was valid input, and the file reads back the value
 *    it denotes: a reference parser of the documented syntax says which
 *    inputs are valid and what they mean.
 *
 * The inputs come from a fixed seed, so a failure repeats:
 *   test_asi_fuzz [-n INPUTS] [-s SEED] [-c CHURNERS]
 * (defaults: 100000 inputs, seed 1, 2 churners; ASI_FUZZ_INPUTS and
 * ASI_FUZZ_SEED in the environment set the first two too).
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "cgroup_util.h"
#include "asi_util.h"

#define FUZZ_MAX_LEN	8192
/* Longest writes the files accept (kernel/cgroup/asi.c). */
#define MAX_BOOL_WRITE	16
#define MAX_CLASSES_WRITE 128

enum asi_file { F_ISOLATE, F_ENFORCE, F_FALLBACK, F_CLASSES, NR_FILES };

static const char *const file_names[NR_FILES] = {
	"asi.isolate", "asi.enforce", "asi.fallback", "asi.private_objects",
};

static const char *const classes[] = {
	"cred", "file", "pipe", "sock", "netns", "key", "msg",
};
#define NR_CLASSES	((int)ARRAY_SIZE(classes))

/* Near misses and other words an operator might try. */
static const char *const dictionary[] = {
	"cred", "file", "pipe", "sock", "netns", "key", "msg", "all", "none",
	"0", "1", "2", "-1", "00", "01", "10", "0x1", "+1", "true", "yes",
	"on", "CRED", "Pipe", "cre", "credd", "net", "keys", "msgs", "sock,",
	"cred,file", "max", "default", "", "\xff", "\xc3\xa9",
};

static const char *const separators[] = {
	" ", "\t", "\n", "  ", ",", "\v", "\r", "\f", "", "\n\n", " \t ",
};

static uint64_t rng;

static uint64_t next_random(void)
{
	/* xorshift64*: fast, and the same sequence everywhere. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(unsigned int n)
{
	return next_random() % n;
}

static size_t append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len + n > FUZZ_MAX_LEN)
		n = FUZZ_MAX_LEN - len;
	memcpy(buf + len, s, n);
	return len + n;
}

/* One input of a randomly chosen kind; returns its length. */
static size_t make_input(char *buf)
{
	static const size_t long_lengths[] = {
		15, 16, 17, 127, 128, 129, 4095, 4096, 4097, FUZZ_MAX_LEN,
	};
	size_t len = 0, target;
	unsigned int i, n;

	switch (pick(6)) {
	case 0:		/* dictionary words and separators */
		n = pick(10);
		for (i = 0; i < n; i++) {
			len = append(buf, len, dictionary[pick(ARRAY_SIZE(dictionary))]);
			len = append(buf, len, separators[pick(ARRAY_SIZE(separators))]);
		}
		return len;
	case 1:		/* digits */
		n = pick(20);
		for (i = 0; i < n; i++)
			buf[len++] = '0' + pick(10);
		return len;
	case 2:		/* whitespace */
		n = pick(20);
		for (i = 0; i < n; i++)
			buf[len++] = " \t\n\v\f\r"[pick(6)];
		return len;
	case 3:		/* garbage bytes, NUL included */
		n = pick(64);
		for (i = 0; i < n; i++)
			buf[len++] = pick(256);
		return len;
	case 4:		/* around the length limits: words or garbage */
		target = long_lengths[pick(ARRAY_SIZE(long_lengths))];
		if (pick(2)) {
			while (len < target)
				len = append(buf, len, pick(2) ? classes[pick(NR_CLASSES)] : " ");
		} else {
			while (len < target)
				buf[len++] = pick(256);
		}
		return target;
	default:	/* valid values, so that writes are accepted too */
		if (pick(2)) {
			len = append(buf, len, pick(3) ? "" : " ");
			len = append(buf, len, pick(2) ? "1" : "0");
			len = append(buf, len, pick(2) ? "\n" : "");
			return len;
		}
		n = pick(NR_CLASSES + 1);
		for (i = 0; i < n; i++) {
			len = append(buf, len, classes[pick(NR_CLASSES)]);
			len = append(buf, len, separators[pick(3)]);
		}
		return len;
	}
}

/*
 * The reference parsers.  The kernel sees the written bytes as a C string
 * (cut at the first NUL).  Each returns whether the input is valid and,
 * if so, what the file must read afterwards.
 */
static bool parse_bool(const char *in, size_t len, char *expect)
{
	char s[MAX_BOOL_WRITE + 1], *p, *end;

	if (len > MAX_BOOL_WRITE)
		return false;
	memcpy(s, in, len);
	s[len] = '\0';
	for (p = s; isspace((unsigned char)*p); p++)
		;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strcmp(p, "0") && strcmp(p, "1"))
		return false;
	sprintf(expect, "%s\n", p);
	return true;
}

static bool parse_classes(const char *in, size_t len, char *expect)
{
	char s[MAX_CLASSES_WRITE + 1], *rest, *tok;
	unsigned int mask = 0;
	int i;

	if (len > MAX_CLASSES_WRITE)
		return false;
	memcpy(s, in, len);
	s[len] = '\0';
	rest = s;
	while ((tok = strsep(&rest, " \t\n"))) {
		if (!*tok)
			continue;
		for (i = 0; i < NR_CLASSES; i++)
			if (!strcmp(tok, classes[i]))
				break;
		if (i == NR_CLASSES)
			return false;
		mask |= 1U << i;
	}
	expect[0] = '\0';
	for (i = 0; i < NR_CLASSES; i++) {
		if (mask & (1U << i)) {
			if (expect[0])
				strcat(expect, " ");
			strcat(expect, classes[i]);
		}
	}
	strcat(expect, "\n");
	return true;
}

struct target {
	const char *name;
	char *cg;
	int fd[NR_FILES];
	bool populated;
};

static int read_file(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static bool differ(char a[NR_FILES][256], char b[NR_FILES][256])
{
	for (int f = 0; f < NR_FILES; f++)
		if (strcmp(a[f], b[f]))
			return true;
	return false;
}

static int snapshot(struct target *t, char state[NR_FILES][256])
{
	for (int f = 0; f < NR_FILES; f++)
		if (read_file(t->fd[f], state[f], sizeof(state[f])))
			return -1;
	return 0;
}

static int open_target(struct target *t, const char *root)
{
	char path[PATH_MAX];

	t->cg = cg_name(root, t->name);
	if (!t->cg || cg_create(t->cg))
		return -1;
	for (int f = 0; f < NR_FILES; f++) {
		snprintf(path, sizeof(path), "%s/%s", t->cg, file_names[f]);
		t->fd[f] = open(path, O_RDWR | O_CLOEXEC);
		if (t->fd[f] < 0)
			return -1;
	}
	return 0;
}

static void close_target(struct target *t)
{
	for (int f = 0; f < NR_FILES; f++)
		if (t->fd[f] >= 0)
			close(t->fd[f]);
	asi_destroy_domain(t->cg);
}

/* A task that sits in @cg until killed. */
static int populate(const char *cg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (cg_enter_current(cg))
			_exit(1);
		for (;;)
			pause();
	}
	return cg_wait_for_proc_count(cg, 1);
}

/* What a write that should have changed nothing did change. */
static void report_change(struct target *t, enum asi_file f, unsigned long i,
			  const char *input, size_t len,
			  char before[NR_FILES][256], char after[NR_FILES][256])
{
	ksft_print_msg("%s/%s: input #%lu (%zu bytes, \"%.*s\") was refused (%s)\n",
		       t->name, file_names[f], i, len, (int)(len < 24 ? len : 24),
		       input, strerror(errno));
	for (int g = 0; g < NR_FILES; g++)
		if (strcmp(before[g], after[g]))
			ksft_print_msg("  yet %s went from \"%.40s\" to \"%.40s\"\n",
				       file_names[g], before[g], after[g]);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

/* A random set of classes, as asi.private_objects takes it. */
static void random_classes(char *buf)
{
	buf[0] = '\0';
	for (int i = 0; i < NR_CLASSES; i++) {
		if (pick(2)) {
			strcat(buf, classes[i]);
			strcat(buf, " ");
		}
	}
}

/*
 * A churner: cgroups of its own created, given classes, isolated,
 * populated by a task that execs, reconfigured while populated, emptied,
 * un-isolated and removed, over and over.  Prints its cycle count to @out
 * and exits with the number of unexpected errors (at most 100).
 */
static void churn(const char *root, int id, int out)
{
	unsigned long cycles = 0, errors = 0;
	char name[64], mask[128];

	signal(SIGTERM, on_term);
	rng = 0x9e3779b97f4a7c15ULL * (id + 2);
	while (!stop) {
		int go[2];
		char *cg;
		pid_t pid;

		snprintf(name, sizeof(name), "asi_fuzz_churn%d_%lu", id, cycles);
		cg = cg_name(root, name);
		random_classes(mask);
		if (cg_create(cg) || cg_write(cg, "asi.private_objects", mask) ||
		    cg_write(cg, "asi.enforce", pick(2) ? "1" : "0") ||
		    cg_write(cg, "asi.isolate", "1") || pipe(go)) {
			errors++;
			cg_destroy(cg);
			free(cg);
			continue;
		}
		pid = fork();
		if (!pid) {
			char c;

			close(go[1]);
			if (cg_enter_current(cg) || read(go[0], &c, 1) != 1)
				_exit(1);
			execlp("sh", "sh", "-c", "echo x | cat > /dev/null", NULL);
			_exit(1);
		}
		close(go[0]);
		if (pid < 0 || cg_wait_for_proc_count(cg, 1))
			errors++;
		/* Populated: the view cannot change, the rest can. */
		random_classes(mask);
		if (cg_write(cg, "asi.isolate", "0") != -EBUSY ||
		    cg_write(cg, "asi.private_objects", mask) ||
		    cg_write(cg, "asi.enforce", pick(2) ? "1" : "0"))
			errors++;
		close(go[1]);	/* the task execs, and exits */
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (cg_wait_for_proc_count(cg, 0) ||
		    (pick(2) && cg_write(cg, "asi.isolate", "0")) ||
		    cg_destroy(cg))
			errors++;
		free(cg);
		cycles++;
	}
	snprintf(name, sizeof(name), "%lu\n", cycles);
	if (write(out, name, strlen(name)) < 0)
		errors++;
	_exit(errors > 100 ? 100 : errors);
}

int main(int argc, char **argv)
{
	unsigned long inputs = 100000, seed = 1, accepted = 0, refused = 0;
	unsigned long wrong_accept = 0, wrong_value = 0, changed = 0;
	unsigned long churn_cycles = 0, churn_errors = 0;
	struct target targets[2] = {
		{ .name = "asi_fuzz_empty" }, { .name = "asi_fuzz_busy" },
	};
	char root[PATH_MAX], expect[256], now[256];
	static char before[NR_FILES][256], after[NR_FILES][256];
	static char input[FUZZ_MAX_LEN];
	int churners = 2, opt, pipefd[2];
	pid_t pids[8];

	/* The kernel command line passes these on to the guest's init. */
	if (getenv("ASI_FUZZ_INPUTS"))
		inputs = strtoul(getenv("ASI_FUZZ_INPUTS"), NULL, 0);
	if (getenv("ASI_FUZZ_SEED"))
		seed = strtoul(getenv("ASI_FUZZ_SEED"), NULL, 0);
	while ((opt = getopt(argc, argv, "n:s:c:")) != -1) {
		switch (opt) {
		case 'n': inputs = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'c': churners = atoi(optarg); break;
		default:
			ksft_exit_fail_msg("usage: %s [-n INPUTS] [-s SEED] [-c CHURNERS]\n",
					   argv[0]);
		}
	}
	if (churners < 0 || churners > (int)ARRAY_SIZE(pids))
		ksft_exit_fail_msg("at most %zu churners\n", ARRAY_SIZE(pids));

	ksft_print_header();
	if (cg_find_unified_root(root, sizeof(root), NULL))
		ksft_exit_fail_msg("cgroup v2 isn't mounted\n");
	asi_require(root, false);
	ksft_set_plan(5);

	for (int i = 0; i < 2; i++)
		if (open_target(&targets[i], root))
			ksft_exit_fail_msg("cannot set up %s\n", targets[i].name);
	/* The busy one: isolated with every class, a task inside. */
	if (cg_write(targets[1].cg, "asi.private_objects",
		     "cred file pipe sock netns key msg") ||
	    cg_write(targets[1].cg, "asi.isolate", "1") ||
	    populate(targets[1].cg))
		ksft_exit_fail_msg("cannot populate %s\n", targets[1].name);
	targets[1].populated = true;

	if (pipe(pipefd))
		ksft_exit_fail_msg("pipe\n");
	for (int i = 0; i < churners; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			close(pipefd[0]);
			churn(root, i, pipefd[1]);
		}
	}
	close(pipefd[1]);

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (unsigned long i = 0; i < inputs; i++) {
		struct target *t = &targets[pick(2)];
		enum asi_file f = pick(NR_FILES);
		size_t len = make_input(input);
		bool valid;
		ssize_t n;

		if (snapshot(t, before))
			ksft_exit_fail_msg("cannot read %s\n", t->name);
		valid = f == F_CLASSES ? parse_classes(input, len, expect) :
			parse_bool(input, len, expect);
		n = write(t->fd[f], input, len);
		if (snapshot(t, after))
			ksft_exit_fail_msg("cannot read %s\n", t->name);
		if (n < 0 || (size_t)n != len) {
			refused++;
			if (differ(before, after) && changed++ < 5)
				report_change(t, f, i, input, len, before, after);
			continue;
		}
		accepted++;
		if (!len) {
			/* An empty write is a no-op. */
			if (differ(before, after) && changed++ < 5)
				report_change(t, f, i, input, len, before, after);
			continue;
		}
		if (!valid) {
			if (wrong_accept++ < 5)
				ksft_print_msg("%s/%s: accepted invalid input #%lu (%zu bytes)\n",
					       t->name, file_names[f], i, len);
			continue;
		}
		strcpy(now, after[f]);
		if (strcmp(now, expect) && wrong_value++ < 5)
			ksft_print_msg("%s/%s: input #%lu reads back \"%.40s\", not \"%.40s\"\n",
				       t->name, file_names[f], i, now, expect);
	}

	for (int i = 0; i < churners; i++)
		kill(pids[i], SIGTERM);
	for (int i = 0; i < churners; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		churn_errors += WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	{
		FILE *counts = fdopen(pipefd[0], "r");
		unsigned long c;

		while (counts && fscanf(counts, "%lu", &c) == 1)
			churn_cycles += c;
		if (counts)
			fclose(counts);
	}
	ksft_print_msg("seed %lu: %lu inputs, %lu accepted, %lu refused; %lu churn cycles\n",
		       seed, inputs, accepted, refused, churn_cycles);
	ksft_test_result(!changed, "refused writes changed nothing (%lu refused)\n",
			 refused);
	ksft_test_result(!wrong_accept, "only valid input was accepted\n");
	ksft_test_result(!wrong_value,
			 "accepted writes read back their value (%lu accepted)\n",
			 accepted);
	ksft_test_result(!churn_errors && (!churners || churn_cycles),
			 "churn beside the fuzzing: %lu cycles, no error\n",
			 churn_cycles);
	for (int i = 0; i < 2; i++)
		close_target(&targets[i]);
	ksft_test_result(settle_dying() == 0 && !domain_listed("asi_fuzz_empty") &&
			 !domain_listed("asi_fuzz_busy"),
			 "every domain is gone afterwards\n");
	ksft_finished();
}
