// SPDX-License-Identifier: GPL-2.0
/*
 * Address space isolation controller.
 *
 * An isolated cgroup (asi.isolate=1) owns a domain: its tasks, and those
 * of its non-isolated descendants, see the domain's view of the ASI slot
 * and nobody else's private memory.  A nested isolated cgroup starts a
 * domain of its own.  Non-isolated cgroups outside any domain are host.
 *
 * Rules, all enforced here:
 *  - asi.isolate changes only while the cgroup's subtree has no tasks
 *    (EBUSY), so a task's view never changes under it except through
 *    migration;
 *  - a task may move into a domain or out to the host, but not directly
 *    from one domain to another (EXDEV): that would hand one tenant's
 *    live kernel context to another; clone3(CLONE_INTO_CGROUP) obeys the
 *    same rule;
 *  - a process that shares its mm with another process (CLONE_VM, or a
 *    vfork child before exec) cannot change view by migration (EBUSY):
 *    the view belongs to the mm;
 *  - a migrated task's mm is switched to its new view and flushed.
 *
 * The mechanism itself lives in mm/asi/; include/linux/asi_cgroup.h is
 * all the two know of each other.
 */
#include <linux/asi.h>
#include <linux/asi_cgroup.h>
#include <linux/cgroup.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cgroup-internal.h"

/* Longest write any asi file accepts; longer ones are EINVAL. */
#define ASI_MAX_WRITE	16

/* Written under cgroup_mutex (asi_write_lock()), read locklessly. */
struct asi_cgroup {
	struct cgroup_subsys_state css;
	bool enforce;
	bool fail_closed;		/* asi.fallback=0 */
	unsigned long classes;		/* asi.private_objects */
	struct asi_domain *domain;	/* set while asi.isolate=1 */
	struct cgroup_file events_file;
};

static struct asi_cgroup *css_asi(struct cgroup_subsys_state *css)
{
	return css ? container_of(css, struct asi_cgroup, css) : NULL;
}

/* The domain @css belongs to: its own, or its nearest isolated ancestor's. */
static struct asi_domain *asi_css_domain(struct cgroup_subsys_state *css)
{
	for (; css; css = css->parent) {
		struct asi_domain *d = READ_ONCE(css_asi(css)->domain);

		if (d)
			return d;
	}
	return NULL;
}

/* Caller holds rcu_read_lock() or otherwise pins @tsk's cgroup. */
struct asi_domain *asi_task_domain(struct task_struct *tsk)
{
	return asi_css_domain(task_css_check(tsk, asi_cgrp_id, true));
}

const char *asi_cgroup_name(struct cgroup_subsys_state *css, char *buf,
			    size_t len)
{
	cgroup_name(css->cgroup, buf, len);
	return buf;
}

void asi_cgroup_notify_events(struct cgroup_subsys_state *css)
{
	cgroup_file_notify(&css_asi(css)->events_file);
}

void asi_cgroup_kill(struct cgroup_subsys_state *css)
{
	cgroup_lock();
	if (!cgroup_is_dead(css->cgroup))
		cgroup_kill(css->cgroup);
	cgroup_unlock();
}

static struct cgroup_subsys_state *
asi_css_alloc(struct cgroup_subsys_state *parent)
{
	struct asi_cgroup *acg = kzalloc(sizeof(*acg), GFP_KERNEL);

	return acg ? &acg->css : ERR_PTR(-ENOMEM);
}

static void asi_css_offline(struct cgroup_subsys_state *css)
{
	struct asi_cgroup *acg = css_asi(css);
	struct asi_domain *d = acg->domain;

	if (d) {
		WRITE_ONCE(acg->domain, NULL);
		asi_domain_release(d);
	}
}

static void asi_css_free(struct cgroup_subsys_state *css)
{
	kfree(css_asi(css));
}

/*
 * Does @task's process share its mm with another process?  MMF_MULTIPROCESS
 * says it once did (CLONE_VM without CLONE_THREAD) and is never cleared,
 * so look for a sharer that is still there, as the OOM killer does.
 */
static bool asi_mm_shared(struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct task_struct *p;
	bool shared = false;

	if (!test_bit(MMF_MULTIPROCESS, &mm->flags))
		return false;
	rcu_read_lock();
	for_each_process(p) {
		if (!same_thread_group(p, task) && process_shares_mm(p, mm)) {
			shared = true;
			break;
		}
	}
	rcu_read_unlock();
	return shared;
}

/* Moving between two different domains is refused. */
static int asi_check_move(struct task_struct *task,
			  struct cgroup_subsys_state *src_css,
			  struct cgroup_subsys_state *dst_css)
{
	struct asi_domain *src = asi_css_domain(src_css);
	struct asi_domain *dst = asi_css_domain(dst_css);

	if (src && dst && src != dst)
		return -EXDEV;
	/*
	 * The view belongs to the mm: a process sharing its mm with another
	 * process (CLONE_VM without CLONE_THREAD) cannot take the shared view
	 * into or out of a domain without changing the other's view too.
	 */
	if (src != dst && task->mm &&
	    (task->vfork_done || asi_mm_shared(task)))
		return -EBUSY;
	return 0;
}

static int asi_can_attach(struct cgroup_taskset *tset)
{
	struct cgroup_subsys_state *dst_css;
	struct task_struct *task;
	int ret;

	cgroup_taskset_for_each(task, dst_css, tset) {
		task_lock(task);
		ret = asi_check_move(task, task_css(task, asi_cgrp_id),
				     dst_css);
		task_unlock(task);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * clone3(CLONE_INTO_CGROUP) obeys the migration rule: a child cannot
 * start in another domain than its parent's.  The child's mm is set up
 * already (copy_mm() precedes this callback).
 */
static int asi_can_fork(struct task_struct *child, struct css_set *cset)
{
	struct asi_domain *src, *dst;
	int ret = 0;

	rcu_read_lock();
	src = asi_css_domain(task_css(current, asi_cgrp_id));
	dst = asi_css_domain(cset->subsys[asi_cgrp_id]);
	if (src && dst && src != dst)
		ret = -EXDEV;
	/* A CLONE_VM child shares its parent's view: it must stay with it. */
	else if (src && src != dst && child->mm == current->mm)
		ret = -EXDEV;
	rcu_read_unlock();
	return ret;
}

static void asi_attach(struct cgroup_taskset *tset)
{
	struct cgroup_subsys_state *dst_css;
	struct task_struct *task;

	cgroup_taskset_for_each(task, dst_css, tset)
		asi_task_update_view(task);
}

/*
 * CLONE_INTO_CGROUP can place a child from the host into a domain or from
 * a domain out to the host: its own new mm takes the child's view.  A
 * CLONE_VM child from the host keeps sharing the parent's mm, and view,
 * until it execs.
 */
static void asi_fork(struct task_struct *child)
{
	if (asi_enabled() && child->mm && child->mm != current->mm)
		asi_task_update_view(child);
}

/* Accept exactly "0" or "1", optionally followed by a newline. */
static int asi_parse_bool(char *buf, size_t nbytes, bool *val)
{
	if (nbytes > ASI_MAX_WRITE)
		return -EINVAL;
	buf = strim(buf);
	if (!strcmp(buf, "0"))
		*val = false;
	else if (!strcmp(buf, "1"))
		*val = true;
	else
		return -EINVAL;
	return 0;
}

static int asi_isolate_show(struct seq_file *sf, void *v)
{
	seq_printf(sf, "%d\n", !!css_asi(seq_css(sf))->domain);
	return 0;
}

/*
 * Take the cgroup lock for a write to @of, or fail if the css went offline
 * meanwhile (e.g. "-asi" in the parent's subtree_control): kernfs active
 * protection is broken while waiting, so of_css() alone does not pin it.
 */
static struct asi_cgroup *asi_write_lock(struct kernfs_open_file *of)
{
	struct cgroup_subsys_state *css = of_css(of);

	if (!css_tryget_online(css))
		return NULL;
	if (!cgroup_kn_lock_live(of->kn, false)) {
		css_put(css);
		return NULL;
	}
	if (!(css->flags & CSS_ONLINE)) {
		cgroup_kn_unlock(of->kn);
		css_put(css);
		return NULL;
	}
	/* The fields of struct asi_cgroup are written under it. */
	lockdep_assert_held(&cgroup_mutex);
	return css_asi(css);
}

static void asi_write_unlock(struct kernfs_open_file *of,
			     struct asi_cgroup *acg)
{
	cgroup_kn_unlock(of->kn);
	css_put(&acg->css);
}

static ssize_t asi_isolate_write(struct kernfs_open_file *of, char *buf,
				 size_t nbytes, loff_t off)
{
	struct asi_domain *d, *new = NULL;
	struct asi_cgroup *acg;
	bool isolate;
	int ret;

	ret = asi_parse_bool(buf, nbytes, &isolate);
	if (ret)
		return ret;

	acg = asi_write_lock(of);
	if (!acg)
		return -ENODEV;
	if (isolate == !!acg->domain)
		goto unlock;
	/*
	 * Build the domain and its clones (tens of caches) before taking the
	 * threadgroup lock, which holds up every fork and migration.
	 */
	if (isolate) {
		new = asi_domain_create(&acg->css);
		if (IS_ERR(new)) {
			ret = PTR_ERR(new);
			new = NULL;
			goto unlock;
		}
		asi_domain_set_enforce(new, acg->enforce);
		asi_domain_set_fail_closed(new, acg->fail_closed);
		ret = asi_domain_set_classes(new, acg->classes);
		if (ret)
			goto unlock;
	}
	/* Keep forks and migrations out while the view changes. */
	cgroup_attach_lock(true);
	if (cgroup_is_populated(acg->css.cgroup)) {
		ret = -EBUSY;
	} else if (isolate) {
		WRITE_ONCE(acg->domain, new);
		new = NULL;
	} else {
		d = acg->domain;
		WRITE_ONCE(acg->domain, NULL);
		asi_domain_release(d);
	}
	cgroup_attach_unlock(true);
unlock:
	/* A domain built for nothing (EBUSY, ENOMEM) goes again. */
	if (new)
		asi_domain_release(new);
	asi_write_unlock(of, acg);
	return ret ?: nbytes;
}

static int asi_enforce_show(struct seq_file *sf, void *v)
{
	seq_printf(sf, "%d\n", css_asi(seq_css(sf))->enforce);
	return 0;
}

static int asi_fallback_show(struct seq_file *sf, void *v)
{
	seq_printf(sf, "%d\n", !css_asi(seq_css(sf))->fail_closed);
	return 0;
}

/*
 * asi.enforce and asi.fallback: a 0/1 of the cgroup, applied at once to
 * the domain it owns (and to the domain it gets when isolated).
 */
static ssize_t asi_flag_write(struct kernfs_open_file *of, char *buf,
			      size_t nbytes, bool fallback)
{
	struct asi_cgroup *acg;
	bool val;
	int ret;

	ret = asi_parse_bool(buf, nbytes, &val);
	if (ret)
		return ret;
	acg = asi_write_lock(of);
	if (!acg)
		return -ENODEV;
	if (fallback) {
		acg->fail_closed = !val;
		if (acg->domain)
			asi_domain_set_fail_closed(acg->domain, !val);
	} else {
		acg->enforce = val;
		if (acg->domain)
			asi_domain_set_enforce(acg->domain, val);
	}
	asi_write_unlock(of, acg);
	return nbytes;
}

static ssize_t asi_enforce_write(struct kernfs_open_file *of, char *buf,
				 size_t nbytes, loff_t off)
{
	return asi_flag_write(of, buf, nbytes, false);
}

static ssize_t asi_fallback_write(struct kernfs_open_file *of, char *buf,
				  size_t nbytes, loff_t off)
{
	return asi_flag_write(of, buf, nbytes, true);
}

static int asi_private_objects_show(struct seq_file *sf, void *v)
{
	asi_classes_show(sf, READ_ONCE(css_asi(seq_css(sf))->classes));
	return 0;
}

/* Longest class list accepted: every name, with room to spare. */
#define ASI_MAX_CLASSES_WRITE	128

static ssize_t asi_private_objects_write(struct kernfs_open_file *of,
					 char *buf, size_t nbytes, loff_t off)
{
	struct asi_cgroup *acg;
	unsigned long classes;
	int ret;

	if (nbytes > ASI_MAX_CLASSES_WRITE)
		return -EINVAL;
	ret = asi_classes_parse(buf, &classes);
	if (ret)
		return ret;
	acg = asi_write_lock(of);
	if (!acg)
		return -ENODEV;
	/* Applied now if the cgroup owns a domain, else when it gets one. */
	if (acg->domain)
		ret = asi_domain_set_classes(acg->domain, classes);
	if (!ret)
		WRITE_ONCE(acg->classes, classes);
	asi_write_unlock(of, acg);
	return ret ?: nbytes;
}

/*
 * A snapshot of the figures of @css's domain (its own for asi.events, the
 * one it belongs to for asi.stat); zeros outside any domain.  Domains are
 * freed after an RCU grace period.
 */
static void asi_css_stat(struct cgroup_subsys_state *css, bool own,
			 struct asi_domain_stat *st)
{
	struct asi_domain *d;

	memset(st, 0, sizeof(*st));
	rcu_read_lock();
	d = own ? READ_ONCE(css_asi(css)->domain) : asi_css_domain(css);
	if (d)
		asi_domain_stat(d, st);
	rcu_read_unlock();
}

static int asi_events_show(struct seq_file *sf, void *v)
{
	struct asi_domain_stat st;

	asi_css_stat(seq_css(sf), true, &st);
	seq_printf(sf, "exits %lu\ncross_domain %lu\nviolations %lu\n",
		   st.exits, st.cross_domain, st.violations);
	return 0;
}

static int asi_stat_show(struct seq_file *sf, void *v)
{
	struct asi_domain_stat st;
	int i;

	asi_css_stat(seq_css(sf), false, &st);
	seq_printf(sf, "domain %u\n", st.id);
	seq_printf(sf, "private_bytes %lu\n", st.private_bytes);
	seq_printf(sf, "pool_blocks %lu\n", st.pool_blocks);
	seq_printf(sf, "pool_blocks_free %lu\n", st.pool_blocks_free);
	seq_printf(sf, "pool_free_bytes %lu\n",
		   st.pool_bytes - st.private_bytes);
	seq_printf(sf, "pagetable_bytes %lu\n", st.pagetable_bytes);
	seq_printf(sf, "fallbacks %lu\n", st.fallbacks);
	for (i = 0; i < ASI_NR_CLASSES; i++) {
		seq_printf(sf, "%s_objects %lu\n", asi_class_name(i),
			   st.objects[i]);
		seq_printf(sf, "%s_bytes %lu\n", asi_class_name(i),
			   st.object_bytes[i]);
	}
	return 0;
}

static struct cftype asi_files[] = {
	{
		.name = "isolate",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = asi_isolate_show,
		.write = asi_isolate_write,
	},
	{
		.name = "enforce",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = asi_enforce_show,
		.write = asi_enforce_write,
	},
	{
		.name = "fallback",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = asi_fallback_show,
		.write = asi_fallback_write,
	},
	{
		.name = "private_objects",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = asi_private_objects_show,
		.write = asi_private_objects_write,
	},
	{
		.name = "events",
		.flags = CFTYPE_NOT_ON_ROOT,
		.file_offset = offsetof(struct asi_cgroup, events_file),
		.seq_show = asi_events_show,
	},
	{
		.name = "stat",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = asi_stat_show,
	},
	{ }	/* terminate */
};

struct cgroup_subsys asi_cgrp_subsys = {
	.css_alloc	= asi_css_alloc,
	.css_offline	= asi_css_offline,
	.css_free	= asi_css_free,
	.can_attach	= asi_can_attach,
	.can_fork	= asi_can_fork,
	.attach		= asi_attach,
	.fork		= asi_fork,
	/*
	 * No legacy files: cgroup v2 only.  On v1 the tasks file moves single
	 * threads, and threads share one mm, so one view.
	 */
	.dfl_cftypes	= asi_files,
};
