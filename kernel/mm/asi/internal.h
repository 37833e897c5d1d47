/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of mm/asi: domains (domain.c),
 * their page-table views (view.c), the private memory pool (pool.c), fault
 * handling (fault.c), private objects (objects.c, pipe.c), KASAN (kasan.c),
 * debugfs (debugfs.c) and the test helper (test.c).  The cgroup controller
 * (kernel/cgroup/asi.c) sees none of this: its interface with mm/asi is
 * include/linux/asi_cgroup.h.
 *
 * Lock order, outermost first (lockdep checks it; the functions that need
 * a lock held assert it):
 *
 *   cgroup_mutex                  cgroupfs writes (kernel/cgroup/asi.c)
 *     asi_class_keys_mutex        the class keys' counts (objects.c)
 *       cpu hotplug lock, jump_label_mutex   changing a static key
 *       asi_objects_mutex         registration, clone creation (objects.c)
 *         cpu hotplug lock, slab_mutex   inside kmem_cache_create()
 *         asi_domains_lock        the list of domains (domain.c)
 *     cgroup_threadgroup_rwsem, cpu hotplug lock   (cgroup_attach_lock())
 *   asi_clones_shrink_mutex       shrinking vs destroying clones (objects.c)
 *     cpu hotplug lock            inside kmem_cache_shrink(), _destroy()
 *   pgd_lock                      the list of pgds (arch/x86)
 *     asi_slot_lock               slot entries of mms (view.c)
 *   asi_domain->lock              a pool, irq-safe (pool.c)
 *   asi_tree_lock                 PMD pages of all trees (view.c)
 *   asi_kasan_lock                shadow page tables (kasan.c)
 *
 * asi_clones_shrink_mutex is never taken with the cpu hotplug lock or
 * asi_objects_mutex held.  The last three are leaves: nothing is taken
 * inside them.  Domains, blocks and clones are looked up under RCU.
 */
#ifndef _MM_ASI_INTERNAL_H
#define _MM_ASI_INTERNAL_H

#include <linux/asi.h>
#include <linux/asi_cgroup.h>
#include <linux/asi_objects.h>
#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/pgtable.h>

/* Source caches of all classes together (kmem_buckets count ~14 each). */
#define ASI_MAX_SOURCES		160

/*
 * The test helper's caches (CONFIG_ASI_TEST) form one more class, after
 * the user-visible ones, with a class key of its own.
 */
#define ASI_CLASS_TEST		((enum asi_class)ASI_NR_CLASSES)

struct asi_block;
struct asi_clone;
struct seq_file;

struct asi_violation {
	char comm[TASK_COMM_LEN];
	pid_t pid;
	unsigned long address;
	unsigned int owner_id;
};

/*
 * A domain: the page-table tree of the ASI slot that its tasks see, and
 * the private memory blocks mapped there.  It is referenced by the cgroup
 * that owns it (until that cgroup stops being isolated or is removed), by
 * every mm whose slot points at its tree, and by every block of its pool.
 * When the owner lets go while memory is still in use the domain lives
 * on, dying, until the last reference is dropped.
 */
struct asi_domain {
	refcount_t ref;
	unsigned int id;
	pud_t *pud;			/* top of the domain tree */
	p4d_t *p4d;			/* above it, with 5-level paging */
	struct cgroup_subsys_state *css;	/* owner, pinned until destroy */
	bool dying;			/* the owner has let go */
	bool enforce;			/* asi.enforce of the owner */
	bool fail_closed;		/* asi.fallback=0 of the owner */

	spinlock_t lock;		/* protects the pool fields below */
	struct list_head blocks;	/* struct asi_block, partially used first */
	unsigned long nr_blocks;
	unsigned long nr_pt_pages;	/* domain tree pages, under asi_tree_lock */
	unsigned long nr_private_pages;	/* pages handed out by the pool */
	struct asi_block *spare;	/* one empty block kept for reuse */

	atomic_long_t exits;		/* left the domain view (enforce=0) */
	atomic_long_t cross_domain;	/* touched another domain's memory */
	atomic_long_t violations;	/* refused accesses (enforce=1) */
	atomic_long_t fallbacks;	/* allocations the pool could not serve */

	/* Private objects (objects.c), clones indexed like the sources. */
	unsigned long classes;		/* BIT(enum asi_class), published */
	unsigned long key_classes;	/* whose asi_class_keys it holds */
	struct asi_clone *clones[ASI_MAX_SOURCES];
	atomic_long_t pipe_pages;	/* private pipe data pages */
	struct work_struct release_work;

	struct list_head node;		/* on asi_domains */
	struct work_struct destroy_work;
	struct rcu_head rcu;

	/* A refused access, reported and acted on from a work item. */
	atomic_t violation_pending;
	struct asi_violation last_violation;
	struct irq_work violation_iw;
	struct irq_work put_iw;		/* the last put, from any context */
	struct work_struct violation_work;
	/* SIGKILL for the offending task before it returns to user mode. */
	atomic_t kill_pending;
	struct callback_head kill_twork;
};

/* domain.c */
extern bool asi_disabled;
extern struct list_head asi_domains;
extern spinlock_t asi_domains_lock;
extern atomic_long_t asi_dying_domains;

static inline void asi_domain_get(struct asi_domain *d)
{
	refcount_inc(&d->ref);
}

void asi_domain_put(struct asi_domain *d);
void asi_domain_put_irq(struct asi_domain *d);
void asi_domain_violation(struct asi_domain *d, struct asi_domain *owner,
			  unsigned long address);

/* view.c */
extern pud_t *asi_full_pud;
void asi_slot_install(pgd_t *pgd, p4d_t *p4d, pud_t *pud);
int asi_view_init(void);
pud_t *asi_tree_alloc(struct asi_domain *d);
void asi_tree_free(struct asi_domain *d);
int asi_tree_map_block(struct asi_domain *d, phys_addr_t phys, gfp_t gfp);
bool asi_full_view_maps(unsigned long addr);
void asi_tree_unmap_block(struct asi_domain *d, phys_addr_t phys);
struct asi_domain *asi_domain_get_current(void);
struct asi_domain *asi_mm_domain(struct mm_struct *mm);
void asi_mm_set_domain(struct mm_struct *mm, struct asi_domain *d);
void asi_leave_lazy_mm(void);

/* fault.c */
int asi_fault_init(void);
void asi_flush_all_views(void);

/* pool.c */
struct page *asi_alloc_pages(struct asi_domain *d, gfp_t gfp,
			     unsigned int order);
void asi_free_pages(struct page *page, unsigned int order);
bool asi_page_is_private(const struct page *page);
struct page *__asi_alloc_pages(struct asi_domain *d, gfp_t gfp,
			       unsigned int order);
void asi_pool_trim(struct asi_domain *d);
void asi_pool_debugfs_init(struct dentry *dir);

struct asi_block_info {
	struct asi_domain *domain;
	phys_addr_t phys;
};

bool asi_addr_block(unsigned long addr, struct asi_block_info *info);

/* objects.c */
struct asi_domain *asi_current_objects_domain(unsigned long class);
void asi_domain_class_stat(struct asi_domain *d,
			   unsigned long objects[ASI_NR_CLASSES],
			   unsigned long bytes[ASI_NR_CLASSES]);
bool asi_addr_is_data(unsigned long addr);
void asi_objects_release(struct asi_domain *d);
void asi_objects_flush(struct asi_domain *d);
void asi_objects_release_work(struct work_struct *work);
void asi_objects_destroy(struct asi_domain *d);

/* debugfs.c: where the kernel crossed into another domain's memory. */
#ifdef CONFIG_DEBUG_FS
void asi_debug_cross_site(unsigned long ip, unsigned int from,
			  unsigned int to);
#else
static inline void asi_debug_cross_site(unsigned long ip, unsigned int from,
					unsigned int to) { }
#endif

/* kasan.c: the shadow of private blocks' aliases (generic KASAN). */
#ifdef CONFIG_KASAN_GENERIC
int asi_kasan_init(void);
int asi_kasan_map_block(phys_addr_t phys, gfp_t gfp);
void asi_kasan_unmap_block(phys_addr_t phys);
#else
static inline int asi_kasan_init(void) { return 0; }
static inline int asi_kasan_map_block(phys_addr_t phys, gfp_t gfp)
{
	return 0;
}

static inline void asi_kasan_unmap_block(phys_addr_t phys) { }
#endif

/*
 * The test helper (test.c) and the probes it has in the other parts, all
 * built only with CONFIG_ASI_TEST.
 */
#ifdef CONFIG_ASI_TEST
void asi_test_init(struct dentry *dir);
void asi_test_block_released(struct page *page);
unsigned long asi_pool_count(struct asi_domain *d, const u8 *pat, size_t len);
long asi_test_objects_live(struct asi_domain *d);
#else
static inline void asi_test_init(struct dentry *dir) { }
static inline void asi_test_block_released(struct page *page) { }
#endif

/*
 * The alias of physical address P is ASI_BASE_ADDR + ((P + offset) mod the
 * slot size), with a 2 MiB-aligned offset chosen at boot (view.c), so that
 * an alias does not give away a physical address.  Arithmetic both ways.
 */
extern unsigned long asi_alias_offset;

static inline unsigned long asi_phys_to_virt(phys_addr_t phys)
{
	return ASI_BASE_ADDR + ((phys + asi_alias_offset) &
				(ASI_SLOT_SIZE - 1));
}

static inline phys_addr_t asi_virt_to_phys(unsigned long addr)
{
	return (addr - ASI_BASE_ADDR - asi_alias_offset) & (ASI_SLOT_SIZE - 1);
}

#endif /* _MM_ASI_INTERNAL_H */
