// SPDX-License-Identifier: GPL-2.0
/*
 * asi private objects: per-domain clones of the caches of each class.
 *
 * The code that creates a cache whose objects belong to a class registers
 * it as a source (asi_register_cache(), asi_register_buckets() for the
 * per-site kmalloc buckets).  When a domain enables a class
 * (asi.private_objects), each source of the class gets a clone: a cache
 * with the same object size, alignment, constructor, usercopy region and
 * flags, never merged, named "<source>@asi<domain id>" in /proc/slabinfo,
 * whose slab pages come from the domain's pool (the pre-5.9 memcg cache
 * clone pattern).  SLUB then redirects an allocation from a source to the
 * clone when it is made in task context by a task whose mm sees the
 * domain's view; everything else (interrupts, kernel threads, host tasks)
 * allocates from the source as before.  When the clone cannot serve an
 * allocation, because the pool cannot grow, the source does, and the
 * fallback is counted.
 *
 * Clones live as long as their domain.  When the owner lets go of the
 * domain, its clones stop keeping empty slabs and are shrunk, so that the
 * pool drains as the last objects are freed; the domain is destroyed, and
 * its clones with it, once no block is left.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/asi_objects.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../internal.h"
#include "../slab.h"
#include "internal.h"

struct asi_clone {
	struct kmem_cache *cache;
	struct asi_domain *domain;
	enum asi_class class;
	long __percpu *live;		/* objects allocated minus freed */
	bool had_slabs;			/* it ever took a slab: shrink it */
	struct list_head gone;		/* its source is going away */
	/* The tenant's data in each object (of a data class), if any. */
	unsigned int data_offset;
	unsigned int data_size;
};

struct asi_source {
	struct kmem_cache *cache;
	enum asi_class class;
};

static const char *const asi_class_names[ASI_NR_CLASSES] = {
	[ASI_CLASS_CRED]	= "cred",
	[ASI_CLASS_FILE]	= "file",
	[ASI_CLASS_PIPE]	= "pipe",
	[ASI_CLASS_SOCK]	= "sock",
	[ASI_CLASS_NETNS]	= "netns",
	[ASI_CLASS_KEY]		= "key",
	[ASI_CLASS_MSG]		= "msg",
};

/*
 * Classes whose objects hold a tenant's data: what the tenant wrote into
 * a pipe, a message or a key.  The data of an object is its usercopy
 * region, what the kernel copies to and from user space; every other
 * byte, and every byte of the other classes' objects (creds, files,
 * sockets, namespaces), is kernel bookkeeping that other tenants' system
 * calls reach by design: refcounts, list, tree and RCU linkage, the ids
 * that permission checks read.  Under asi.enforce=1 only an access to
 * another domain's data is a violation (fault.c).
 */
#define ASI_DATA_CLASSES	(BIT(ASI_CLASS_PIPE) | BIT(ASI_CLASS_KEY) | \
				 BIT(ASI_CLASS_MSG) | BIT(ASI_CLASS_TEST))

DEFINE_STATIC_KEY_ARRAY_FALSE(asi_class_keys, ASI_NR_CLASSES + 1);
/*
 * Serialises the class keys' counts (asi_domain_set_classes() against the
 * owner letting go).  Taken outside asi_objects_mutex and the CPU hotplug
 * lock, which changing a key takes.
 */
static DEFINE_MUTEX(asi_class_keys_mutex);

/* Serialises registration and clone creation. */
static DEFINE_MUTEX(asi_objects_mutex);
/*
 * Orders the release work's shrinking of a domain's clones against
 * asi_unregister_cache() destroying them.  Both take the CPU hotplug lock
 * inside it, so it is never taken with that lock (or asi_objects_mutex,
 * which asi.isolate takes under it) held.
 */
static DEFINE_MUTEX(asi_clones_shrink_mutex);
static struct asi_source asi_sources[ASI_MAX_SOURCES];
static unsigned int asi_nr_sources;

const char *asi_class_name(enum asi_class class)
{
	return asi_class_names[class];
}

/**
 * asi_register_cache - declare @s a source of @class
 * @s: a cache created with SLAB_ASI_SOURCE
 * @class: the class its objects belong to
 *
 * Domains that enable @class from now on get a clone of @s.
 */
void asi_register_cache(struct kmem_cache *s, enum asi_class class)
{
	unsigned int idx;

	if (!s || ZERO_OR_NULL_PTR(s))
		return;
	mutex_lock(&asi_objects_mutex);
	/* A bucket set may hold a cache twice: register it once. */
	if (s->asi_source) {
		mutex_unlock(&asi_objects_mutex);
		return;
	}
	/* A slot an unregistered cache left (its clones are gone), or a new one. */
	for (idx = 0; idx < asi_nr_sources; idx++)
		if (!asi_sources[idx].cache)
			break;
	if (WARN_ON_ONCE(s->refcount != 1) ||
	    WARN_ONCE(idx == ASI_MAX_SOURCES,
		      "asi: too many sources, %s stays shared\n", s->name)) {
		mutex_unlock(&asi_objects_mutex);
		return;
	}
	if (idx == asi_nr_sources)
		asi_nr_sources++;
	WRITE_ONCE(asi_sources[idx].class, class);
	WRITE_ONCE(s->asi_class, class);
	WRITE_ONCE(asi_sources[idx].cache, s);
	WRITE_ONCE(s->asi_source, idx + 1);
	mutex_unlock(&asi_objects_mutex);
}

/* Register every cache of a kmem_buckets set. */
void asi_register_buckets(kmem_buckets *b, enum asi_class class)
{
	unsigned int i;

	if (ZERO_OR_NULL_PTR(b))
		return;
	for (i = 0; i < ARRAY_SIZE(*b); i++)
		asi_register_cache((*b)[i], class);
}

static void asi_clone_destroy(struct asi_clone *clone);

/*
 * @s is about to be destroyed (a protocol module going away, so none of
 * its objects is left): destroy every domain's clone of it too, so that a
 * cache registered later under the same name gets clones of its own.
 */
void asi_unregister_cache(struct kmem_cache *s)
{
	struct asi_clone *clone, *next;
	unsigned int idx;
	struct asi_domain *d;
	LIST_HEAD(gone);

	if (!s || !s->asi_source)
		return;
	mutex_lock(&asi_objects_mutex);
	idx = s->asi_source - 1;
	WRITE_ONCE(asi_sources[idx].cache, NULL);
	WRITE_ONCE(s->asi_source, 0);
	/* Domains leave the list before they destroy their clones. */
	spin_lock(&asi_domains_lock);
	list_for_each_entry(d, &asi_domains, node) {
		clone = d->clones[idx];
		if (clone) {
			WRITE_ONCE(d->clones[idx], NULL);
			list_add(&clone->gone, &gone);
		}
	}
	spin_unlock(&asi_domains_lock);
	mutex_unlock(&asi_objects_mutex);
	/* Figures are read under RCU. */
	synchronize_rcu();
	mutex_lock(&asi_clones_shrink_mutex);
	list_for_each_entry_safe(clone, next, &gone, gone)
		asi_clone_destroy(clone);
	mutex_unlock(&asi_clones_shrink_mutex);
}

/* Parse a space separated list of class names. */
int asi_classes_parse(char *buf, unsigned long *mask)
{
	unsigned long classes = 0;
	char *name;
	int i;

	while ((name = strsep(&buf, " \t\n"))) {
		if (!*name)
			continue;
		i = match_string(asi_class_names, ASI_NR_CLASSES, name);
		if (i < 0)
			return -EINVAL;
		classes |= BIT(i);
	}
	*mask = classes;
	return 0;
}

void asi_classes_show(struct seq_file *sf, unsigned long mask)
{
	const char *sep = "";
	int i;

	for (i = 0; i < ASI_NR_CLASSES; i++) {
		if (mask & BIT(i)) {
			seq_printf(sf, "%s%s", sep, asi_class_names[i]);
			sep = " ";
		}
	}
	seq_putc(sf, '\n');
}

static struct asi_clone *asi_clone_create(struct asi_domain *d,
					  struct kmem_cache *src,
					  enum asi_class class)
{
	struct kmem_cache_args args = {
		.align = src->align,
		.ctor = src->ctor,
#ifdef CONFIG_HARDENED_USERCOPY
		.useroffset = src->useroffset,
		.usersize = src->usersize,
#endif
	};
	slab_flags_t flags;
	struct asi_clone *clone;
	char *name;

	lockdep_assert_held(&asi_objects_mutex);
	/* Internal flags are the allocator's to set; debug flags carry over. */
	flags = (src->flags & SLAB_FLAGS_PERMITTED & ~SLAB_PANIC) |
		SLAB_NO_MERGE;
	/* Keep a type-safe cache's free pointer where its users expect it. */
	if ((src->flags & SLAB_TYPESAFE_BY_RCU) &&
	    src->offset < src->object_size) {
		args.use_freeptr_offset = true;
		args.freeptr_offset = src->offset;
	}

	clone = kzalloc(sizeof(*clone), GFP_KERNEL);
	if (!clone)
		return NULL;
	clone->live = alloc_percpu(long);
	name = kasprintf(GFP_KERNEL, "%s@asi%u", src->name, d->id);
	if (!clone->live || !name)
		goto fail;
	/* The cache keeps a copy of the name. */
	clone->cache = __kmem_cache_create_args(name, src->object_size, &args,
						flags);
	kfree(name);
	if (!clone->cache)
		goto fail_cache;
	clone->domain = d;
	clone->class = class;
	/* CGROUP_ASI selects HARDENED_USERCOPY for these. */
	if (BIT(class) & ASI_DATA_CLASSES) {
		clone->data_offset = src->useroffset;
		clone->data_size = src->usersize;
	}
	/* No slab exists yet: from now on they come from the pool. */
	kmem_cache_use_min_order(clone->cache);
	clone->cache->asi_clone = clone;
	return clone;
fail:
	kfree(name);
fail_cache:
	free_percpu(clone->live);
	kfree(clone);
	return NULL;
}

static void asi_clone_destroy(struct asi_clone *clone)
{
	kmem_cache_destroy(clone->cache);
	free_percpu(clone->live);
	kfree(clone);
}

static void asi_class_keys_inc(unsigned long mask)
{
	unsigned int i;

	for_each_set_bit(i, &mask, ASI_NR_CLASSES + 1)
		static_branch_inc(&asi_class_keys[i]);
}

static void asi_class_keys_dec(unsigned long mask)
{
	unsigned int i;

	for_each_set_bit(i, &mask, ASI_NR_CLASSES + 1)
		static_branch_dec(&asi_class_keys[i]);
}

/* @d no longer redirects allocations (it is dying): its keys go. */
static void asi_class_keys_release(struct asi_domain *d)
{
	mutex_lock(&asi_class_keys_mutex);
	asi_class_keys_dec(d->key_classes);
	d->key_classes = 0;
	mutex_unlock(&asi_class_keys_mutex);
}

/**
 * asi_domain_set_classes - make @mask the private classes of @d
 * @d: the domain
 * @mask: BIT(enum asi_class) of each enabled class
 *
 * Sleeps.  Creates the clones an enabled class lacks, then publishes the
 * set.  On failure nothing is published: the classes stay as they were.
 * Disabling a class stops the redirection; objects already private stay
 * so until freed.
 */
int asi_domain_set_classes(struct asi_domain *d, unsigned long mask)
{
	unsigned long keys = 0;
	struct asi_clone *clone;
	unsigned int i;
	int err = 0;

	/*
	 * A live domain holds the key of each class it makes private; a
	 * dying one redirects nothing.  Keys go on before the classes are
	 * published, and off after.
	 */
	mutex_lock(&asi_class_keys_mutex);
	if (!READ_ONCE(d->dying))
		keys = mask;
	asi_class_keys_inc(keys & ~d->key_classes);

	mutex_lock(&asi_objects_mutex);
	for (i = 0; i < asi_nr_sources; i++) {
		struct asi_source *src = &asi_sources[i];

		if (!src->cache || !(mask & BIT(src->class)) || d->clones[i])
			continue;
		clone = asi_clone_create(d, src->cache, src->class);
		if (!clone) {
			err = -ENOMEM;
			break;
		}
		WRITE_ONCE(d->clones[i], clone);
	}
	if (!err) {
		/* Clones first: pairs with asi_current_objects_domain(). */
		smp_store_release(&d->classes, mask);
	}
	mutex_unlock(&asi_objects_mutex);

	if (err) {
		asi_class_keys_dec(keys & ~d->key_classes);
	} else {
		asi_class_keys_dec(d->key_classes & ~keys);
		d->key_classes = keys;
	}
	mutex_unlock(&asi_class_keys_mutex);
	return err;
}

/*
 * The domain whose private objects current allocates, with a reference,
 * or NULL: host tasks, kernel threads (even on a borrowed mm) and anything
 * not in task context allocate ordinary memory.
 */
struct asi_domain *asi_current_objects_domain(unsigned long class)
{
	struct mm_struct *mm = current->mm;
	struct asi_domain *d;

	if (!in_task() || !mm || (current->flags & (PF_KTHREAD | PF_ASI_SHARED)))
		return NULL;
	/*
	 * An RCU read-side section, as the domain's destruction waits for
	 * one: preempt_disable() is one, without rcu_read_lock()'s lockdep
	 * bookkeeping on a path taken by every class allocation.
	 */
	preempt_disable();
	d = asi_mm_domain(mm);
	/* Pairs with asi_domain_set_classes(): the clones are visible. */
	if (d && (!(smp_load_acquire(&d->classes) & BIT(class)) ||
		  READ_ONCE(d->dying) || !refcount_inc_not_zero(&d->ref)))
		d = NULL;
	preempt_enable();
	return d;
}

/**
 * asi_objects_shared_save - keep current's allocations out of private memory
 *
 * Until asi_objects_shared_restore(), nothing current allocates is
 * redirected to its domain: for an object a tenant's task makes on
 * another's behalf.  Nests, like memalloc_noio_save().
 */
unsigned int asi_objects_shared_save(void)
{
	unsigned int flags = current->flags & PF_ASI_SHARED;

	current->flags |= PF_ASI_SHARED;
	return flags;
}

void asi_objects_shared_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_ASI_SHARED) | flags;
}

struct asi_clone *asi_slab_clone_get(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int source = READ_ONCE(s->asi_source);
	struct asi_clone *clone;
	struct asi_domain *d;
	unsigned int idx;

	/* The caller saw a source; asi_unregister_cache() may race. */
	if (!source)
		return NULL;
	idx = source - 1;
	d = asi_current_objects_domain(READ_ONCE(asi_sources[idx].class));
	if (!d)
		return NULL;
	/* Published before the class bit (smp_load_acquire() above). */
	clone = READ_ONCE(d->clones[idx]);
	if (!clone)
		asi_domain_put(d);	/* registered after the class was set */
	return clone;
}

bool asi_slab_clone_put(struct asi_clone *clone, void *object, gfp_t gfp)
{
	struct asi_domain *d = clone->domain;
	bool fall_back = true;

	/* asi.fallback=0: no private object, no object at all. */
	if (!object && READ_ONCE(d->fail_closed) && !(gfp & __GFP_NOFAIL))
		fall_back = false;
	else if (!object)
		atomic_long_inc(&d->fallbacks);
	/*
	 * An allocation that raced with the owner letting go may have left
	 * a slab on a CPU after the release work flushed them: flush again.
	 */
	if (unlikely(READ_ONCE(d->dying)))
		asi_objects_flush(d);
	asi_domain_put(d);
	return fall_back;
}

struct kmem_cache *asi_clone_cache(struct asi_clone *clone)
{
	return clone->cache;
}

void asi_slab_allocated(struct asi_clone *clone)
{
	this_cpu_inc(*clone->live);
}

void asi_slab_freed(struct asi_clone *clone, int nr)
{
	this_cpu_sub(*clone->live, nr);
}

/* Slab pages of a clone: compound, like the buddy allocator's. */
struct folio *asi_alloc_slab_folio(struct asi_clone *clone, gfp_t gfp,
				   unsigned int order)
{
	struct page *page = __asi_alloc_pages(clone->domain, gfp, order);

	if (!page)
		return NULL;
	/* Before the slab exists: the release work then shrinks the clone. */
	if (!READ_ONCE(clone->had_slabs))
		WRITE_ONCE(clone->had_slabs, true);
	/*
	 * The head's first word after the flags becomes slab->slab_cache:
	 * no stale pointer (or pfmemalloc bit) for the fault handler to see.
	 */
	page->lru.next = NULL;
	if (order)
		prep_compound_page(page, order);
	return page_folio(page);
}

void asi_free_slab_folio(struct folio *folio, unsigned int order)
{
	struct page *page = &folio->page;
	unsigned int i;

	/* Undo prep_compound_page(), as freeing to the buddy allocator does. */
	if (order) {
		page[1].flags &= ~PAGE_FLAGS_SECOND;
		for (i = 1; i < (1U << order); i++) {
			page[i].mapping = NULL;
			clear_compound_head(&page[i]);
		}
		__clear_bit(PG_head, &page->flags);
	}
	asi_free_pages(page, order);
}

/*
 * Is @addr a tenant's data: a private page that is not a slab (pipe
 * data), or the data of a private object of a data class?  Called from
 * the fault handler with interrupts off, after the block lookup: the page
 * and its cache stay valid until the domain is destroyed, which waits for
 * an RCU grace period first.
 */
bool asi_addr_is_data(unsigned long addr)
{
	struct folio *folio = page_folio(asi_virt_to_page((void *)addr));
	struct asi_clone *clone;
	struct kmem_cache *s;
	struct slab *slab;
	unsigned long off;

	if (!folio_test_slab(folio))
		return true;
	slab = folio_slab(folio);
	s = READ_ONCE(slab->slab_cache);
	clone = s ? s->asi_clone : NULL;
	if (!clone || !clone->data_size)
		return false;
	off = (addr - (unsigned long)slab_address(slab)) % s->size;
	if (off < s->red_left_pad)
		return false;
	off -= s->red_left_pad;
	return off >= clone->data_offset &&
	       off - clone->data_offset < clone->data_size;
}

/**
 * asi_data_access - may current copy the data of the object at @obj?
 * @obj: an object of a data class (a message, a key payload)
 *
 * For the interfaces that copy such an object's contents to or from a
 * caller.  They reach the object through its linkage, which the fault
 * handler serves by borrowing its page, so the data in the same page
 * would not fault: the interface asks instead.  If current's domain
 * enforces, another domain's data is refused as a violation (counted in
 * cross_domain and violations); a served access was counted by the fault
 * that reached the object.  Returns 0 or -EFAULT.
 */
int asi_data_access(const void *obj)
{
	struct asi_domain *mine, *owner;
	int ret = 0;

	if (!asi_enabled() || !asi_addr_in_slot((unsigned long)obj) ||
	    !current->mm || (current->flags & PF_KTHREAD))
		return 0;
	/* Domains are freed after a grace period. */
	rcu_read_lock();
	mine = asi_mm_domain(current->mm);
	owner = asi_addr_domain((unsigned long)obj);
	if (mine && owner && mine != owner && READ_ONCE(mine->enforce)) {
		atomic_long_inc(&mine->cross_domain);
		atomic_long_inc(&mine->violations);
		asi_domain_violation(mine, owner, (unsigned long)obj);
		ret = -EFAULT;
	}
	rcu_read_unlock();
	return ret;
}

/* Objects allocated minus freed, over every CPU. */
static long asi_clone_live(struct asi_clone *clone)
{
	long live = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		live += *per_cpu_ptr(clone->live, cpu);
	return live;
}

/* Live objects and their bytes per class, for asi.stat. */
void asi_domain_class_stat(struct asi_domain *d,
			   unsigned long objects[ASI_NR_CLASSES],
			   unsigned long bytes[ASI_NR_CLASSES])
{
	unsigned int i;

	memset(objects, 0, sizeof(objects[0]) * ASI_NR_CLASSES);
	memset(bytes, 0, sizeof(bytes[0]) * ASI_NR_CLASSES);
	for (i = 0; i < ASI_MAX_SOURCES; i++) {
		struct asi_clone *clone = READ_ONCE(d->clones[i]);
		long live;

		if (!clone || clone->class >= ASI_NR_CLASSES)
			continue;
		/* Frees on one CPU may be seen before allocs on another. */
		live = max(asi_clone_live(clone), 0L);
		objects[clone->class] += live;
		bytes[clone->class] += live * clone->cache->object_size;
	}
	objects[ASI_CLASS_PIPE] += atomic_long_read(&d->pipe_pages);
	bytes[ASI_CLASS_PIPE] += atomic_long_read(&d->pipe_pages) * PAGE_SIZE;
}

#ifdef CONFIG_ASI_TEST
/* Live objects in @d's clones of the test helper's caches. */
long asi_test_objects_live(struct asi_domain *d)
{
	long live = 0;
	unsigned int i;

	for (i = 0; i < ASI_MAX_SOURCES; i++) {
		struct asi_clone *clone = READ_ONCE(d->clones[i]);

		if (clone && clone->class == ASI_CLASS_TEST)
			live += asi_clone_live(clone);
	}
	return live;
}
#endif

void asi_objects_release_work(struct work_struct *work)
{
	struct asi_domain *d = container_of(work, struct asi_domain,
					    release_work);
	unsigned int i;

	/* asi_unregister_cache() clears, then destroys under this mutex. */
	mutex_lock(&asi_clones_shrink_mutex);
	for (i = 0; i < ASI_MAX_SOURCES; i++) {
		struct asi_clone *clone = READ_ONCE(d->clones[i]);

		/*
		 * A clone that never took a slab has none to give back, and
		 * flushing every CPU for each of a domain's ~90 clones is what
		 * makes many dying domains queue up on the mutex.  One that
		 * takes its first slab from now on flushes again
		 * (asi_slab_clone_put()).
		 */
		if (!clone || !READ_ONCE(clone->had_slabs))
			continue;
		kmem_cache_keep_no_empty_slabs(clone->cache);
		kmem_cache_shrink(clone->cache);
	}
	mutex_unlock(&asi_clones_shrink_mutex);
	asi_pool_trim(d);
	if (READ_ONCE(d->dying))
		asi_class_keys_release(d);
	asi_domain_put(d);
}

/*
 * Give back @d's empty slabs (flushing every CPU's slab of its clones) and
 * its spare block, from a work item, since shrinking a cache takes the CPU
 * hotplug lock.  Any context; a flush already queued covers this one.
 */
void asi_objects_flush(struct asi_domain *d)
{
	asi_domain_get(d);
	if (!queue_work(system_unbound_wq, &d->release_work))
		asi_domain_put(d);
}

/* The owner let go of @d (it is dying): no task allocates into it any more. */
void asi_objects_release(struct asi_domain *d)
{
	asi_objects_flush(d);
}

/* The domain is being destroyed: its clones are empty. */
void asi_objects_destroy(struct asi_domain *d)
{
	unsigned int i;

	asi_class_keys_release(d);
	for (i = 0; i < ASI_MAX_SOURCES; i++) {
		if (d->clones[i])
			asi_clone_destroy(d->clones[i]);
	}
}
