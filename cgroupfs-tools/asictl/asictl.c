// SPDX-License-Identifier: GPL-2.0
/*
 * asictl - inspect and control address space isolation (asi) of cgroups
 *
 * Drives the asi.* files of the cgroup v2 hierarchy: lists the isolated
 * cgroups (domains) and their figures, isolates and releases cgroups,
 * runs a command in a fresh isolated cgroup, and watches asi.events.
 * See asictl(8).
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ASICTL_VERSION
#define ASICTL_VERSION "unknown"
#endif

/* Exit codes (asictl(8)). */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_RUN_FAIL	125	/* run: asictl failed before CMD ran */
#define EXIT_NOEXEC	126	/* run: CMD cannot be executed */
#define EXIT_NOTFOUND	127	/* run: CMD not found */

#define DOMAINS_FILE	"/sys/kernel/debug/asi/domains"
#define MAX_CLASSES	32
#define MAX_KEYS	64

static char cgroot[PATH_MAX];	/* the cgroup2 mount */
/* What a failure exits with: 1, or 125 for run (CMD's codes are its own). */
static int exit_failure = EXIT_FAILURE;

/* A cgroup named on the command line: its path and its name below the root. */
struct cgroup {
	char path[PATH_MAX];
	const char *name;	/* points into path, "" for the root */
};

struct keyed {
	int n;
	char key[MAX_KEYS][48];
	long long val[MAX_KEYS];
};

static void __attribute__((noreturn)) try_help(void)
{
	fprintf(stderr, "Try 'asictl --help' for more information.\n");
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn)) usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	try_help();
}

static void usage(void)
{
	fputs("Usage:\n"
	      " asictl [options] <command> [<args>]\n"
	      "\n"
	      "Inspect and control address space isolation (asi) of cgroups.\n"
	      "\n"
	      "Commands:\n"
	      " list [--json]                 every isolated cgroup and its figures\n"
	      " show [--json] <cgroup>        everything asi says about one cgroup\n"
	      " isolate [options] <cgroup>    make a cgroup an isolated domain\n"
	      "     -e, --enforce             refuse cross-domain data accesses (asi.enforce=1)\n"
	      "     -o, --objects <classes>   private object classes, comma separated, or \"all\"\n"
	      "     -F, --fail-closed         no fallback to shared memory (asi.fallback=0)\n"
	      "     -c, --create              create the cgroup (and missing parents)\n"
	      " release <cgroup>              make it host again (asi.isolate=0)\n"
	      " run [options] -- <cmd>...     run a command in a fresh isolated cgroup\n"
	      "     -n, --name <name>         name of the cgroup (default asictl-run.<pid>)\n"
	      "     -p, --parent <cgroup>     where to create it (default the root)\n"
	      "     -e, --enforce, -o, --objects, -F, --fail-closed   as for isolate\n"
	      "     -k, --keep                keep the cgroup when the command is done\n"
	      " watch [<cgroup>...]           one line per change of asi.events\n"
	      "\n"
	      "A <cgroup> is a path below the cgroup2 mount, relative to it or absolute.\n"
	      "\n"
	      "Options:\n"
	      " -h, --help                    display this help\n"
	      " -V, --version                 display version\n"
	      "\n"
	      "For more details see asictl(8).\n", stdout);
	exit(EXIT_SUCCESS);
}

/* /proc/self/mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && isdigit(s[1]) && isdigit(s[2]) &&
		    isdigit(s[3])) {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static void find_cgroot(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t len = 0;

	if (!f)
		err(exit_failure, "/proc/self/mountinfo");
	while (getline(&line, &len, f) > 0) {
		char mnt[PATH_MAX], *sep = strstr(line, " - ");

		if (!sep || strncmp(sep, " - cgroup2 ", 11))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		unescape(mnt);
		snprintf(cgroot, sizeof(cgroot), "%s", mnt);
		break;
	}
	free(line);
	fclose(f);
	if (!*cgroot)
		errx(exit_failure, "no cgroup2 file system is mounted");
}

static int read_file(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while ((p = strstr(p, word))) {
		if ((p == text || isspace(p[-1])) &&
		    (!p[n] || isspace(p[n])))
			return true;
		p += n;
	}
	return false;
}

/* Every command needs the cgroup2 mount and the asi controller on it. */
static void require_asi(void)
{
	char buf[4096];
	int ret;

	find_cgroot();
	ret = read_file(cgroot, "cgroup.controllers", buf, sizeof(buf));
	if (ret)
		errx(exit_failure, "%s/cgroup.controllers: %s", cgroot,
		     strerror(-ret));
	if (!has_word(buf, "asi"))
		errx(exit_failure,
		     "%s: no asi controller: the kernel lacks it, or was booted with asi=off",
		     cgroot);
}

/*
 * Resolve @arg to a cgroup below the mount: relative to it, or absolute
 * under it.  ".." is refused, so nothing escapes the hierarchy.
 */
static void cg_resolve(const char *arg, struct cgroup *cg)
{
	size_t rootlen = strlen(cgroot);
	char rel[PATH_MAX], *save, *part, *copy;
	size_t used = 0;

	if (!*arg)
		usage_error("empty cgroup name");
	if (arg[0] == '/') {
		if (strncmp(arg, cgroot, rootlen) ||
		    (arg[rootlen] && arg[rootlen] != '/'))
			usage_error("%s: not below the cgroup2 mount %s", arg,
				    cgroot);
		arg += rootlen;
	}
	copy = strdup(arg);
	if (!copy)
		err(exit_failure, "strdup");
	rel[0] = '\0';
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, ".."))
			usage_error("%s: '..' is not allowed in a cgroup path",
				    arg);
		used += snprintf(rel + used, sizeof(rel) - used, "%s%s",
				 used ? "/" : "", part);
		if (used >= sizeof(rel))
			usage_error("%s: path too long", arg);
	}
	free(copy);
	snprintf(cg->path, sizeof(cg->path), "%s%s%s", cgroot, *rel ? "/" : "",
		 rel);
	cg->name = cg->path + rootlen + (*rel ? 1 : 0);
}

/* The cgroup must exist and be below the root, where asi files live. */
static void cg_require(const struct cgroup *cg)
{
	struct stat st;

	if (!*cg->name)
		errx(exit_failure,
		     "%s: the root cgroup is the host; asi files exist only below it",
		     cg->path);
	if (stat(cg->path, &st) || !S_ISDIR(st.st_mode))
		errx(exit_failure, "%s: no such cgroup", cg->name);
}

static void parse_keyed(const char *text, struct keyed *k)
{
	const char *p = text;

	k->n = 0;
	while (*p && k->n < MAX_KEYS) {
		if (sscanf(p, "%47s %lld", k->key[k->n], &k->val[k->n]) == 2)
			k->n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

static long long keyed_get(const struct keyed *k, const char *key)
{
	for (int i = 0; i < k->n; i++)
		if (!strcmp(k->key[i], key))
			return k->val[i];
	return -1;
}

static int read_keyed(const char *dir, const char *file, struct keyed *k)
{
	char buf[8192];
	int ret = read_file(dir, file, buf, sizeof(buf));

	if (!ret)
		parse_keyed(buf, k);
	return ret;
}

static long read_bool(const char *dir, const char *file)
{
	char buf[32];

	if (read_file(dir, file, buf, sizeof(buf)))
		return -1;
	return atol(buf);
}

/* The object classes this kernel knows: the <class>_objects keys of asi.stat. */
static int kernel_classes(const char *dir, char names[MAX_CLASSES][32])
{
	struct keyed k;
	int n = 0;

	if (read_keyed(dir, "asi.stat", &k))
		return 0;
	for (int i = 0; i < k.n && n < MAX_CLASSES; i++) {
		size_t len = strlen(k.key[i]);

		if (len > 8 && !strcmp(k.key[i] + len - 8, "_objects") &&
		    len - 8 < 32) {
			memcpy(names[n], k.key[i], len - 8);
			names[n++][len - 8] = '\0';
		}
	}
	return n;
}

/*
 * Turn "cred,file pipe" or "all" into what asi.private_objects takes,
 * checking every name against the kernel's classes.
 */
static void classes_arg(const char *dir, const char *arg, char *out,
			size_t len)
{
	char known[MAX_CLASSES][32], list[512] = "", *copy, *save, *name;
	int n = kernel_classes(dir, known), used = 0;

	for (int i = 0; i < n; i++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? " " : "", known[i]);
	if (!strcmp(arg, "all")) {
		snprintf(out, len, "%s", list);
		return;
	}
	copy = strdup(arg);
	if (!copy)
		err(exit_failure, "strdup");
	used = 0;
	out[0] = '\0';
	for (name = strtok_r(copy, ", \t", &save); name;
	     name = strtok_r(NULL, ", \t", &save)) {
		bool found = false;

		for (int i = 0; i < n; i++)
			found |= !strcmp(name, known[i]);
		if (!found)
			usage_error("unknown object class '%s' (known: %s)",
				    name, list);
		used += snprintf(out + used, len - used, "%s%s",
				 used ? " " : "", name);
	}
	free(copy);
}

/* Is @dir a cgroup that owns a domain? */
static bool is_isolated(const char *dir)
{
	return read_bool(dir, "asi.isolate") == 1;
}

/*
 * Processes of the domain @dir owns (or is part of): its own and those of
 * descendants that do not start a domain of their own.
 */
static long domain_tasks(const char *dir, bool top)
{
	char buf[65536], path[PATH_MAX];
	struct dirent *de;
	long count = 0;
	DIR *d;

	if (!top && is_isolated(dir))
		return 0;
	if (!read_file(dir, "cgroup.procs", buf, sizeof(buf)))
		for (char *p = buf; (p = strchr(p, '\n')); p++)
			count++;
	d = opendir(dir);
	if (!d)
		return count;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		count += domain_tasks(path, false);
	}
	closedir(d);
	return count;
}

static long dying_domains(void)
{
	char buf[256];
	int fd = open(DOMAINS_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 6)
		return -1;
	buf[n] = '\0';
	return strncmp(buf, "dying ", 6) ? -1 : atol(buf + 6);
}

/* Everything asi says about a cgroup. */
struct cg_info {
	const char *name;
	bool isolated;
	long enforce, fallback, tasks;
	char classes[512];
	struct keyed events, stat;
};

static void cg_info(const char *dir, const char *name, struct cg_info *ci)
{
	char *nl;

	memset(ci, 0, sizeof(*ci));
	ci->name = name;
	ci->isolated = is_isolated(dir);
	ci->enforce = read_bool(dir, "asi.enforce");
	ci->fallback = read_bool(dir, "asi.fallback");
	if (read_file(dir, "asi.private_objects", ci->classes,
		      sizeof(ci->classes)))
		ci->classes[0] = '\0';
	nl = strchr(ci->classes, '\n');
	if (nl)
		*nl = '\0';
	read_keyed(dir, "asi.events", &ci->events);
	read_keyed(dir, "asi.stat", &ci->stat);
	ci->tasks = domain_tasks(dir, true);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_classes(const char *classes)
{
	char copy[512], *save, *name;
	bool first = true;

	snprintf(copy, sizeof(copy), "%s", classes);
	putchar('[');
	for (name = strtok_r(copy, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		if (!first)
			putchar(',');
		json_string(name);
		first = false;
	}
	putchar(']');
}

static void json_keyed(const struct keyed *k)
{
	putchar('{');
	for (int i = 0; i < k->n; i++) {
		if (i)
			putchar(',');
		json_string(k->key[i]);
		printf(":%lld", k->val[i]);
	}
	putchar('}');
}

static void json_domain(const struct cg_info *ci)
{
	printf("{\"cgroup\":");
	json_string(ci->name);
	printf(",\"domain\":%lld,\"enforce\":%s,\"fallback\":%s,\"classes\":",
	       keyed_get(&ci->stat, "domain"),
	       ci->enforce == 1 ? "true" : "false",
	       ci->fallback == 1 ? "true" : "false");
	json_classes(ci->classes);
	printf(",\"tasks\":%ld,\"private_bytes\":%lld,\"pool_blocks\":%lld,"
	       "\"exits\":%lld,\"cross_domain\":%lld,\"violations\":%lld}",
	       ci->tasks, keyed_get(&ci->stat, "private_bytes"),
	       keyed_get(&ci->stat, "pool_blocks"),
	       keyed_get(&ci->events, "exits"),
	       keyed_get(&ci->events, "cross_domain"),
	       keyed_get(&ci->events, "violations"));
}

/* Call @fn for every isolated cgroup below @dir, in directory order. */
static void for_each_domain(const char *dir,
			    void (*fn)(const char *dir, void *arg), void *arg)
{
	char path[PATH_MAX];
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (names[i]->d_type == DT_DIR && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			if (is_isolated(path))
				fn(path, arg);
			for_each_domain(path, fn, arg);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

struct list_state {
	bool json;
	int count;
};

static void list_one(const char *dir, void *arg)
{
	struct list_state *ls = arg;
	struct cg_info ci;

	cg_info(dir, dir + strlen(cgroot) + 1, &ci);
	if (ls->json) {
		if (ls->count)
			putchar(',');
		json_domain(&ci);
	} else {
		printf("%-24s %6lld %7s %5ld %10lld %6lld %8lld %8lld %10lld  %s\n",
		       ci.name, keyed_get(&ci.stat, "domain"),
		       ci.enforce == 1 ? "yes" : "no", ci.tasks,
		       keyed_get(&ci.stat, "private_bytes"),
		       keyed_get(&ci.stat, "pool_blocks"),
		       keyed_get(&ci.events, "exits"),
		       keyed_get(&ci.events, "cross_domain"),
		       keyed_get(&ci.events, "violations"),
		       *ci.classes ? ci.classes : "-");
	}
	ls->count++;
}

static bool json_option(int argc, char **argv, int *optind_out)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		case 'h':
			usage();
			break;
		default:
			try_help();
		}
	}
	*optind_out = optind;
	return json;
}

static int cmd_list(int argc, char **argv)
{
	struct list_state ls = { };
	long dying;
	int idx;

	ls.json = json_option(argc, argv, &idx);
	if (idx != argc)
		usage_error("list: unexpected argument '%s'", argv[idx]);
	require_asi();
	dying = dying_domains();
	if (ls.json) {
		printf("{\"domains\":[");
		for_each_domain(cgroot, list_one, &ls);
		printf("],\"dying_domains\":");
		if (dying < 0)
			printf("null");
		else
			printf("%ld", dying);
		printf("}\n");
		return EXIT_SUCCESS;
	}
	printf("%-24s %6s %7s %5s %10s %6s %8s %8s %10s  %s\n", "CGROUP",
	       "DOMAIN", "ENFORCE", "TASKS", "PRIVATE", "BLOCKS", "EXITS",
	       "CROSS", "VIOLATIONS", "CLASSES");
	for_each_domain(cgroot, list_one, &ls);
	if (dying < 0)
		printf("dying domains: unknown (%s is not readable)\n",
		       DOMAINS_FILE);
	else
		printf("dying domains: %ld\n", dying);
	return EXIT_SUCCESS;
}

static int cmd_show(int argc, char **argv)
{
	struct cgroup cg;
	struct cg_info ci;
	bool json;
	int idx;

	json = json_option(argc, argv, &idx);
	if (argc - idx != 1)
		usage_error("show: expected one cgroup");
	require_asi();
	cg_resolve(argv[idx], &cg);
	cg_require(&cg);
	if (access(cg.path, F_OK) == 0 &&
	    read_bool(cg.path, "asi.isolate") < 0)
		errx(exit_failure,
		     "%s: no asi files: asi is not enabled in its parent's cgroup.subtree_control",
		     cg.name);
	cg_info(cg.path, cg.name, &ci);
	if (json) {
		printf("{\"cgroup\":");
		json_string(ci.name);
		printf(",\"isolated\":%s,\"domain\":%lld,\"enforce\":%s,"
		       "\"fallback\":%s,\"classes\":",
		       ci.isolated ? "true" : "false",
		       keyed_get(&ci.stat, "domain"),
		       ci.enforce == 1 ? "true" : "false",
		       ci.fallback == 1 ? "true" : "false");
		json_classes(ci.classes);
		printf(",\"tasks\":%ld,\"events\":", ci.tasks);
		json_keyed(&ci.events);
		printf(",\"stat\":");
		json_keyed(&ci.stat);
		printf("}\n");
		return EXIT_SUCCESS;
	}
	printf("cgroup:          %s\n", ci.name);
	if (ci.isolated)
		printf("isolated:        yes (domain %lld)\n",
		       keyed_get(&ci.stat, "domain"));
	else if (keyed_get(&ci.stat, "domain") > 0)
		printf("isolated:        no (part of domain %lld)\n",
		       keyed_get(&ci.stat, "domain"));
	else
		printf("isolated:        no (host)\n");
	printf("enforce:         %ld\n", ci.enforce);
	printf("fallback:        %ld\n", ci.fallback);
	printf("private_objects: %s\n", *ci.classes ? ci.classes : "-");
	printf("tasks:           %ld\n", ci.tasks);
	printf("events:\n");
	for (int i = 0; i < ci.events.n; i++)
		printf("  %-22s %lld\n", ci.events.key[i], ci.events.val[i]);
	printf("stat:\n");
	for (int i = 0; i < ci.stat.n; i++)
		printf("  %-22s %lld\n", ci.stat.key[i], ci.stat.val[i]);
	return EXIT_SUCCESS;
}

/* What isolate and run set. */
struct isolate_opts {
	bool enforce, fail_closed, create;
	const char *objects;
};

/* mkdir -p below the root. */
static void create_cgroup(const struct cgroup *cg)
{
	char path[PATH_MAX];
	size_t rootlen = strlen(cgroot);

	snprintf(path, sizeof(path), "%s", cg->path);
	for (char *p = path + rootlen + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			err(exit_failure, "cannot create %s", path + rootlen + 1);
		*p = c;
		if (!c)
			break;
	}
}

/* "+asi" in every ancestor's cgroup.subtree_control that lacks it. */
static void enable_in_ancestors(const struct cgroup *cg)
{
	char path[PATH_MAX], buf[4096];
	size_t rootlen = strlen(cgroot);
	char *slash;

	snprintf(path, sizeof(path), "%s", cg->path);
	for (slash = path + rootlen; slash; slash = strchr(slash + 1, '/')) {
		const char *name;
		char c = *slash;
		int ret;

		if (!c)
			break;
		*slash = '\0';
		name = slash == path + rootlen ? "the root cgroup" :
		       path + rootlen + 1;
		ret = read_file(path, "cgroup.subtree_control", buf,
				sizeof(buf));
		if (!ret && !has_word(buf, "asi"))
			ret = write_file(path, "cgroup.subtree_control", "+asi");
		*slash = c;
		if (ret == -EBUSY)
			errx(exit_failure,
			     "%s: cannot enable asi for its children: it has processes of its own (cgroup v2 allows controllers only for cgroups without them)",
			     name);
		if (ret)
			errx(exit_failure, "%s/cgroup.subtree_control: %s",
			     name, strerror(-ret));
	}
}

static void write_or_die(const struct cgroup *cg, const char *file,
			 const char *val)
{
	int ret = write_file(cg->path, file, val);

	if (ret)
		errx(exit_failure, "%s/%s: cannot write '%s': %s", cg->name,
		     file, val, strerror(-ret));
}

/*
 * Isolate @cg as @o says: classes, enforce and fallback first, isolate
 * last (the kernel's order); if isolating fails, the other files get
 * their old values back, so a refusal changes nothing.
 */
static void isolate(const struct cgroup *cg, const struct isolate_opts *o)
{
	char classes[512] = "", old_classes[512] = "", *nl;
	long old_enforce, old_fallback;
	int ret;

	if (o->create)
		create_cgroup(cg);
	cg_require(cg);
	enable_in_ancestors(cg);
	if (o->objects)
		classes_arg(cg->path, o->objects, classes, sizeof(classes));
	old_enforce = read_bool(cg->path, "asi.enforce");
	old_fallback = read_bool(cg->path, "asi.fallback");
	read_file(cg->path, "asi.private_objects", old_classes,
		  sizeof(old_classes));
	nl = strchr(old_classes, '\n');
	if (nl)
		*nl = '\0';

	if (o->objects)
		write_or_die(cg, "asi.private_objects", *classes ? classes : "\n");
	write_or_die(cg, "asi.enforce", o->enforce ? "1" : "0");
	write_or_die(cg, "asi.fallback", o->fail_closed ? "0" : "1");
	ret = write_file(cg->path, "asi.isolate", "1");
	if (!ret)
		return;

	write_file(cg->path, "asi.private_objects",
		   *old_classes ? old_classes : "\n");
	write_file(cg->path, "asi.enforce", old_enforce == 1 ? "1" : "0");
	write_file(cg->path, "asi.fallback", old_fallback == 0 ? "0" : "1");
	if (ret == -EBUSY)
		errx(exit_failure,
		     "cannot isolate %s: it has %ld tasks; isolation changes only while it is empty",
		     cg->name, domain_tasks(cg->path, true));
	if (ret == -EOPNOTSUPP)
		errx(exit_failure, "cannot isolate %s: asi is not available on this kernel",
		     cg->name);
	errx(exit_failure, "cannot isolate %s: %s", cg->name, strerror(-ret));
}

static const struct option isolate_options[] = {
	{ "enforce", no_argument, NULL, 'e' },
	{ "objects", required_argument, NULL, 'o' },
	{ "fail-closed", no_argument, NULL, 'F' },
	{ "create", no_argument, NULL, 'c' },
	{ "name", required_argument, NULL, 'n' },
	{ "parent", required_argument, NULL, 'p' },
	{ "keep", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options isolate and run share; false for any other. */
static bool isolate_option(int c, struct isolate_opts *o)
{
	switch (c) {
	case 'e':
		o->enforce = true;
		return true;
	case 'o':
		o->objects = optarg;
		return true;
	case 'F':
		o->fail_closed = true;
		return true;
	}
	return false;
}

static int cmd_isolate(int argc, char **argv)
{
	struct isolate_opts o = { };
	struct cgroup cg;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "eo:Fch", isolate_options,
				NULL)) != -1) {
		if (isolate_option(c, &o))
			continue;
		switch (c) {
		case 'c':
			o.create = true;
			break;
		case 'h':
			usage();
			break;
		default:
			try_help();
		}
	}
	if (argc - optind != 1)
		usage_error("isolate: expected one cgroup");
	require_asi();
	cg_resolve(argv[optind], &cg);
	isolate(&cg, &o);
	return EXIT_SUCCESS;
}

static int cmd_release(int argc, char **argv)
{
	struct cgroup cg;
	int ret;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage();
	if (argc != 2)
		usage_error("release: expected one cgroup");
	if (argv[1][0] == '-' && argv[1][1])
		usage_error("release: unknown option '%s'", argv[1]);
	require_asi();
	cg_resolve(argv[1], &cg);
	cg_require(&cg);
	ret = write_file(cg.path, "asi.isolate", "0");
	if (ret == -EBUSY)
		errx(exit_failure,
		     "cannot release %s: it has %ld tasks; isolation changes only while it is empty",
		     cg.name, domain_tasks(cg.path, true));
	if (ret)
		errx(exit_failure, "%s/asi.isolate: %s", cg.name,
		     strerror(-ret));
	return EXIT_SUCCESS;
}

static volatile pid_t run_child;

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* Kill what is left in @cg, wait for it to empty, remove it. */
static void remove_cgroup(const struct cgroup *cg)
{
	char buf[256];

	for (int i = 0; i < 200; i++) {
		if (!rmdir(cg->path) || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		if (!read_file(cg->path, "cgroup.events", buf, sizeof(buf)) &&
		    strstr(buf, "populated 1"))
			write_file(cg->path, "cgroup.kill", "1");
		usleep(20000);
	}
	warn("cannot remove %s", cg->name);
}

static int cmd_run(int argc, char **argv)
{
	static const int forwarded[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
	};
	const char *name = NULL, *parent = "";
	struct isolate_opts o = { .create = false };
	struct sigaction sa = { .sa_handler = forward_signal };
	struct clone_args args = { .exit_signal = SIGCHLD };
	char rel[PATH_MAX], defname[64];
	struct cgroup cg, pcg;
	bool keep = false;
	int c, fd, status, ret;
	long long violations;
	pid_t pid;

	exit_failure = EXIT_RUN_FAIL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+eo:Fn:p:kh", isolate_options,
				NULL)) != -1) {
		if (isolate_option(c, &o))
			continue;
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'p':
			parent = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'h':
			usage();
			break;
		default:
			try_help();
		}
	}
	if (optind >= argc)
		usage_error("run: no command given");
	if (name && (!*name || strchr(name, '/') || !strcmp(name, ".") ||
		     !strcmp(name, "..")))
		usage_error("run: '%s' is not a cgroup name", name);
	if (!name) {
		snprintf(defname, sizeof(defname), "asictl-run.%d", getpid());
		name = defname;
	}
	require_asi();
	if (*parent) {
		cg_resolve(parent, &pcg);
	} else {
		snprintf(pcg.path, sizeof(pcg.path), "%s", cgroot);
		pcg.name = "";
	}
	snprintf(rel, sizeof(rel), "%s%s%s", pcg.name, *pcg.name ? "/" : "",
		 name);
	cg_resolve(rel, &cg);
	if (*pcg.name)
		cg_require(&pcg);
	if (mkdir(cg.path, 0755))
		err(EXIT_RUN_FAIL, "cannot create %s", cg.name);
	/* isolate() exits on failure: do not leave the new cgroup behind. */
	pid = fork();
	if (pid < 0)
		err(EXIT_RUN_FAIL, "fork");
	if (!pid) {
		isolate(&cg, &o);
		_exit(EXIT_SUCCESS);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		rmdir(cg.path);
		/* A bad class name stays a usage error. */
		return WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE ?
		       EXIT_USAGE : EXIT_RUN_FAIL;
	}

	fd = open(cg.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		warn("%s", cg.name);
		rmdir(cg.path);
		return EXIT_RUN_FAIL;
	}
	/* Straight into the cgroup: the command never runs outside it. */
	args.flags = CLONE_INTO_CGROUP;
	args.cgroup = fd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		warn("cannot start a process in %s", cg.name);
		close(fd);
		rmdir(cg.path);
		return EXIT_RUN_FAIL;
	}
	if (!pid) {
		execvp(argv[optind], argv + optind);
		warn("%s", argv[optind]);
		_exit(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}
	close(fd);
	run_child = pid;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	run_child = 0;

	ret = WIFEXITED(status) ? WEXITSTATUS(status) :
	      128 + WTERMSIG(status);
	violations = -1;
	{
		struct keyed ev;

		if (!read_keyed(cg.path, "asi.events", &ev))
			violations = keyed_get(&ev, "violations");
	}
	if (violations > 0)
		warnx("%s: killed by asi: %lld cross-domain access%s refused (asi.enforce=1)",
		      cg.name, violations, violations == 1 ? "" : "es");
	if (!keep)
		remove_cgroup(&cg);
	return ret;
}

struct watched {
	struct cgroup cg;
	int fd;
	struct keyed last;
};

static void print_time(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%03ld", buf, ts.tv_nsec / 1000000);
}

/* Re-read one asi.events; print what changed.  False once it is gone. */
static bool watch_update(struct watched *w)
{
	char buf[4096];
	struct keyed now;
	ssize_t n;

	if (lseek(w->fd, 0, SEEK_SET) < 0 ||
	    (n = read(w->fd, buf, sizeof(buf) - 1)) < 0) {
		print_time();
		printf(" %s removed\n", w->cg.name);
		return false;
	}
	buf[n] = '\0';
	parse_keyed(buf, &now);
	for (int i = 0; i < now.n; i++) {
		long long old = keyed_get(&w->last, now.key[i]);

		if (old != now.val[i]) {
			print_time();
			printf(" %s %s %lld -> %lld\n", w->cg.name, now.key[i],
			       old, now.val[i]);
		}
	}
	w->last = now;
	return true;
}

struct watch_list {
	struct watched *w;
	int n, max;
};

static void watch_add(struct watch_list *wl, const char *path)
{
	struct watched *w;
	char file[PATH_MAX];

	if (wl->n == wl->max) {
		wl->max = wl->max ? 2 * wl->max : 8;
		wl->w = realloc(wl->w, wl->max * sizeof(*wl->w));
		if (!wl->w)
			err(exit_failure, "realloc");
	}
	w = &wl->w[wl->n];
	memset(w, 0, sizeof(*w));
	snprintf(w->cg.path, sizeof(w->cg.path), "%s", path);
	w->cg.name = w->cg.path + strlen(cgroot) + 1;
	snprintf(file, sizeof(file), "%s/asi.events", path);
	w->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0)
		err(exit_failure, "%s", file);
	read_keyed(path, "asi.events", &w->last);
	wl->n++;
}

static void watch_add_domain(const char *dir, void *arg)
{
	watch_add(arg, dir);
}

static int cmd_watch(int argc, char **argv)
{
	struct watch_list wl = { };
	struct pollfd *pfd;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage();
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			usage_error("watch: unknown option '%s'", argv[i]);
	require_asi();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		struct cgroup cg;

		cg_resolve(argv[i], &cg);
		cg_require(&cg);
		if (read_bool(cg.path, "asi.isolate") < 0)
			errx(exit_failure, "%s: no asi files", cg.name);
		watch_add(&wl, cg.path);
	}
	if (argc == 1)
		for_each_domain(cgroot, watch_add_domain, &wl);
	if (!wl.n)
		errx(exit_failure, "no isolated cgroup to watch");
	pfd = calloc(wl.n, sizeof(*pfd));
	if (!pfd)
		err(exit_failure, "calloc");
	while (wl.n) {
		int ready;

		for (int i = 0; i < wl.n; i++) {
			pfd[i].fd = wl.w[i].fd;
			pfd[i].events = POLLPRI;
		}
		/*
		 * A change of violations wakes the poll at once; the other
		 * counters are looked at every second as well.
		 */
		ready = poll(pfd, wl.n, 1000);
		if (ready < 0 && errno != EINTR)
			err(exit_failure, "poll");
		for (int i = 0; i < wl.n; i++) {
			struct stat st;

			if (stat(wl.w[i].cg.path, &st) == 0 &&
			    watch_update(&wl.w[i]))
				continue;
			if (errno == ENOENT) {
				print_time();
				printf(" %s removed\n", wl.w[i].cg.name);
			}
			close(wl.w[i].fd);
			wl.w[i] = wl.w[--wl.n];
			i--;
		}
	}
	free(pfd);
	free(wl.w);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "list", cmd_list }, { "show", cmd_show },
		{ "isolate", cmd_isolate }, { "release", cmd_release },
		{ "run", cmd_run }, { "watch", cmd_watch },
	};
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			break;
		case 'V':
			printf("asictl %s\n", ASICTL_VERSION);
			return EXIT_SUCCESS;
		default:
			try_help();
		}
	}
	if (optind >= argc)
		usage_error("no command given");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[optind], cmds[i].name))
			return cmds[i].fn(argc - optind, argv + optind);
	usage_error("unknown command '%s'", argv[optind]);
}
