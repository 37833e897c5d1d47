// SPDX-License-Identifier: GPL-2.0
/*
 * asi domains: creation, reference counting and the dying state.
 *
 * A domain is created when a cgroup becomes isolated and is referenced by
 * that cgroup, by every mm that sees its tree and by every block of its
 * private pool.  When the cgroup lets go (asi.isolate=0 or rmdir) while
 * mms or blocks remain, the domain is dying: it keeps its tree and its
 * pool, so objects that outlive their cgroup stay private, and it is
 * destroyed from a work item when the last reference goes.
 *
 * This file also owns the static key that keeps every hook free until the
 * first cgroup is isolated, and the asi=off boot parameter.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/cgroup.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/tlbflush.h>

#include "internal.h"

DEFINE_STATIC_KEY_FALSE(asi_active);
bool asi_disabled;
LIST_HEAD(asi_domains);
DEFINE_SPINLOCK(asi_domains_lock);
atomic_long_t asi_dying_domains;
static DEFINE_IDA(asi_domain_ida);
static DEFINE_MUTEX(asi_activate_mutex);

static int __init asi_setup(char *str)
{
	if (!strcmp(str, "off")) {
		asi_disabled = true;
		/* Exactly what cgroup_disable=asi does. */
		static_branch_disable(&asi_cgrp_subsys_enabled_key);
		pr_info("disabled on the command line\n");
	} else if (strcmp(str, "on")) {
		pr_warn("unknown asi= value '%s', ignored\n", str);
	}
	return 1;
}
__setup("asi=", asi_setup);

/*
 * Turn the hooks on.  Called when the first cgroup is isolated; the key is
 * never turned off again, because mms and blocks of dying domains may
 * outlive every isolated cgroup.
 */
int asi_activate(void)
{
	if (asi_disabled)
		return -EOPNOTSUPP;
	asi_domain_refill_spares();
	if (static_branch_unlikely(&asi_active))
		return 0;
	mutex_lock(&asi_activate_mutex);
	if (!static_branch_unlikely(&asi_active))
		static_branch_enable(&asi_active);
	mutex_unlock(&asi_activate_mutex);
	return 0;
}

struct asi_domain_work {
	struct irq_work iw;
	struct work_struct work;
	struct asi_domain *d;
};

struct asi_domain *asi_domain_create(struct cgroup_subsys_state *css)
{
	struct asi_domain *d;
	int id;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	id = ida_alloc_min(&asi_domain_ida, 1, GFP_KERNEL);
	if (id < 0)
		goto free;
	d->pud = asi_tree_alloc(d);
	if (!d->pud)
		goto free_id;

	d->id = id;
	refcount_set(&d->ref, 1);
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->blocks);
	d->nr_pt_pages = 1;
	css_get(css);
	d->css = css;

	spin_lock(&asi_domains_lock);
	list_add_tail(&d->node, &asi_domains);
	spin_unlock(&asi_domains_lock);
	return d;

free_id:
	ida_free(&asi_domain_ida, id);
free:
	kfree(d);
	return NULL;
}

/* The owning cgroup lets go of its domain. */
void asi_domain_orphan(struct asi_domain *d)
{
	WRITE_ONCE(d->dying, true);
	atomic_long_inc(&asi_dying_domains);
	asi_domain_put(d);
}

static void asi_domain_destroy(struct work_struct *work)
{
	struct asi_domain *d = container_of(work, struct asi_domain,
					    destroy_work);

	spin_lock(&asi_domains_lock);
	list_del(&d->node);
	spin_unlock(&asi_domains_lock);

	WARN_ON_ONCE(!list_empty(&d->blocks));
	/*
	 * No mm points at the tree any more, but a CPU may still hold
	 * paging-structure cache entries for it: flush before the pages
	 * can be reused.
	 */
	flush_tlb_all();
	asi_tree_free(d);
	if (d->dying)
		atomic_long_dec(&asi_dying_domains);
	css_put(d->css);
	ida_free(&asi_domain_ida, d->id);
	/* Figures are read under RCU from the cgroup files. */
	kfree_rcu(d, rcu);
}

/* May be called from any context, including under pgd_lock. */
void asi_domain_put(struct asi_domain *d)
{
	if (refcount_dec_and_test(&d->ref)) {
		INIT_WORK(&d->destroy_work, asi_domain_destroy);
		queue_work(system_unbound_wq, &d->destroy_work);
	}
}

static void asi_violation_work(struct work_struct *work)
{
	struct asi_domain_work *w = container_of(work, struct asi_domain_work,
						 work);

	asi_cgroup_notify_events(w->d->css);
	asi_cgroup_kill(w->d->css);
	asi_domain_put(w->d);
	kfree(w);
	asi_domain_refill_spares();
}

static void asi_violation_irq_work(struct irq_work *iw)
{
	struct asi_domain_work *w = container_of(iw, struct asi_domain_work,
						 iw);

	queue_work(system_wq, &w->work);
}

/*
 * Called from the fault handler, with interrupts off and any lock possibly
 * held: everything that sleeps or takes cgroup locks is deferred, first to
 * an irq_work, then to a work item.
 */
static DEFINE_PER_CPU(struct asi_domain_work *, asi_spare_work);

void asi_domain_violation(struct asi_domain *d)
{
	struct asi_domain_work *w = this_cpu_xchg(asi_spare_work, NULL);

	if (!w)
		return;	/* the kill already queued on this CPU will do */
	asi_domain_get(d);
	w->d = d;
	init_irq_work(&w->iw, asi_violation_irq_work);
	INIT_WORK(&w->work, asi_violation_work);
	irq_work_queue(&w->iw);
}

/* Refill the per-CPU spare work items; called from sleepable context. */
void asi_domain_refill_spares(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct asi_domain_work *w;

		if (per_cpu(asi_spare_work, cpu))
			continue;
		w = kzalloc(sizeof(*w), GFP_KERNEL);
		if (w && cmpxchg(per_cpu_ptr(&asi_spare_work, cpu), NULL, w))
			kfree(w);
	}
}

static int __init asi_init(void)
{
	int err;

	if (asi_disabled)
		return 0;
	err = asi_view_init();
	if (!err)
		err = asi_fault_init();
	if (err) {
		asi_disabled = true;
		pr_err("not available: initialisation failed (%d)\n", err);
	}
	return 0;
}
core_initcall(asi_init);
