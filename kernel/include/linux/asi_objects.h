/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asi private objects: placing a domain's kernel objects in its private
 * memory (asi.private_objects).
 *
 * A class is a named set of source caches.  The code that creates a
 * source cache registers it with its class; when a domain enables the
 * class, every source gets a per-domain clone whose slabs come from the
 * domain's pool, and allocations by the domain's tasks in task context
 * are redirected to the clones.  Pipe data pages, which are not slab
 * objects, come straight from the pool (mm/asi/pipe.c).
 */
#ifndef _LINUX_ASI_OBJECTS_H
#define _LINUX_ASI_OBJECTS_H

#include <linux/asi.h>
#include <linux/slab.h>
#include <linux/types.h>

struct asi_clone;
struct folio;
struct iov_iter;
struct pipe_buffer;
struct pipe_inode_info;

enum asi_class {
	ASI_CLASS_CRED,
	ASI_CLASS_FILE,
	ASI_CLASS_PIPE,
	ASI_CLASS_SOCK,
	ASI_CLASS_NETNS,
	ASI_CLASS_KEY,
	ASI_CLASS_MSG,
	ASI_NR_CLASSES,
};

/* Buffer operations of private pipe data pages. */
extern const struct pipe_buf_operations asi_pipe_buf_ops;

#ifdef CONFIG_CGROUP_ASI

/*
 * Flags for a source cache: a merged cache would carry other objects into
 * the class, and the class's objects into other caches.
 */
#define SLAB_ASI_SOURCE		SLAB_NO_MERGE

/*
 * One key per class, and one for the test helper's caches (mm/asi): on
 * while a live domain makes the class private, so that allocations of a
 * class no domain uses take the paths they take without asi.
 */
extern struct static_key_false asi_class_keys[ASI_NR_CLASSES + 1];

/* Does any live domain make @class private?  For a @class known at run time. */
static inline bool asi_class_in_use(enum asi_class class)
{
	return static_key_enabled(&asi_class_keys[class]);
}

void asi_register_cache(struct kmem_cache *s, enum asi_class class);
void asi_register_buckets(kmem_buckets *b, enum asi_class class);
void asi_unregister_cache(struct kmem_cache *s);

/* Called by SLUB (mm/slub.c), in mm/asi/objects.c. */
struct asi_clone *asi_slab_clone_get(struct kmem_cache *s, gfp_t gfp);
bool asi_slab_clone_put(struct asi_clone *clone, void *object, gfp_t gfp);
struct kmem_cache *asi_clone_cache(struct asi_clone *clone);
void asi_slab_allocated(struct asi_clone *clone);
void asi_slab_freed(struct asi_clone *clone, int nr);
struct folio *asi_alloc_slab_folio(struct asi_clone *clone, gfp_t gfp,
				   unsigned int order);
void asi_free_slab_folio(struct folio *folio, unsigned int order);

/*
 * Allocations between the two stay ordinary: for objects a tenant's task
 * makes on another's behalf (the listener's end of a unix connection).
 */
unsigned int asi_objects_shared_save(void);
void asi_objects_shared_restore(unsigned int flags);

/* Interfaces that copy a data class's contents (ipc, keys). */
int asi_data_access(const void *obj);

/* Pipe data pages, called by fs/pipe.c, in mm/asi/pipe.c. */
struct page *__asi_pipe_alloc_page(struct pipe_inode_info *pipe);
void __asi_pipe_free_tmp_page(struct pipe_inode_info *pipe);

/*
 * A private data page for a pipe_write() by current into @pipe; NULL for
 * an ordinary page, or ERR_PTR(-ENOMEM) when the domain fails closed
 * (asi.fallback=0).
 */
static inline struct page *asi_pipe_alloc_page(struct pipe_inode_info *pipe)
{
	if (!static_branch_unlikely(&asi_class_keys[ASI_CLASS_PIPE]))
		return NULL;
	return __asi_pipe_alloc_page(pipe);
}

/* free_pipe_info(): give back the private page @pipe kept for reuse. */
static inline void asi_pipe_free_tmp_page(struct pipe_inode_info *pipe)
{
	/* Such a page belongs to a domain, which keeps the key on. */
	if (asi_enabled())
		__asi_pipe_free_tmp_page(pipe);
}

bool asi_pipe_buf_private(const struct pipe_buffer *buf);
size_t asi_pipe_buf_copy_to_iter(struct pipe_buffer *buf, size_t bytes,
				 struct iov_iter *i);
size_t asi_pipe_buf_copy_from_iter(struct pipe_buffer *buf, size_t offset,
				   size_t bytes, struct iov_iter *i);

#else /* !CONFIG_CGROUP_ASI */

#define SLAB_ASI_SOURCE		0

static inline void asi_register_cache(struct kmem_cache *s,
				      enum asi_class class) { }

static inline void asi_register_buckets(kmem_buckets *b,
					enum asi_class class) { }

static inline void asi_unregister_cache(struct kmem_cache *s) { }

static inline int asi_data_access(const void *obj)
{
	return 0;
}

static inline unsigned int asi_objects_shared_save(void)
{
	return 0;
}

static inline void asi_objects_shared_restore(unsigned int flags) { }

static inline struct page *asi_pipe_alloc_page(struct pipe_inode_info *pipe)
{
	return NULL;
}

static inline void asi_pipe_free_tmp_page(struct pipe_inode_info *pipe) { }

static inline bool asi_pipe_buf_private(const struct pipe_buffer *buf)
{
	return false;
}

static inline size_t asi_pipe_buf_copy_to_iter(struct pipe_buffer *buf,
					       size_t bytes,
					       struct iov_iter *i)
{
	return 0;
}

static inline size_t asi_pipe_buf_copy_from_iter(struct pipe_buffer *buf,
						 size_t offset, size_t bytes,
						 struct iov_iter *i)
{
	return 0;
}

#endif /* CONFIG_CGROUP_ASI */
#endif /* _LINUX_ASI_OBJECTS_H */
