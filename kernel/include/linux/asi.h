/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address space isolation for cgroups (asi).
 *
 * An isolated cgroup (asi.isolate=1) and its non-isolated descendants form
 * a domain.  Each domain has its own page-table tree for one top-level
 * slot of the kernel address space (the ASI slot, PGD index -3, or -241
 * with 5-level paging); tasks of
 * the domain see that tree, everyone else sees the full tree, which maps
 * the private memory of every domain.  Private memory is taken from the
 * buddy allocator in 2 MiB blocks, removed from the direct map and mapped
 * in the slot at an alias computed from the physical address.
 *
 * This header is the interface the rest of the kernel uses: the hooks in
 * page-table allocation, the fault handler, exec and the entry code, and
 * the addresses of private memory.  Object placement has its own
 * (linux/asi_objects.h), the cgroup controller too (linux/asi_cgroup.h).
 */
#ifndef _LINUX_ASI_H
#define _LINUX_ASI_H

#include <linux/bits.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/types.h>
#include <linux/gfp_types.h>
#include <asm/cpufeature.h>
#include <asm/pgtable_types.h>

struct mm_struct;
struct page;
struct pt_regs;
struct task_struct;
struct asi_domain;

/*
 * 4-level paging: PGD index -3, the unused 512 GiB hole between ESPFIX
 * and cpu_entry_area.  5-level paging: that hole lies inside the last
 * top-level entry, whose P4D page every mm shares, so the slot takes a
 * top-level entry of its own, the last of the guard hole below the PTI
 * LDT remap (-240, LDT_PGD_ENTRY), outside the KASLR range and below the
 * kernel half that pgd_ctor() copies, and holds a P4D page whose first
 * entry is the tree.
 */
#define ASI_PGD_ENTRY		(-3UL)
#define ASI_PGD_ENTRY_L5	(-241UL)
#define ASI_BASE_ADDR		((pgtable_l5_enabled() ? ASI_PGD_ENTRY_L5 : \
				  ASI_PGD_ENTRY) << PGDIR_SHIFT)
#define ASI_SLOT_SIZE		BIT(P4D_SHIFT)
#define ASI_BLOCK_ORDER		(PMD_SHIFT - PAGE_SHIFT)
#define ASI_BLOCK_SIZE		BIT(PMD_SHIFT)

#ifdef CONFIG_CGROUP_ASI

/* On while any domain exists, live or dying (mm/asi/domain.c). */
extern struct static_key_false_deferred asi_active;

static inline bool asi_enabled(void)
{
	return static_branch_unlikely(&asi_active.key);
}

static inline bool asi_addr_in_slot(unsigned long addr)
{
	return addr - ASI_BASE_ADDR < ASI_SLOT_SIZE;
}

/* Page-table and task hooks (mm/asi/view.c). */
void asi_pgd_ctor(struct mm_struct *mm, pgd_t *pgd);
void asi_pgd_dtor(pgd_t *pgd);
void asi_exec_mm(struct task_struct *tsk, struct mm_struct *mm);

/* Fault and entry hooks (mm/asi/fault.c). */
bool asi_kernel_fault(struct pt_regs *regs, unsigned long error_code,
		      unsigned long address);
void __asi_exit_to_user(void);
void __asi_irq_exit(void);
void __asi_switch_mm(void);
void __asi_user_fault(void);
bool asi_view_switched(void);

static inline void asi_exit_to_user(void)
{
	if (asi_enabled())
		__asi_exit_to_user();
}

static inline void asi_irq_exit(void)
{
	if (asi_enabled())
		__asi_irq_exit();
}

static inline void asi_switch_mm(void)
{
	if (asi_enabled())
		__asi_switch_mm();
}

static inline void asi_user_fault(void)
{
	if (asi_enabled())
		__asi_user_fault();
}

/* Private memory at its alias, for slab and KASAN (mm/asi/pool.c). */
void *asi_page_address(const struct page *page);
struct page *asi_virt_to_page(const void *addr);
struct asi_domain *asi_addr_domain(unsigned long addr);

#else /* !CONFIG_CGROUP_ASI */

static inline bool asi_enabled(void) { return false; }

static inline bool asi_addr_in_slot(unsigned long addr) { return false; }

static inline void asi_pgd_ctor(struct mm_struct *mm, pgd_t *pgd) { }

static inline void asi_pgd_dtor(pgd_t *pgd) { }

static inline void asi_exec_mm(struct task_struct *tsk,
			       struct mm_struct *mm) { }

static inline bool asi_kernel_fault(struct pt_regs *regs,
				    unsigned long error_code,
				    unsigned long address)
{
	return false;
}

static inline void asi_exit_to_user(void) { }

static inline void asi_irq_exit(void) { }

static inline void asi_switch_mm(void) { }

static inline void asi_user_fault(void) { }

static inline bool asi_view_switched(void) { return false; }

static inline struct asi_domain *asi_addr_domain(unsigned long addr)
{
	return NULL;
}

#endif /* CONFIG_CGROUP_ASI */
#endif /* _LINUX_ASI_H */
