// SPDX-License-Identifier: GPL-2.0
/*
 * asi views: the page-table trees of the ASI slot and which one each mm
 * sees.
 *
 * The slot is one top-level entry (PGD index -3; -241 with 5-level
 * paging).  swapper_pg_dir, and so every host mm, points it at the full
 * tree; the mm of a domain's task points it at that domain's tree.  With
 * 4-level paging new mms copy swapper's entry with the kernel half; with
 * 5-level paging the entry is below the copied range, as the PTI LDT
 * slot is, and pgd_ctor sets it.  Both trees map private blocks as
 * non-global 2 MiB leaves at the alias of their physical address, the full
 * tree all of them, a domain tree only its own.  The entry is never in
 * the PTI user page tables: set_pgd() mirrors only user-half entries and
 * pgd_ctor copies the user tables' kernel half from swapper's, which has
 * none (the LDT slot, by contrast, is copied there explicitly by
 * map_ldt_struct_to_user(); nothing does that for the ASI slot).
 *
 * Context switches need no new code: loading the next mm's CR3 switches
 * the view.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/cgroup.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/mmu_context.h>
#include <linux/pgalloc.h>
#include <linux/random.h>
#include <asm/tlbflush.h>

#include "internal.h"

pud_t *asi_full_pud;
unsigned long asi_alias_offset __ro_after_init;
static p4d_t *asi_full_p4d;		/* above it, with 5-level paging */
static DEFINE_SPINLOCK(asi_tree_lock);	/* PMD pages of all trees */
static DEFINE_SPINLOCK(asi_slot_lock);	/* slot entries of mms */

/**
 * asi_slot_install - point @pgd's ASI slot at the tree under @pud
 * @pgd: a page-table root
 * @p4d: with 5-level paging, the tree's P4D page (its first entry is set)
 * @pud: the tree's PUD page
 */
void asi_slot_install(pgd_t *pgd, p4d_t *p4d, pud_t *pud)
{
	pgd_t *slot = pgd_offset_pgd(pgd, ASI_BASE_ADDR);

	if (pgtable_l5_enabled()) {
		set_p4d(p4d, __p4d(_KERNPG_TABLE | __pa(pud)));
		set_pgd(slot, __pgd(_KERNPG_TABLE | __pa(p4d)));
	} else {
		set_p4d(p4d_offset(slot, ASI_BASE_ADDR),
			__p4d(_KERNPG_TABLE | __pa(pud)));
	}
}

/* The PUD page @pgd's slot points at, or NULL. */
static pud_t *asi_slot_pud(pgd_t *pgd)
{
	pgd_t *slot = pgd_offset_pgd(pgd, ASI_BASE_ADDR);
	p4d_t p4d;

	if (pgtable_l5_enabled()) {
		pgd_t top = READ_ONCE(*slot);

		if (pgd_none(top))
			return NULL;
		p4d = READ_ONCE(*(p4d_t *)pgd_page_vaddr(top));
	} else {
		p4d = READ_ONCE(*p4d_offset(slot, ASI_BASE_ADDR));
	}
	return p4d_none(p4d) ? NULL : (pud_t *)p4d_pgtable(p4d);
}

static void asi_slot_set(pgd_t *pgd, struct asi_domain *d)
{
	/* pgd_lock for pgds being set up, asi_slot_lock for live ones. */
	lockdep_assert(lockdep_is_held(&pgd_lock) ||
		       lockdep_is_held(&asi_slot_lock));
	if (d)
		asi_slot_install(pgd, d->p4d, d->pud);
	else
		asi_slot_install(pgd, asi_full_p4d, asi_full_pud);
}

/*
 * Install the full tree in swapper_pg_dir and in every pgd that already
 * copied swapper's (empty) slot, such as poking_mm's.  Runs once, before
 * any user task exists.
 */
int __init asi_view_init(void)
{
	struct ptdesc *ptdesc;

	asi_alias_offset = get_random_u64() & (ASI_SLOT_SIZE - 1) & PMD_MASK;
	asi_full_pud = (pud_t *)get_zeroed_page(GFP_KERNEL);
	if (pgtable_l5_enabled())
		asi_full_p4d = (p4d_t *)get_zeroed_page(GFP_KERNEL);
	if (!asi_full_pud || (pgtable_l5_enabled() && !asi_full_p4d)) {
		asi_disabled = true;
		return -ENOMEM;
	}

	spin_lock(&pgd_lock);
	asi_slot_set(init_mm.pgd, NULL);
	list_for_each_entry(ptdesc, &pgd_list, pt_list)
		asi_slot_set((pgd_t *)ptdesc_address(ptdesc), NULL);
	spin_unlock(&pgd_lock);
	return 0;
}

/* The top of @d's tree: its PUD page (and P4D page with 5-level paging). */
pud_t *asi_tree_alloc(struct asi_domain *d)
{
	pud_t *pud = (pud_t *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (!pud)
		return NULL;
	if (pgtable_l5_enabled()) {
		d->p4d = (p4d_t *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!d->p4d) {
			free_page((unsigned long)pud);
			return NULL;
		}
		d->nr_pt_pages++;
	}
	set_page_private(virt_to_page(pud), (unsigned long)d);
	return pud;
}

void asi_tree_free(struct asi_domain *d)
{
	int i;

	for (i = 0; i < PTRS_PER_PUD; i++) {
		if (!pud_none(d->pud[i]))
			free_page((unsigned long)pud_pgtable(d->pud[i]));
	}
	set_page_private(virt_to_page(d->pud), 0);
	free_page((unsigned long)d->pud);
	if (d->p4d)
		free_page((unsigned long)d->p4d);
}

/*
 * The PMD entry for @addr in the tree under @pud, allocating the PMD page.
 * Pages of the full tree are shared and never freed: they are not charged
 * to whoever happens to grow into a new gigabyte first.
 */
static pmd_t *asi_tree_pmd(pud_t *pud, unsigned long addr, gfp_t gfp,
			   unsigned long *nr_pt_pages)
{
	pud_t *pudp = pud + pud_index(addr);
	pmd_t *new = NULL;

	if (pud_none(READ_ONCE(*pudp))) {
		new = (pmd_t *)get_zeroed_page(gfp);
		if (!new)
			return NULL;
		spin_lock(&asi_tree_lock);
		if (pud_none(*pudp)) {
			set_pud(pudp, __pud(_KERNPG_TABLE | __pa(new)));
			if (nr_pt_pages)
				(*nr_pt_pages)++;
			new = NULL;
		}
		spin_unlock(&asi_tree_lock);
		if (new)
			free_page((unsigned long)new);
	}
	return pmd_offset(pudp, addr);
}

static pmd_t asi_block_pmd(phys_addr_t phys)
{
	/*
	 * Non-global: a view is per address space, like ldt.c's mapping.
	 * PAGE_KERNEL_LARGE carries the memory encryption bit where needed.
	 */
	pgprotval_t prot = (pgprot_val(PAGE_KERNEL_LARGE) & ~_PAGE_GLOBAL) &
			   __supported_pte_mask;

	return __pmd(phys | prot);
}

/* Map a 2 MiB block in the domain tree and in the full tree. */
int asi_tree_map_block(struct asi_domain *d, phys_addr_t phys, gfp_t gfp)
{
	unsigned long addr = asi_phys_to_virt(phys);
	pmd_t *full, *dom;

	if (phys + ASI_BLOCK_SIZE > ASI_SLOT_SIZE)
		return -ERANGE;
	full = asi_tree_pmd(asi_full_pud, addr, gfp & ~__GFP_ACCOUNT, NULL);
	dom = asi_tree_pmd(d->pud, addr, gfp | __GFP_ACCOUNT, &d->nr_pt_pages);
	if (!full || !dom)
		return -ENOMEM;
	set_pmd(dom, asi_block_pmd(phys));
	set_pmd(full, asi_block_pmd(phys));
	return 0;
}

/* The caller flushes the TLB of every CPU afterwards. */
void asi_tree_unmap_block(struct asi_domain *d, phys_addr_t phys)
{
	unsigned long addr = asi_phys_to_virt(phys);

	pmd_clear(pmd_offset(d->pud + pud_index(addr), addr));
	pmd_clear(pmd_offset(asi_full_pud + pud_index(addr), addr));
}

/* Does the full tree map @addr?  Lock-free, for the fault handler. */
bool asi_full_view_maps(unsigned long addr)
{
	pud_t pud = READ_ONCE(asi_full_pud[pud_index(addr)]);

	if (pud_none(pud))
		return false;
	return pmd_present(READ_ONCE(*pmd_offset(&pud, addr)));
}

static struct asi_domain *asi_pgd_domain(pgd_t *pgd)
{
	pud_t *pud = asi_slot_pud(pgd);

	if (!pud || pud == asi_full_pud)
		return NULL;
	return (struct asi_domain *)page_private(virt_to_page(pud));
}

/**
 * asi_domain_get_current - the domain current's address space belongs to
 *
 * Returns the domain whose view current's mm sees, with a reference the
 * caller drops with asi_domain_put(), or NULL for host tasks and kernel
 * threads.  This is the domain whose private memory current's objects go
 * to.
 */
struct asi_domain *asi_domain_get_current(void)
{
	struct mm_struct *mm = current->mm;
	struct asi_domain *d;

	if (!asi_enabled() || !mm || (current->flags & PF_KTHREAD))
		return NULL;
	spin_lock(&asi_slot_lock);
	d = asi_mm_domain(mm);
	if (d)
		asi_domain_get(d);
	spin_unlock(&asi_slot_lock);
	return d;
}

/* The domain whose view @mm sees, or NULL for the full view. */
struct asi_domain *asi_mm_domain(struct mm_struct *mm)
{
	return asi_pgd_domain(mm->pgd);
}

/*
 * Point @pgd's slot at @d's tree, or at the full tree for NULL.  @d may
 * have been found under RCU only (pgd_ctor runs before the fork is
 * serialised against migration): if its last reference is already gone,
 * the task has left it and the full view is right until the cgroup
 * callbacks say otherwise.
 */
static void asi_pgd_set_domain(pgd_t *pgd, struct asi_domain *d)
{
	struct asi_domain *old;

	if (d && !refcount_inc_not_zero(&d->ref))
		d = NULL;
	spin_lock(&asi_slot_lock);
	old = asi_pgd_domain(pgd);
	asi_slot_set(pgd, d);
	spin_unlock(&asi_slot_lock);
	/* Drop the old reference, or the extra one when nothing changed. */
	if (old)
		asi_domain_put(old);
}

void asi_mm_set_domain(struct mm_struct *mm, struct asi_domain *d)
{
	asi_pgd_set_domain(mm->pgd, d);
}

/*
 * pgd_alloc(), under pgd_lock, after the kernel half was copied from
 * swapper: a new mm (fork, exec) starts in the view of the task creating
 * it.  The fork callback corrects it for CLONE_INTO_CGROUP.
 */
void asi_pgd_ctor(struct mm_struct *mm, pgd_t *pgd)
{
	struct asi_domain *d;

	lockdep_assert_held(&pgd_lock);
	/* 5-level: the slot is not in the copied range; every mm needs it. */
	if (pgtable_l5_enabled() && asi_full_pud)
		asi_slot_set(pgd, NULL);
	if (!asi_enabled())
		return;
	rcu_read_lock();
	d = asi_task_domain(current);
	if (d)
		asi_pgd_set_domain(pgd, d);
	rcu_read_unlock();
}

/*
 * pgd_free(): the mm no longer references its domain's tree.  No task is
 * left to migrate it, so a full view stays one without asi_slot_lock, and
 * host mms are freed as before.
 */
void asi_pgd_dtor(pgd_t *pgd)
{
	if (asi_enabled() && asi_pgd_domain(pgd))
		asi_pgd_set_domain(pgd, NULL);
}

/*
 * exec_mmap(), under task_lock before the new mm is activated: re-derive
 * the view, in case the task migrated since the mm was allocated.
 */
void asi_exec_mm(struct task_struct *tsk, struct mm_struct *mm)
{
	if (!asi_enabled())
		return;
	rcu_read_lock();
	asi_mm_set_domain(mm, asi_task_domain(tsk));
	rcu_read_unlock();
}

/*
 * Give @tsk's mm the view of the domain @tsk belongs to now (migration,
 * fork).  A changed slot is flushed from every CPU that ran the mm.
 */
void asi_task_update_view(struct task_struct *tsk)
{
	struct asi_domain *d;
	struct mm_struct *mm;

	task_lock(tsk);
	mm = tsk->mm;
	if (!mm || (tsk->flags & PF_KTHREAD)) {
		task_unlock(tsk);
		return;
	}
	mmgrab(mm);
	task_unlock(tsk);

	rcu_read_lock();
	d = asi_task_domain(tsk);
	if (asi_mm_domain(mm) == d) {
		rcu_read_unlock();
		goto out;
	}
	asi_mm_set_domain(mm, d);
	rcu_read_unlock();
	flush_tlb_mm(mm);
out:
	mmdrop(mm);
}

/*
 * A kernel thread that lazily borrowed a domain task's mm leaves it for
 * init_mm, whose slot is the full tree.  Interrupts are off.
 */
void asi_leave_lazy_mm(void)
{
	lockdep_assert_irqs_disabled();
	if (this_cpu_read(cpu_tlbstate.loaded_mm) != &init_mm)
		switch_mm_irqs_off(NULL, &init_mm, NULL);
}
