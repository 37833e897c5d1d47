// SPDX-License-Identifier: GPL-2.0
/*
 * asi private pipe data: the pages behind the buffers of a pipe written by
 * a task of a domain that made the "pipe" class private.
 *
 * The pages come from the domain's pool and are reached only through
 * their alias: pipe_read() and pipe_write() copy through it.  Every other
 * consumer of a pipe buffer (splice, tee to a file or socket, vmsplice)
 * confirms the buffer first, and confirming a private buffer moves its
 * data to an ordinary page: page_address() and the network stack know
 * nothing of aliases.  tee() between pipes shares the private page, with
 * its own reference count, and the last reference returns it to the pool.
 * Private pages are charged to the writer's memory cgroup, as ordinary
 * pipe pages are, and a pipe keeps the last page a reader released for its
 * next write, as it keeps an ordinary one.
 *
 * Data written by one domain and read by another stays in the writer's
 * memory: the writer chose to give it to the reader, not to every tenant,
 * which ordinary memory would expose it to for as long as it waits in the
 * pipe.  The reader borrows the page for the copy (Documentation/mm/asi.rst).
 */
#include <linux/asi_objects.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "internal.h"

/*
 * The domain a private pipe page belongs to, kept in the page rather than
 * looked up by its block on every write and read.
 */
static struct asi_domain *asi_pipe_page_domain(struct page *page)
{
	return (struct asi_domain *)page_private(page);
}

static void asi_pipe_page_put(struct page *page)
{
	struct asi_domain *d;

	if (!put_page_testzero(page))
		return;
	memcg_kmem_uncharge_page(page, 0);
	d = asi_pipe_page_domain(page);
	set_page_private(page, 0);
	atomic_long_dec(&d->pipe_pages);
	asi_free_pages(page, 0);
}

/*
 * asi_pipe_alloc_page(), once some domain made the pipe class private.
 * Under the pipe's mutex.
 */
struct page *__asi_pipe_alloc_page(struct pipe_inode_info *pipe)
{
	struct asi_domain *d;
	struct page *page;

	d = asi_current_objects_domain(ASI_CLASS_PIPE);
	if (!d) {
		/* An ordinary write: a cached private page will not be used. */
		__asi_pipe_free_tmp_page(pipe);
		return NULL;
	}
	/*
	 * The page the last reader released, still charged and counted:
	 * reused if it is this domain's, given back if another domain
	 * wrote it.
	 */
	page = pipe->asi_tmp_page;
	if (page && asi_pipe_page_domain(page) == d) {
		pipe->asi_tmp_page = NULL;
		goto out;
	}
	__asi_pipe_free_tmp_page(pipe);
	page = __asi_alloc_pages(d, GFP_KERNEL, 0);
	if (!page) {
		if (READ_ONCE(d->fail_closed))
			page = ERR_PTR(-ENOMEM);
		else
			atomic_long_inc(&d->fallbacks);
		goto out;
	}
	set_page_count(page, 1);
	if (memcg_kmem_charge_page(page, GFP_KERNEL, 0)) {
		/* Over the limit: ordinary memory will say so too. */
		set_page_count(page, 0);
		asi_free_pages(page, 0);
		page = NULL;
		goto out;
	}
	/* The page's block keeps the domain: no reference of its own. */
	set_page_private(page, (unsigned long)d);
	atomic_long_inc(&d->pipe_pages);
out:
	asi_domain_put(d);
	return page;
}

bool asi_pipe_buf_private(const struct pipe_buffer *buf)
{
	return buf->ops == &asi_pipe_buf_ops;
}

/*
 * Copies to and from a private page, which may be another domain's.  A
 * user copy that may not have it faults and is refused by its exception
 * fixup; a kernel iterator (io_uring's fixed buffers) copies with
 * memcpy(), which has none, so that one asks first.
 */
size_t asi_pipe_buf_copy_to_iter(struct pipe_buffer *buf, size_t bytes,
				 struct iov_iter *i)
{
	void *data = asi_page_address(buf->page);

	if (!user_backed_iter(i) && asi_data_access(data))
		return 0;
	return copy_to_iter(data + buf->offset, bytes, i);
}

size_t asi_pipe_buf_copy_from_iter(struct pipe_buffer *buf, size_t offset,
				   size_t bytes, struct iov_iter *i)
{
	void *data = asi_page_address(buf->page);

	if (!user_backed_iter(i) && asi_data_access(data))
		return 0;
	return copy_from_iter(data + offset, bytes, i);
}

/*
 * A moved buffer's ordinary page, charged like an anonymous pipe page, and
 * uncharged if a consumer takes it over (as anon_pipe_buf_try_steal()).
 */
static bool asi_moved_pipe_buf_try_steal(struct pipe_inode_info *pipe,
					 struct pipe_buffer *buf)
{
	struct page *page = buf->page;

	if (page_count(page) != 1)
		return false;
	memcg_kmem_uncharge_page(page, 0);
	__folio_set_locked(page_folio(page));
	return true;
}

static const struct pipe_buf_operations asi_moved_pipe_buf_ops = {
	.release	= generic_pipe_buf_release,
	.try_steal	= asi_moved_pipe_buf_try_steal,
	.get		= generic_pipe_buf_get,
};

/* Another consumer than read/write: move the data to an ordinary page. */
static int asi_pipe_buf_confirm(struct pipe_inode_info *pipe,
				struct pipe_buffer *buf)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT);
	void *to;
	long err;

	if (!page)
		return -ENOMEM;
	/*
	 * The consumer may be another domain's task, to which this data is
	 * refused (asi.enforce=1): fail the splice, not the kernel.
	 */
	to = kmap_local_page(page);
	err = copy_from_kernel_nofault(to + buf->offset,
				       asi_page_address(buf->page) +
				       buf->offset, buf->len);
	kunmap_local(to);
	if (err) {
		__free_page(page);
		return -EFAULT;
	}
	asi_pipe_page_put(buf->page);
	buf->page = page;
	buf->ops = &asi_moved_pipe_buf_ops;
	return 0;
}

void __asi_pipe_free_tmp_page(struct pipe_inode_info *pipe)
{
	if (pipe->asi_tmp_page)
		asi_pipe_page_put(pipe->asi_tmp_page);
	pipe->asi_tmp_page = NULL;
}

static void asi_pipe_buf_release(struct pipe_inode_info *pipe,
				 struct pipe_buffer *buf)
{
	struct page *page = buf->page;
	struct asi_domain *d;

	/*
	 * A one-deep cache, as anon_pipe_buf_release() keeps, so that a
	 * ping-pong reuses one page instead of taking one from the pool and
	 * charging it for every write.  Only when a task of the page's own
	 * domain releases it (its next write is likely that domain's): a page
	 * cached in a pipe that the host or another tenant keeps open would
	 * keep the domain alive, dying, after its tasks are gone.
	 */
	if (page_count(page) == 1 && !pipe->asi_tmp_page && current->mm &&
	    !(current->flags & PF_KTHREAD)) {
		d = asi_pipe_page_domain(page);
		if (asi_mm_domain(current->mm) == d && !READ_ONCE(d->dying)) {
			pipe->asi_tmp_page = page;
			return;
		}
	}
	asi_pipe_page_put(page);
}

static bool asi_pipe_buf_get(struct pipe_inode_info *pipe,
			     struct pipe_buffer *buf)
{
	if (WARN_ON_ONCE(page_ref_count(buf->page) <= 0))
		return false;
	page_ref_inc(buf->page);
	return true;
}

const struct pipe_buf_operations asi_pipe_buf_ops = {
	.confirm	= asi_pipe_buf_confirm,
	.release	= asi_pipe_buf_release,
	.get		= asi_pipe_buf_get,
};
