// SPDX-License-Identifier: GPL-2.0
/*
 * asi and KASAN: the shadow of the ASI slot.
 *
 * Generic KASAN checks every access against the shadow of its address.
 * At boot the shadow of the unused parts of the address space, the ASI
 * slot among them, is the early shadow page, read-only and zero.  A
 * private block is the same physical memory as a piece of the direct map,
 * seen at another address, so its alias gets the same shadow: the shadow
 * PTEs of the alias point at the shadow pages of the block's direct-map
 * range.  What the page and slab allocators record through one address
 * (page_address() for pages, the alias for slab objects) is then checked
 * through the other, and nothing is copied when a block comes or goes.
 *
 * The top-level tables of the slot's shadow are made private to it at
 * boot, while only swapper and a few kernel pgds exist, so that a block
 * later only fills in PMD and PTE pages below them, which every address
 * space sees.  These pages are never freed: they cover at most the 64 GiB
 * shadow of the 512 GiB slot, and only where blocks have been.  When a
 * block goes, its shadow PTEs point back at the early shadow page.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/string.h>
#include <asm/tlbflush.h>

#include "internal.h"

/* Shadow tables below the top level: PMD and PTE pages, never freed. */
static DEFINE_SPINLOCK(asi_kasan_lock);

static bool asi_kasan_is_early(unsigned long table_pa, const void *early)
{
	return table_pa == __pa_symbol(early);
}

/* A private copy of an early shadow table, for one level of the slot. */
static void *asi_kasan_copy_table(const void *early, gfp_t gfp)
{
	void *table = (void *)__get_free_page(gfp);

	if (table)
		memcpy(table, early, PAGE_SIZE);
	return table;
}

/* Every pgd's top-level entry for @addr, as in swapper_pg_dir. */
static void __init asi_kasan_sync_pgd(unsigned long addr)
{
	pgd_t entry = *pgd_offset_k(addr);
	struct ptdesc *ptdesc;

	spin_lock(&pgd_lock);
	list_for_each_entry(ptdesc, &pgd_list, pt_list)
		set_pgd(pgd_offset_pgd((pgd_t *)ptdesc_address(ptdesc), addr),
			entry);
	spin_unlock(&pgd_lock);
}

/*
 * Give the slot's shadow a P4D page (5-level paging) and a PUD page of
 * its own, instead of the early shadow tables that every unused range
 * shares, so that asi_kasan_map_block() never has to change a top-level
 * entry.  Both shadows are 64 GiB aligned: one PUD page covers it.
 */
int __init asi_kasan_init(void)
{
	void *slot = (void *)ASI_BASE_ADDR;
	unsigned long shadow = (unsigned long)kasan_mem_to_shadow(slot);
	pgd_t *pgd = pgd_offset_k(shadow);
	p4d_t *p4d;
	void *table;

	if (pgtable_l5_enabled() &&
	    asi_kasan_is_early(pgd_val(*pgd) & PTE_PFN_MASK,
			       kasan_early_shadow_p4d)) {
		table = asi_kasan_copy_table(kasan_early_shadow_p4d, GFP_KERNEL);
		if (!table)
			return -ENOMEM;
		set_pgd(pgd, __pgd(_KERNPG_TABLE | __pa(table)));
		asi_kasan_sync_pgd(shadow);
	}
	p4d = p4d_offset(pgd, shadow);
	if (asi_kasan_is_early(p4d_val(*p4d) & PTE_PFN_MASK,
			       kasan_early_shadow_pud)) {
		table = asi_kasan_copy_table(kasan_early_shadow_pud, GFP_KERNEL);
		if (!table)
			return -ENOMEM;
		set_p4d(p4d, __p4d(_KERNPG_TABLE | __pa(table)));
		/* With 4-level paging the P4D entry is the top-level entry. */
		if (!pgtable_l5_enabled())
			asi_kasan_sync_pgd(shadow);
	}
	return 0;
}

/* The PUD entry of @shadow: in the slot's own PUD page (asi_kasan_init()). */
static pud_t *asi_kasan_pud(unsigned long shadow)
{
	return pud_offset(p4d_offset(pgd_offset_k(shadow), shadow), shadow);
}

/*
 * The shadow PTEs of @shadow, giving its PUD and PMD entries private PMD
 * and PTE pages where they still point at the early shadow tables.  A copy
 * is made only then: most blocks land where an earlier one made them.
 */
static pte_t *asi_kasan_shadow_pte(unsigned long shadow, gfp_t gfp)
{
	pud_t *pud = asi_kasan_pud(shadow);
	void *table;
	pmd_t *pmd;

	if (asi_kasan_is_early(pud_val(READ_ONCE(*pud)) & PTE_PFN_MASK,
			       kasan_early_shadow_pmd)) {
		table = asi_kasan_copy_table(kasan_early_shadow_pmd, gfp);
		if (!table)
			return NULL;
		spin_lock(&asi_kasan_lock);
		if (asi_kasan_is_early(pud_val(*pud) & PTE_PFN_MASK,
				       kasan_early_shadow_pmd)) {
			set_pud(pud, __pud(_KERNPG_TABLE | __pa(table)));
			table = NULL;
		}
		spin_unlock(&asi_kasan_lock);
		free_page((unsigned long)table);
	}
	pmd = pmd_offset(pud, shadow);
	if (asi_kasan_is_early(pmd_val(READ_ONCE(*pmd)) & PTE_PFN_MASK,
			       kasan_early_shadow_pte)) {
		table = asi_kasan_copy_table(kasan_early_shadow_pte, gfp);
		if (!table)
			return NULL;
		spin_lock(&asi_kasan_lock);
		if (asi_kasan_is_early(pmd_val(*pmd) & PTE_PFN_MASK,
				       kasan_early_shadow_pte)) {
			set_pmd(pmd, __pmd(_KERNPG_TABLE | __pa(table)));
			table = NULL;
		}
		spin_unlock(&asi_kasan_lock);
		free_page((unsigned long)table);
	}
	return pte_offset_kernel(pmd, shadow);
}

/* The shadow of the alias of the block at @phys, and its size. */
static unsigned long asi_kasan_block_shadow(phys_addr_t phys)
{
	void *alias = (void *)asi_phys_to_virt(phys);

	return (unsigned long)kasan_mem_to_shadow(alias);
}

#define ASI_KASAN_BLOCK_SHADOW_SIZE	(ASI_BLOCK_SIZE >> KASAN_SHADOW_SCALE_SHIFT)

/*
 * Before the block at @phys is used through its alias: the alias's shadow
 * becomes the shadow of the block's direct-map range.  Its 256 KiB are
 * aligned like the block, so one PTE page holds them.
 */
int asi_kasan_map_block(phys_addr_t phys, gfp_t gfp)
{
	unsigned long shadow = asi_kasan_block_shadow(phys);
	void *dm_shadow = kasan_mem_to_shadow(__va(phys));
	unsigned long i;
	pte_t *pte;

	pte = asi_kasan_shadow_pte(shadow, gfp & GFP_KERNEL);
	if (!pte)
		return -ENOMEM;
	for (i = 0; i < ASI_KASAN_BLOCK_SHADOW_SIZE / PAGE_SIZE; i++) {
		phys_addr_t pa = slow_virt_to_phys(dm_shadow + i * PAGE_SIZE);

		set_pte(pte + i, pfn_pte(PHYS_PFN(pa), PAGE_KERNEL));
	}
	/* Stale read-only entries of the early shadow page must go. */
	flush_tlb_kernel_range(shadow, shadow + ASI_KASAN_BLOCK_SHADOW_SIZE);
	return 0;
}

/* After the last access through the alias of the block at @phys. */
void asi_kasan_unmap_block(phys_addr_t phys)
{
	unsigned long shadow = asi_kasan_block_shadow(phys);
	pmd_t *pmd = pmd_offset(asi_kasan_pud(shadow), shadow);
	pte_t *pte = pte_offset_kernel(pmd, shadow);
	unsigned long i;

	for (i = 0; i < ASI_KASAN_BLOCK_SHADOW_SIZE / PAGE_SIZE; i++)
		set_pte(pte + i, kasan_early_shadow_pte[0]);
	flush_tlb_kernel_range(shadow, shadow + ASI_KASAN_BLOCK_SHADOW_SIZE);
}
