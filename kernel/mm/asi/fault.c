// SPDX-License-Identifier: GPL-2.0
/*
 * asi faults: what happens when kernel code touches private memory that
 * the current view does not map.
 *
 * Trusted contexts switch to the full view and retry:
 *  - a kernel thread running on a lazily borrowed domain mm leaves it for
 *    init_mm, as the TLB flush IPI does; one that adopted a domain mm with
 *    kthread_use_mm() moves to a copy of its root on the full tree;
 *  - a hard or soft interrupt loads init_mm's page tables for its own
 *    duration and restores the interrupted CR3 before it returns, so that
 *    a tenant's code never runs with a view an interrupt left behind.
 * A task whose mm sees a domain's view is that domain's task, whatever its
 * cgroup (a vfork child runs the parent's mm until it execs).  Its access
 * to another domain's private memory is counted (cross_domain) and then:
 *  - served, by borrowing: the CPU moves to a per-CPU copy of the mm's
 *    page-table root whose ASI slot holds the domain's own tree plus the
 *    touched 4 KiB page, and nothing else, until the task returns to user
 *    mode or is switched out.  Kernel paths link and read other tenants'
 *    objects by design (signal permission checks, peer creds, the last
 *    fput of a passed file, RCU callback lists), and must not fault;
 *  - with asi.enforce=1, refused when the access is to another domain's
 *    data (objects.c: pipe pages, message text, key payloads): a
 *    violation, counted; the toucher is killed before it returns to user
 *    mode, then the violation is logged and its domain killed from a work
 *    item.  The access is not retried: the accessors that reach
 *    data (uaccess, the *_nofault helpers) fail it cleanly through their
 *    exception fixup.
 * Borrowed and copied mappings of a block leave every CPU before the block
 * is freed (asi_flush_all_views()).
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

/*
 * How many pages of other domains a domain task may borrow at once; one
 * instruction touches at most a few, and more simply fault back in.
 */
#define ASI_BORROW_PAGES	4

/*
 * The view a CPU uses after leaving its mm's own (a domain task served a
 * cross-domain access, or a kernel thread on a kthread_use_mm() mm):
 * a per-CPU copy of the mm's page-table root whose ASI slot points either
 * at a per-CPU tree made of the domain's own tree plus the borrowed
 * pages, or (own == NULL) at the full tree.
 */
struct asi_exit {
	unsigned long cr3;		/* the CR3 left, 0 in the mm's own view */
	struct asi_domain *own;		/* the domain view left, or NULL */
	unsigned int nr;		/* borrowed pages */
	unsigned long page[ASI_BORROW_PAGES];	/* their aliases */
	pgd_t *pgd;
	p4d_t *p4d;			/* with 5-level paging */
	pud_t *pud;
	pmd_t *pmd[ASI_BORROW_PAGES];
	pte_t *pte[ASI_BORROW_PAGES];
	/*
	 * What the last build wrote into those pages, undone by the next
	 * one, so that they stay zeroed without being cleared whole: the
	 * entries it set, and which PMD pages hold a copy.
	 */
	unsigned int nr_set;
	unsigned long *set[2 * ASI_BORROW_PAGES];
	bool pmd_copied[ASI_BORROW_PAGES];
	unsigned int nr_pmd, nr_pte;	/* of pmd[] and pte[] in use */
};

static DEFINE_PER_CPU(struct asi_exit, asi_exit);
/* The CR3 an interrupt switched away from. */
static DEFINE_PER_CPU(unsigned long, asi_irq_cr3);

int asi_fault_init(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct asi_exit *x = per_cpu_ptr(&asi_exit, cpu);

		x->pgd = (pgd_t *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
						   PGD_ALLOCATION_ORDER);
		x->pud = (pud_t *)get_zeroed_page(GFP_KERNEL);
		if (pgtable_l5_enabled())
			x->p4d = (p4d_t *)get_zeroed_page(GFP_KERNEL);
		if (!x->pgd || !x->pud || (pgtable_l5_enabled() && !x->p4d))
			return -ENOMEM;
		for (i = 0; i < ASI_BORROW_PAGES; i++) {
			x->pmd[i] = (pmd_t *)get_zeroed_page(GFP_KERNEL);
			x->pte[i] = (pte_t *)get_zeroed_page(GFP_KERNEL);
			if (!x->pmd[i] || !x->pte[i])
				return -ENOMEM;
		}
	}
	return 0;
}

static unsigned long asi_cr3_with(pgd_t *pgd, unsigned long old_cr3)
{
	/* Keep PCID and LAM bits; the write flushes that PCID. */
	return __sme_pa(pgd) | (old_cr3 & ~CR3_ADDR_MASK);
}

/* Entry by entry: the source may be live (another CPU growing a pool). */
static void asi_copy_table(void *dst, const void *src)
{
	const unsigned long *from = src;
	unsigned long *to = dst;
	int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*to); i++)
		to[i] = READ_ONCE(from[i]);
}

/* The PMD entry for @addr in @x's tree, in a PMD page of @x's own. */
static pmd_t *asi_borrow_pmd(struct asi_exit *x, unsigned long addr)
{
	pud_t *pudp = x->pud + pud_index(addr);
	pud_t pud = *pudp;
	unsigned int i;
	pmd_t *pmd;

	for (i = 0; i < x->nr_pmd; i++) {
		if (!pud_none(pud) && pud_pgtable(pud) == x->pmd[i])
			return x->pmd[i] + pmd_index(addr);
	}
	i = x->nr_pmd++;
	pmd = x->pmd[i];
	if (pud_none(pud)) {
		if (x->pmd_copied[i])
			clear_page(pmd);
		x->pmd_copied[i] = false;
	} else {
		asi_copy_table(pmd, pud_pgtable(pud));
		x->pmd_copied[i] = true;
	}
	set_pud(pudp, __pud(_KERNPG_TABLE | __pa(pmd)));
	return pmd + pmd_index(addr);
}

/* Set an entry of a borrowing page table, to be undone by the next build. */
static void asi_borrow_set(struct asi_exit *x, unsigned long *entry,
			   unsigned long val)
{
	WRITE_ONCE(*entry, val);
	x->set[x->nr_set++] = entry;
}

/* Clear what the last build set: PTE pages and uncopied PMD pages are zero. */
static void asi_borrow_reset(struct asi_exit *x)
{
	while (x->nr_set)
		WRITE_ONCE(*x->set[--x->nr_set], 0);
}

/* Map one borrowed 4 KiB page in @x's tree, non-global like the rest. */
static void asi_borrow_map(struct asi_exit *x, unsigned long addr)
{
	pgprotval_t prot = (pgprot_val(PAGE_KERNEL) & ~_PAGE_GLOBAL) &
			   __supported_pte_mask;
	pmd_t *pmdp = asi_borrow_pmd(x, addr);
	pmd_t pmd = *pmdp;
	pte_t *pte = NULL;
	unsigned int i;

	if (pmd_present(pmd) && !pmd_leaf(pmd)) {
		for (i = 0; i < x->nr_pte; i++)
			if (pmd_page_vaddr(pmd) == (unsigned long)x->pte[i])
				pte = x->pte[i];
	}
	if (!pte) {
		/* A 2 MiB block is one domain's: never the view's own. */
		if (WARN_ON_ONCE(pmd_present(pmd)))
			return;
		pte = x->pte[x->nr_pte++];
		asi_borrow_set(x, (unsigned long *)pmdp,
			       _KERNPG_TABLE | __pa(pte));
	}
	asi_borrow_set(x, (unsigned long *)(pte + pte_index(addr)),
		       pte_val(pfn_pte(PHYS_PFN(asi_virt_to_phys(addr)),
				       __pgprot(prot))));
}

/* (Re)build @x's tree from its domain's live tree and the borrowed pages. */
static void asi_borrow_build(struct asi_exit *x)
{
	unsigned int i;

	asi_borrow_reset(x);
	x->nr_pmd = 0;
	x->nr_pte = 0;
	asi_copy_table(x->pud, x->own->pud);
	for (i = 0; i < x->nr; i++)
		asi_borrow_map(x, x->page[i]);
}

/* Does @x's tree map @addr? */
static bool asi_borrow_maps(struct asi_exit *x, unsigned long addr)
{
	pud_t pud = x->pud[pud_index(addr)];
	pmd_t pmd;

	if (pud_none(pud))
		return false;
	pmd = pud_pgtable(pud)[pmd_index(addr)];
	if (!pmd_present(pmd))
		return false;
	if (pmd_leaf(pmd))
		return true;
	return pte_present(((pte_t *)pmd_page_vaddr(pmd))[pte_index(addr)]);
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

		/* With 5-level paging the slot is below the boundary. */
		if (i == pgd_index(ASI_BASE_ADDR))
			continue;

		if (pgd_val(pgd) != pgd_val(exit_pgd[i])) {
			WRITE_ONCE(exit_pgd[i], pgd);
			changed = true;
		}
	}
	return changed;
}

/*
 * Leave the mm's own view for @x's: the borrowing tree of @own, or the
 * full tree for NULL.
 */
static void asi_exit_enter(struct asi_exit *x, struct asi_domain *own)
{
	struct mm_struct *mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	unsigned long cr3 = __read_cr3();

	memcpy(x->pgd, mm->pgd, PAGE_SIZE);
	asi_slot_install(x->pgd, x->p4d, own ? x->pud : asi_full_pud);
	x->own = own;
	x->cr3 = cr3;
	write_cr3(asi_cr3_with(x->pgd, cr3));
}

/*
 * Serve a domain task's access to another domain's page at @addr: map
 * that page, and only it, next to the domain's own memory for the rest
 * of this kernel entry.  False if it was borrowed already (a fault
 * again is a bug, not something to retry).
 */
static bool asi_borrow(struct asi_exit *x, struct asi_domain *mine,
		       unsigned long addr)
{
	unsigned long page = addr & PAGE_MASK;
	bool entered = x->cr3;
	unsigned int i;

	if (!entered) {
		/*
		 * The copy refers to the domain's PMD pages: pin the domain
		 * until the view is left, even if a migration lets go of it.
		 */
		if (!refcount_inc_not_zero(&mine->ref))
			return false;
		x->own = mine;
		x->nr = 0;
	}
	for (i = 0; i < x->nr; i++)
		if (x->page[i] == page)
			return false;
	if (entered && x->nr < ASI_BORROW_PAGES) {
		/* One more page beside those borrowed: map just that one. */
		x->page[x->nr++] = page;
		asi_borrow_map(x, page);
		write_cr3(__read_cr3());	/* a PUD entry may have changed */
		return true;
	}
	if (x->nr == ASI_BORROW_PAGES)
		x->nr = 0;	/* the others fault back in if needed */
	x->page[x->nr++] = page;
	asi_borrow_build(x);
	if (entered)
		write_cr3(__read_cr3());	/* pages may have gone */
	else
		asi_exit_enter(x, mine);
	return true;
}

/* Write back a saved CR3, if any: a flushing write, for the PCID's sake. */
static void asi_write_back(unsigned long cr3)
{
	if (cr3)
		write_cr3(cr3);
}

static void asi_restore_exit_view(void)
{
	struct asi_exit *x = this_cpu_ptr(&asi_exit);
	struct asi_domain *own = x->own;
	unsigned long cr3 = x->cr3;

	if (cr3) {
		x->cr3 = 0;
		x->own = NULL;
		x->nr = 0;
		write_cr3(cr3);
		/* Maybe under the runqueue lock (switch_mm): no queue_work(). */
		if (own)
			asi_domain_put_irq(own);
	}
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
	if (unlikely(this_cpu_read(asi_exit.cr3) ||
		     this_cpu_read(asi_irq_cr3)))
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
	if (this_cpu_read(asi_exit.cr3) &&
	    asi_exit_pgd_sync(this_cpu_read(asi_exit.pgd)))
		write_cr3(__read_cr3());
}

/* Is this CPU on other page tables than its loaded mm's? */
bool asi_view_switched(void)
{
	return asi_enabled() &&
	       (this_cpu_read(asi_exit.cr3) || this_cpu_read(asi_irq_cr3));
}

/*
 * IPI: a block left the trees.  A borrowing tree drops what it copied of
 * it (its own domain's PMD entry, or a borrowed page of it), and every
 * translation goes.
 */
static void asi_resync_views(void *unused)
{
	struct asi_exit *x = this_cpu_ptr(&asi_exit);
	unsigned int i, nr = 0;

	if (x->cr3 && x->own) {
		for (i = 0; i < x->nr; i++)
			if (asi_addr_domain(x->page[i]))
				x->page[nr++] = x->page[i];
		x->nr = nr;
		asi_borrow_build(x);
	}
	__flush_tlb_all();
}

/**
 * asi_flush_all_views - forget a block that left the trees, everywhere
 *
 * After the block was removed from the owner lookup and unmapped from the
 * domain and full trees: no CPU keeps a borrowed or copied mapping of it,
 * nor a translation.  Sleeps; replaces flush_tlb_all().
 */
void asi_flush_all_views(void)
{
	on_each_cpu(asi_resync_views, NULL, 1);
}

static void asi_irq_full_view(void)
{
	unsigned long cr3 = __read_cr3();

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
	struct asi_exit *x;

	if (!asi_enabled() || !asi_addr_in_slot(address))
		return false;
	if (user_mode(regs) ||
	    (error_code & (X86_PF_USER | X86_PF_RSVD | X86_PF_INSTR)))
		return false;
	if (in_nmi())
		return false;
	/* Only live private memory that the full view maps is worth a retry. */
	if (!asi_addr_block(address, &info) || !asi_full_view_maps(address))
		return false;
	/* An interrupt's full view maps everything: a fault there is a bug. */
	if (this_cpu_read(asi_irq_cr3))
		return false;

	if (in_hardirq() || in_serving_softirq()) {
		asi_irq_full_view();
		return true;
	}

	x = this_cpu_ptr(&asi_exit);
	if (x->cr3 && !x->own)
		return false;	/* already on the full tree */
	mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	mine = mm == &init_mm ? NULL : asi_mm_domain(mm);
	/*
	 * A migration moved the mm to another view while this CPU borrowed:
	 * go to the mm's view as it is now, and let the access find out.
	 */
	if (x->cr3 && x->own != mine) {
		asi_restore_exit_view();
		return true;
	}
	if (!mine)
		return false;	/* the full view: not an asi fault */
	if (mine == info.domain) {
		/* Mapped in its own view; a borrowing copy may be stale. */
		if (!x->cr3 || asi_borrow_maps(x, address))
			return false;
		asi_borrow_build(x);
		write_cr3(__read_cr3());
		return asi_borrow_maps(x, address);
	}

	/*
	 * A kernel thread, or a task past exit_mm() (closing its files,
	 * unmapping its last VMAs), runs on whatever mm the CPU loaded last,
	 * possibly another tenant's: it is not that tenant, so nothing is
	 * counted against it; without an mm of its own it leaves the view.
	 */
	if ((current->flags & PF_KTHREAD) || !current->mm) {
		if (!current->mm)
			asi_leave_lazy_mm();
		else if (!x->cr3)
			asi_exit_enter(x, NULL);	/* kthread_use_mm() */
		else
			return false;
		return true;
	}

	atomic_long_inc(&mine->cross_domain);
	asi_debug_cross_site(regs->ip, mine->id, info.domain->id);
	if (READ_ONCE(mine->enforce) && asi_addr_is_data(address)) {
		atomic_long_inc(&mine->violations);
		asi_domain_violation(mine, info.domain, address);
		return false;
	}
	if (!x->cr3)
		atomic_long_inc(&mine->exits);
	return asi_borrow(x, mine, address);
}
