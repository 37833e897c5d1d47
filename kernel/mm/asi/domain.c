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
 * This file also owns the static key that keeps every hook free while no
 * domain exists, and the asi=off boot parameter.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/cgroup.h>
#include <linux/cpu.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <asm/tlbflush.h>

#include "internal.h"

/*
 * Counts the domains, live and dying.  The last one going turns the hooks
 * off a second later, so that a cgroup isolated again and again (a
 * container restarting) does not patch the kernel text each time.
 */
DEFINE_STATIC_KEY_DEFERRED_FALSE(asi_active, HZ);
bool asi_disabled;
LIST_HEAD(asi_domains);
DEFINE_SPINLOCK(asi_domains_lock);
atomic_long_t asi_dying_domains;
static DEFINE_IDA(asi_domain_ida);

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

static void asi_violation_work(struct work_struct *work)
{
	struct asi_domain *d = container_of(work, struct asi_domain,
					    violation_work);
	struct asi_violation v = d->last_violation;
	char name[64];

	/* Accept the next violation; this one is reported and acted on. */
	atomic_set(&d->violation_pending, 0);
	pr_err_ratelimited("violation: %s[%d] in domain %u (%s) accessed %#lx of domain %u; %s\n",
			   v.comm, v.pid, d->id,
			   asi_cgroup_name(d->css, name, sizeof(name)), v.address,
			   v.owner_id, READ_ONCE(d->dying) ?
			   "domain dying, not killed" :
			   "killing the domain");
	asi_cgroup_notify_events(d->css);
	/*
	 * After asi.isolate=0 the cgroup may hold host tasks: only a live
	 * domain is killed.
	 */
	if (!READ_ONCE(d->dying))
		asi_cgroup_kill(d->css);
	asi_domain_put(d);
}

/* Runs in the offending task on its way back to user mode. */
static void asi_violation_kill(struct callback_head *head)
{
	struct asi_domain *d = container_of(head, struct asi_domain,
					    kill_twork);

	atomic_set(&d->kill_pending, 0);
	send_sig(SIGKILL, current, 1);
	asi_domain_put(d);
}

static void asi_violation_irq_work(struct irq_work *iw)
{
	struct asi_domain *d = container_of(iw, struct asi_domain,
					    violation_iw);

	queue_work(system_wq, &d->violation_work);
}

static void asi_domain_put_irq_work(struct irq_work *iw);

/**
 * asi_domain_create - a new domain for an isolated cgroup
 * @css: the cgroup that owns it, pinned until the domain is destroyed
 *
 * Returns the domain with the owner's reference, which the owner gives
 * back with asi_domain_release(), or ERR_PTR(-EOPNOTSUPP) when asi is off
 * (asi=off, or its initialisation failed), or ERR_PTR(-ENOMEM).
 */
struct asi_domain *asi_domain_create(struct cgroup_subsys_state *css)
{
	struct asi_domain *d;
	int id;

	if (asi_disabled)
		return ERR_PTR(-EOPNOTSUPP);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
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
	init_irq_work(&d->violation_iw, asi_violation_irq_work);
	init_irq_work(&d->put_iw, asi_domain_put_irq_work);
	INIT_WORK(&d->violation_work, asi_violation_work);
	init_task_work(&d->kill_twork, asi_violation_kill);
	INIT_WORK(&d->release_work, asi_objects_release_work);
	d->nr_pt_pages = 1;
	css_get(css);
	d->css = css;

	/* Hooks on before any task or block can see the domain. */
	static_branch_deferred_inc(&asi_active);

	spin_lock(&asi_domains_lock);
	list_add_tail(&d->node, &asi_domains);
	spin_unlock(&asi_domains_lock);
	return d;

free_id:
	ida_free(&asi_domain_ida, id);
free:
	kfree(d);
	return ERR_PTR(-ENOMEM);
}

/*
 * The owner lets go of its domain (asi.isolate=0 or rmdir): the domain is
 * dying from now on, and goes when its last mm and block do.
 */
void asi_domain_release(struct asi_domain *d)
{
	WRITE_ONCE(d->dying, true);
	atomic_long_inc(&asi_dying_domains);
	asi_objects_release(d);
	asi_domain_put(d);
}

/* asi.enforce of the owner: refuse accesses to other domains' data. */
void asi_domain_set_enforce(struct asi_domain *d, bool enforce)
{
	WRITE_ONCE(d->enforce, enforce);
}

/* asi.fallback=0 of the owner: fail allocations the pool cannot serve. */
void asi_domain_set_fail_closed(struct asi_domain *d, bool fail_closed)
{
	WRITE_ONCE(d->fail_closed, fail_closed);
}

/**
 * asi_domain_stat - a snapshot of @d's figures
 * @d: the domain, under rcu_read_lock() or another reference
 * @st: filled in
 *
 * The pool's figures are read together under its lock, the counters one
 * by one.
 */
void asi_domain_stat(struct asi_domain *d, struct asi_domain_stat *st)
{
	unsigned long flags;

	st->id = d->id;
	spin_lock_irqsave(&d->lock, flags);
	st->pool_blocks = d->nr_blocks;
	st->pool_blocks_free = !!d->spare;
	st->private_bytes = d->nr_private_pages << PAGE_SHIFT;
	spin_unlock_irqrestore(&d->lock, flags);
	st->pool_bytes = st->pool_blocks * ASI_BLOCK_SIZE;
	st->pagetable_bytes = READ_ONCE(d->nr_pt_pages) << PAGE_SHIFT;
	st->fallbacks = atomic_long_read(&d->fallbacks);
	st->exits = atomic_long_read(&d->exits);
	st->cross_domain = atomic_long_read(&d->cross_domain);
	st->violations = atomic_long_read(&d->violations);
	asi_domain_class_stat(d, st->objects, st->object_bytes);
}

static void asi_domain_destroy(struct work_struct *work)
{
	struct asi_domain *d = container_of(work, struct asi_domain,
					    destroy_work);

	spin_lock(&asi_domains_lock);
	list_del(&d->node);
	spin_unlock(&asi_domains_lock);

	/*
	 * Lockless readers (allocation redirection, the fault handler's
	 * class lookup) may still look at the tree and the clones.
	 */
	synchronize_rcu();
	WARN_ON_ONCE(!list_empty(&d->blocks));
	asi_objects_destroy(d);
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
	/*
	 * No mm sees the tree, no block is left, no CPU borrows from it (a
	 * borrowing CPU holds a reference): nothing of the domain is left
	 * for a hook to handle.
	 */
	static_branch_slow_dec_deferred(&asi_active);
}

static void asi_domain_queue_destroy(struct asi_domain *d)
{
	INIT_WORK(&d->destroy_work, asi_domain_destroy);
	queue_work(system_unbound_wq, &d->destroy_work);
}

/* May be called from any context that may wake a worker (pgd_lock too). */
void asi_domain_put(struct asi_domain *d)
{
	if (refcount_dec_and_test(&d->ref))
		asi_domain_queue_destroy(d);
}

static void asi_domain_put_irq_work(struct irq_work *iw)
{
	asi_domain_queue_destroy(container_of(iw, struct asi_domain, put_iw));
}

/*
 * The same where waking a worker could deadlock: under the runqueue lock
 * (switch_mm_irqs_off()), where queue_work() would take it again.
 */
void asi_domain_put_irq(struct asi_domain *d)
{
	if (refcount_dec_and_test(&d->ref))
		irq_work_queue(&d->put_iw);
}

/**
 * asi_domain_violation - act on a refused access by a task of @d
 * @d: the offending domain, seen in the faulting task's mm
 * @owner: the domain whose memory was touched
 * @address: the address
 *
 * Called from the fault handler, with interrupts off and any lock possibly
 * held: the offending task is killed on its way back to user mode (a
 * task_work), the report, the notification and the domain's kill are
 * deferred, first to an irq_work, then to a work item.  Violations that
 * arrive while one is pending are counted but share its report and kill.
 */
void asi_domain_violation(struct asi_domain *d, struct asi_domain *owner,
			  unsigned long address)
{
	/* A migration may have dropped the last reference meanwhile. */
	if (!refcount_inc_not_zero(&d->ref))
		return;
	/*
	 * The access fails at once (exception fixup), but killing the domain
	 * takes a work item: kill the offender itself before it runs another
	 * user instruction.  A task_work is safe from here, where sending a
	 * signal (the sighand lock) may not be; one at a time per domain,
	 * others in the domain meanwhile go with the domain's kill.
	 */
	if (!(current->flags & PF_KTHREAD) &&
	    !atomic_xchg(&d->kill_pending, 1)) {
		asi_domain_get(d);
		if (task_work_add(current, &d->kill_twork, TWA_RESUME)) {
			atomic_set(&d->kill_pending, 0);
			asi_domain_put_irq(d);
		}
	}
	if (atomic_xchg(&d->violation_pending, 1)) {
		asi_domain_put(d);
		return;
	}
	memcpy(d->last_violation.comm, current->comm, TASK_COMM_LEN);
	d->last_violation.pid = task_pid_nr(current);
	d->last_violation.address = address;
	d->last_violation.owner_id = owner->id;
	irq_work_queue(&d->violation_iw);
}

static int __init asi_init(void)
{
	int err;

	if (asi_disabled)
		return 0;
	err = asi_view_init();
	if (!err)
		err = asi_kasan_init();
	if (!err)
		err = asi_fault_init();
	if (err) {
		asi_disabled = true;
		pr_err("not available: initialisation failed (%d)\n", err);
	}
	return 0;
}
core_initcall(asi_init);
