// SPDX-License-Identifier: GPL-2.0
/*
 * asi faults: what happens when kernel code touches private memory that
 * the current view does not map.
 *
 * Trusted contexts switch to the full view and retry:
 *  - a kernel thread running on a lazily borrowed domain mm leaves it for
 *    init_mm, as the TLB flush IPI does;
 *  - a hard or soft interrupt loads init_mm's page tables for its own
 *    duration and restores the interrupted CR3 before it returns, so that
 *    a tenant's code never runs with a view an interrupt left behind.
 * A task whose mm sees a domain's view is that domain's task, whatever its
 * cgroup (a vfork child runs the parent's mm until it execs):
 *  - asi.enforce=0: the access is counted (exits, cross_domain) and the
 *    CPU leaves the domain view until the task returns to user mode or is
 *    switched out.  It uses a per-CPU copy of the mm's page-table root
 *    whose ASI slot points at the full tree, so user memory stays mapped.
 *  - asi.enforce=1: a violation, unless the memory is an object of a class
 *    that other tenants reach by design (objects.c): that is handled as
 *    under enforce=0.  A violation is counted, then logged and the
 *    domain killed from a work item, and the access is not retried: an access
 *    with an exception fixup (the *_nofault accessors, uaccess-style
 *    helpers) fails cleanly; any other oopses, as an access to unmapped
 *    memory always does.
 * NMIs never switch views.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/cgroup.h>
#include <linux/hardirq.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/pgalloc.h>
#include <asm/processor-flags.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>

#include "internal.h"

/* The CR3 a domain task left (enforce=0 or trusted kernel thread). */
static DEFINE_PER_CPU(unsigned long, asi_exit_cr3);
/* The CR3 an interrupt switched away from. */
static DEFINE_PER_CPU(unsigned long, asi_irq_cr3);
/* Per-CPU page-table root for leaving a domain view. */
static DEFINE_PER_CPU(pgd_t *, asi_exit_pgd);

int asi_fault_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		unsigned long pgd = __get_free_pages(GFP_KERNEL | __GFP_ZERO,
						     PGD_ALLOCATION_ORDER);

		if (!pgd)
			return -ENOMEM;
		per_cpu(asi_exit_pgd, cpu) = (pgd_t *)pgd;
	}
	return 0;
}

static unsigned long asi_cr3_with(pgd_t *pgd, unsigned long old_cr3)
{
	/* Keep PCID and LAM bits; the write flushes that PCID. */
	return __sme_pa(pgd) | (old_cr3 & ~CR3_ADDR_MASK);
}

/*
 * Copy the user half of the loaded mm's root into the exit root, entry by
 * entry (the root may be live); returns whether anything changed.
 */
static bool asi_exit_pgd_sync(pgd_t *exit_pgd)
{
	struct mm_struct *mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	bool changed = false;
	int i;

	for (i = 0; i < KERNEL_PGD_BOUNDARY; i++) {
		pgd_t pgd = READ_ONCE(mm->pgd[i]);

		if (pgd_val(pgd) != pgd_val(exit_pgd[i])) {
			WRITE_ONCE(exit_pgd[i], pgd);
			changed = true;
		}
	}
	return changed;
}

static void asi_exit_view(void)
{
	struct mm_struct *mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	pgd_t *exit_pgd = this_cpu_read(asi_exit_pgd);
	unsigned long cr3 = __read_cr3();
	p4d_t *slot;

	memcpy(exit_pgd, mm->pgd, PAGE_SIZE);
	slot = p4d_offset(pgd_offset_pgd(exit_pgd, ASI_BASE_ADDR),
			  ASI_BASE_ADDR);
	set_p4d(slot, __p4d(_KERNPG_TABLE | __pa(asi_full_pud)));
	this_cpu_write(asi_exit_cr3, cr3);
	write_cr3(asi_cr3_with(exit_pgd, cr3));
}

/* Write back a saved CR3, if any: a flushing write, for the PCID's sake. */
static void asi_write_back(unsigned long cr3)
{
	if (cr3)
		write_cr3(cr3);
}

static void asi_restore_exit_view(void)
{
	asi_write_back(this_cpu_xchg(asi_exit_cr3, 0));
}

/* End of a hard interrupt or of softirq processing. */
void __asi_irq_exit(void)
{
	asi_write_back(this_cpu_xchg(asi_irq_cr3, 0));
}

/* Give back both kinds of left views. */
static void asi_restore_views(void)
{
	__asi_irq_exit();
	asi_restore_exit_view();
}

/*
 * Return to user mode, interrupts off.  PTI derives the user CR3 from the
 * current one, so no left view may survive past this point, not even one
 * from an interrupt vector that does not pass through irq_exit_rcu().
 */
void __asi_exit_to_user(void)
{
	/* Every return to user passes here: read before writing anything. */
	if (unlikely(this_cpu_read(asi_exit_cr3) || this_cpu_read(asi_irq_cr3)))
		asi_restore_views();
}

/*
 * Top of switch_mm_irqs_off(): give back whatever view was left first.
 * Its same-mm paths skip the CR3 write, and an interrupt's saved CR3 must
 * not be written back once the CPU has switched mms (a TLB flush IPI on a
 * lazy CPU switches to init_mm).
 */
void __asi_switch_mm(void)
{
	asi_restore_views();
}

/*
 * A user-address fault, or a TLB flush, while out of the domain view: the
 * mm may have gained or freed a top-level entry since the copy.  Flush
 * what the old entries may have left in the paging-structure caches.
 */
void __asi_user_fault(void)
{
	if (this_cpu_read(asi_exit_cr3) &&
	    asi_exit_pgd_sync(this_cpu_read(asi_exit_pgd)))
		write_cr3(__read_cr3());
}

/* Is this CPU on other page tables than its loaded mm's? */
bool asi_view_switched(void)
{
	return asi_enabled() &&
	       (this_cpu_read(asi_exit_cr3) || this_cpu_read(asi_irq_cr3));
}

static void asi_irq_full_view(void)
{
	unsigned long cr3 = __read_cr3();

	if (!this_cpu_read(asi_irq_cr3))
		this_cpu_write(asi_irq_cr3, cr3);
	write_cr3(asi_cr3_with(init_mm.pgd, cr3));
}

/**
 * asi_kernel_fault - handle a kernel-mode fault in the ASI slot
 * @regs: the faulting context
 * @error_code: hardware error code
 * @address: faulting address
 *
 * Called from do_kern_addr_fault() with interrupts off.  Returns true when
 * the view was switched and the access should be retried; false leaves
 * the fault to the normal path (exception fixup or oops).
 */
bool asi_kernel_fault(struct pt_regs *regs, unsigned long error_code,
		      unsigned long address)
{
	struct asi_block_info info;
	struct asi_domain *mine;
	struct mm_struct *mm;

	if (!asi_enabled() || !asi_addr_in_slot(address))
		return false;
	if (user_mode(regs) ||
	    (error_code & (X86_PF_USER | X86_PF_RSVD | X86_PF_INSTR)))
		return false;
	if (in_nmi())
		return false;
	/*
	 * Only live private memory that the full view maps is worth a
	 * retry; anything else is a bug.  A CPU already out of its view
	 * never switches again: the retry would fault forever.
	 */
	if (!asi_addr_block(address, &info) || !asi_full_view_maps(address))
		return false;
	if (this_cpu_read(asi_exit_cr3) || this_cpu_read(asi_irq_cr3))
		return false;

	if (in_hardirq() || in_serving_softirq()) {
		asi_irq_full_view();
		return true;
	}

	mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	mine = mm == &init_mm ? NULL : asi_mm_domain(mm);
	if (!mine || mine == info.domain)
		return false;	/* mapped in this view: not an asi fault */

	if (current->flags & PF_KTHREAD) {
		if (!current->mm)
			asi_leave_lazy_mm();
		else
			asi_exit_view();	/* kthread_use_mm() */
		return true;
	}

	atomic_long_inc(&mine->cross_domain);
	if (READ_ONCE(mine->enforce) && !asi_addr_in_shared_class(address)) {
		atomic_long_inc(&mine->violations);
		asi_domain_violation(mine, info.domain, address);
		return false;
	}
	atomic_long_inc(&mine->exits);
	asi_exit_view();
	return true;
}
