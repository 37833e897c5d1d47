// SPDX-License-Identifier: GPL-2.0
/*
 * asi private memory: a per-domain pool of 2 MiB blocks.
 *
 * A block is taken from the buddy allocator, removed from the direct map
 * as one 2 MiB range (so the direct map splits only to 2 MiB, never to
 * 4 KiB), and mapped in the domain's tree and in the full tree at
 * an alias computed from the physical address (internal.h), so that
 * address <-> page is arithmetic both ways.
 * Pages are handed out of a block with a bitmap.  A domain keeps one empty
 * block as a spare, so that a workload that allocates and frees does not
 * pay for a block and its TLB shootdown each time.  Any other block whose
 * last page is freed, and the spare once the domain is dying, goes back to
 * the buddy allocator from a work item, because
 * unmapping needs TLB shootdowns: it is zeroed through its alias, removed
 * from both trees, flushed from every CPU and every address space (the
 * entries are non-global), and only then returned to the direct map.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/bitmap.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <asm/tlbflush.h>

#include "internal.h"

#define ASI_BLOCK_PAGES		BIT(ASI_BLOCK_ORDER)

struct asi_block {
	struct list_head node;		/* on domain->blocks while not empty */
	struct asi_domain *domain;
	struct page *page;		/* first of ASI_BLOCK_PAGES */
	unsigned int nr_used;
	DECLARE_BITMAP(used, ASI_BLOCK_PAGES);
	struct work_struct release_work;
	struct rcu_head rcu;
};

/* Blocks by physical block number: which domain owns an address. */
static DEFINE_XARRAY(asi_blocks);

static unsigned long asi_block_index(phys_addr_t phys)
{
	return phys >> PMD_SHIFT;
}

static struct asi_block *asi_phys_block(phys_addr_t phys)
{
	return xa_load(&asi_blocks, asi_block_index(phys));
}

/* Blocks are freed after a grace period: lookups need only RCU. */
bool asi_addr_block(unsigned long addr, struct asi_block_info *info)
{
	struct asi_block *b;
	bool found = false;

	if (!asi_addr_in_slot(addr))
		return false;
	rcu_read_lock();
	b = asi_phys_block(asi_virt_to_phys(addr));
	if (b) {
		info->domain = b->domain;
		info->phys = page_to_phys(b->page);
		found = true;
	}
	rcu_read_unlock();
	return found;
}

void *asi_page_address(const struct page *page)
{
	return (void *)asi_phys_to_virt(page_to_phys(page));
}

struct page *asi_virt_to_page(const void *addr)
{
	return pfn_to_page(asi_virt_to_phys((unsigned long)addr) >> PAGE_SHIFT);
}

struct asi_domain *asi_addr_domain(unsigned long addr)
{
	struct asi_block_info info;

	return asi_addr_block(addr, &info) ? info.domain : NULL;
}

bool asi_page_is_private(const struct page *page)
{
	return asi_enabled() && asi_phys_block(page_to_phys(page));
}

/* /sys/kernel/debug/asi/fail_grow: make pool growth fail on purpose. */
static DECLARE_FAULT_ATTR(asi_fail_grow);

void asi_pool_debugfs_init(struct dentry *dir)
{
	if (IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS))
		fault_create_debugfs_attr("fail_grow", dir, &asi_fail_grow);
}

static struct asi_block *asi_block_grow(struct asi_domain *d, gfp_t gfp)
{
	struct asi_block *b;
	struct page *page;
	phys_addr_t phys;
	unsigned long va;

	if (should_fail(&asi_fail_grow, ASI_BLOCK_SIZE))
		return NULL;
	gfp &= GFP_KERNEL;
	b = kzalloc(sizeof(*b), gfp);
	if (!b)
		return NULL;
	page = alloc_pages(gfp | __GFP_ZERO | __GFP_NORETRY | __GFP_NOWARN,
			   ASI_BLOCK_ORDER);
	if (!page)
		goto free_block;
	phys = page_to_phys(page);
	if (phys + ASI_BLOCK_SIZE > ASI_SLOT_SIZE)
		goto free_page;

	/* Out of the direct map first, so the data never lives there. */
	va = (unsigned long)page_address(page);
	if (set_direct_map_valid_noflush(page, ASI_BLOCK_PAGES, false))
		goto free_page;
	flush_tlb_kernel_range(va, va + ASI_BLOCK_SIZE);

	if (asi_kasan_map_block(phys, gfp))
		goto restore;
	if (asi_tree_map_block(d, phys, gfp))
		goto unmap_shadow;
	/* Fully set up before the fault handler can find it. */
	b->domain = d;
	b->page = page;
	if (xa_err(xa_store(&asi_blocks, asi_block_index(phys), b, gfp))) {
		asi_tree_unmap_block(d, phys);
		asi_flush_all_views();
		goto unmap_shadow;
	}
	asi_domain_get(d);
	return b;

unmap_shadow:
	asi_kasan_unmap_block(phys);
restore:
	if (WARN_ON_ONCE(set_direct_map_valid_noflush(page, ASI_BLOCK_PAGES,
						      true)))
		goto free_block;	/* leak it rather than hand out a hole */
free_page:
	__free_pages(page, ASI_BLOCK_ORDER);
free_block:
	kfree(b);
	return NULL;
}

static struct page *asi_block_take(struct asi_block *b, unsigned int order)
{
	unsigned int nr = 1U << order;
	unsigned long idx;

	lockdep_assert_held(&b->domain->lock);
	idx = bitmap_find_next_zero_area(b->used, ASI_BLOCK_PAGES, 0, nr,
					 nr - 1);
	if (idx >= ASI_BLOCK_PAGES)
		return NULL;
	bitmap_set(b->used, idx, nr);
	if (b == b->domain->spare)
		b->domain->spare = NULL;
	b->nr_used += nr;
	b->domain->nr_private_pages += nr;
	/* KASAN: what the buddy allocator does for the pages it hands out. */
	kasan_unpoison_pages(b->page + idx, order, false);
	return b->page + idx;
}

/* asi_alloc_pages() without counting a fallback: the caller does. */
struct page *__asi_alloc_pages(struct asi_domain *d, gfp_t gfp,
			       unsigned int order)
{
	struct asi_block *b, *new = NULL;
	struct page *page = NULL;
	unsigned long flags;

	if (WARN_ON_ONCE(order > ASI_BLOCK_ORDER))
		return NULL;
	for (;;) {
		spin_lock_irqsave(&d->lock, flags);
		if (new) {
			list_add(&new->node, &d->blocks);
			d->nr_blocks++;
			new = NULL;
		}
		list_for_each_entry(b, &d->blocks, node) {
			page = asi_block_take(b, order);
			if (page)
				break;
		}
		spin_unlock_irqrestore(&d->lock, flags);
		if (page)
			return page;
		if (!gfpflags_allow_blocking(gfp) || READ_ONCE(d->dying))
			break;
		new = asi_block_grow(d, gfp);
		if (!new)
			break;
	}
	return NULL;
}

/**
 * asi_alloc_pages - allocate private pages for a domain
 * @d: the domain
 * @gfp: allocation flags; the pool grows only if they allow blocking
 * @order: up to ASI_BLOCK_ORDER
 *
 * The pages are mapped only at their alias, asi_page_address(), and only
 * in @d's view and the full view.  Returns NULL, counting a fallback, when
 * the pool cannot serve the request; the caller then uses ordinary memory.
 */
struct page *asi_alloc_pages(struct asi_domain *d, gfp_t gfp,
			     unsigned int order)
{
	struct page *page = __asi_alloc_pages(d, gfp, order);

	if (!page)
		atomic_long_inc(&d->fallbacks);
	return page;
}

static void asi_block_release(struct work_struct *work)
{
	struct asi_block *b = container_of(work, struct asi_block,
					   release_work);
	struct asi_domain *d = b->domain;
	phys_addr_t phys = page_to_phys(b->page);
	unsigned long flags;

	/*
	 * Zero through the alias while the block is still mapped: the
	 * data must never reach the direct map.  A worker may be running
	 * on a domain task's lazily borrowed mm; leave it for the full view
	 * and stay on this CPU until done.
	 */
	preempt_disable();
	local_irq_save(flags);
	asi_leave_lazy_mm();
	local_irq_restore(flags);
	/* Its free pages are poisoned; __free_pages() poisons them again. */
	kasan_unpoison_pages(b->page, ASI_BLOCK_ORDER, false);
	memset((void *)asi_phys_to_virt(phys), 0, ASI_BLOCK_SIZE);
	preempt_enable();

	/* Gone from the owner lookup first, so no fault retries on it. */
	xa_erase(&asi_blocks, asi_block_index(phys));
	asi_tree_unmap_block(d, phys);
	/*
	 * Non-global entries, possibly in every address space, and borrowed
	 * or copied in CPUs' exit views: flush them all.
	 */
	asi_flush_all_views();
	asi_kasan_unmap_block(phys);
	if (WARN_ON_ONCE(set_direct_map_valid_noflush(b->page, ASI_BLOCK_PAGES,
						      true))) {
		/* Never hand the buddy allocator pages it cannot map. */
		goto out;
	}

	asi_test_block_released(b->page);
	/* The first page may have been counted down as a pipe page. */
	init_page_count(b->page);
	__free_pages(b->page, ASI_BLOCK_ORDER);
out:
	spin_lock_irqsave(&d->lock, flags);
	d->nr_blocks--;
	spin_unlock_irqrestore(&d->lock, flags);
	asi_domain_put(d);
	kfree_rcu(b, rcu);
}

static void asi_block_queue_release(struct asi_block *b)
{
	INIT_WORK(&b->release_work, asi_block_release);
	queue_work(system_unbound_wq, &b->release_work);
}

/**
 * asi_free_pages - free pages from asi_alloc_pages()
 * @page: the first page
 * @order: as allocated
 *
 * Any context.  A block left empty is released from a work item.
 */
void asi_free_pages(struct page *page, unsigned int order)
{
	unsigned int nr = 1U << order;
	struct asi_domain *d;
	struct asi_block *b;
	unsigned long flags;
	unsigned long idx;
	bool empty;

	b = asi_phys_block(page_to_phys(page));
	if (WARN_ON_ONCE(!b))
		return;
	d = b->domain;
	idx = page - b->page;
	/* KASAN: a use after this free is reported, as for buddy pages. */
	kasan_poison_pages(page, order, false);

	spin_lock_irqsave(&d->lock, flags);
	/* Freeing a page that is not in use is a double free. */
	VM_WARN_ON_ONCE(find_next_zero_bit(b->used, idx + nr, idx) < idx + nr);
	bitmap_clear(b->used, idx, nr);
	b->nr_used -= nr;
	d->nr_private_pages -= nr;
	empty = !b->nr_used;
	if (empty && !d->spare && !d->dying) {
		d->spare = b;		/* stays on the list, for reuse */
		empty = false;
	} else if (empty) {
		list_del(&b->node);
	}
	spin_unlock_irqrestore(&d->lock, flags);

	if (empty)
		asi_block_queue_release(b);
}

#ifdef CONFIG_ASI_TEST
/*
 * How often @pat occurs in @d's blocks (test helper).  The caller runs in
 * @d's view; its lock keeps the blocks mapped.
 */
unsigned long asi_pool_count(struct asi_domain *d, const u8 *pat, size_t len)
{
	unsigned long found = 0, flags;
	struct asi_block *b;
	const u8 *p, *end;

	/* Free pages and redzones too: KASAN would report them. */
	kasan_disable_current();
	spin_lock_irqsave(&d->lock, flags);
	list_for_each_entry(b, &d->blocks, node) {
		p = asi_page_address(b->page);
		end = p + ASI_BLOCK_SIZE - len;
		for (; p <= end; p++) {
			p = memchr(p, pat[0], end - p + 1);
			if (!p)
				break;
			if (!memcmp(p, pat, len))
				found++;
		}
	}
	spin_unlock_irqrestore(&d->lock, flags);
	kasan_enable_current();
	return found;
}
#endif

/* The domain is dying (checked under its lock from now on): drop the spare. */
void asi_pool_trim(struct asi_domain *d)
{
	struct asi_block *spare;
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	spare = d->spare;
	d->spare = NULL;
	if (spare)
		list_del(&spare->node);
	spin_unlock_irqrestore(&d->lock, flags);
	if (spare)
		asi_block_queue_release(spare);
}
