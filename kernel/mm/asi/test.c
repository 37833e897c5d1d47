// SPDX-License-Identifier: GPL-2.0
/*
 * asi test helper: /sys/kernel/debug/asi/test (CONFIG_ASI_TEST, root only).
 *
 * Lets the selftests act as a malicious tenant.  Each write is a command
 * executed in the writer's own context (its view, its domain); the result
 * is read back from the same open file, from its start:
 *
 *   alloc            allocate a private page in the caller's domain,
 *                    fill it with 0x5a; result: its address.  The page
 *                    belongs to the open file and is freed when the
 *                    file is released, so it can outlive its domain.
 *   free ADDR        free a page from "alloc" on this file
 *   write ADDR BYTE  fill the page at ADDR with BYTE (plain stores)
 *   read ADDR        read 8 bytes at ADDR with a fault-tolerant load;
 *                    result: the value in hex, or the error
 *   read2 ADDR ADDR2 [UADDR]
 *                    in one system call, read ADDR (which must succeed),
 *                    fault in the user page at UADDR if given, then say
 *                    whether ADDR2 is mapped now and read it; result:
 *                    "VALUE MAPPED2 ERR2 VALUE2": what one served
 *                    cross-domain access leaves reachable, and that a user
 *                    fault in between keeps it
 *   irqread ADDR     the same read from a hard interrupt (irq_work) that
 *                    interrupts the caller on its CPU
 *   kthreadread ADDR the same read from a kernel worker that runs on the
 *                    caller's CPU while the caller waits (and so starts
 *                    on the caller's mm, lazily)
 *   mapped ADDR      walk the current CR3; result: 1 if mapped, else 0
 *   usermapped ADDR  1 if the PTI user copy of the current root has an
 *                    entry for ADDR's top-level slot, else 0
 *   directmap ADDR   1 if the page behind alias ADDR is present in the
 *                    direct map, else 0
 *   released         blocks released, of which not zeroed, of which not
 *                    restored to the direct map
 *   owner ADDR       id of the domain whose private memory holds ADDR,
 *                    0 for none
 *
 * and, to find the caller's own kernel objects (addresses in hex, 0 for
 * none):
 *
 *   cred             current's subjective credentials
 *   file FD          the struct file behind FD
 *   pipe FD          the pipe_inode_info, its buffer array and the data
 *                    page of the oldest buffer (its alias if private)
 *   sock FD          the struct socket (in its socket_alloc) and the sock
 *   netns            current's network namespace
 *   scan HEX         how many times the bytes HEX (up to 24) occur in the
 *                    caller's domain's private memory
 *   slabapi          make the helper's own test caches private in the
 *                    caller's domain and run the slab interfaces on their
 *                    objects: kmem_cache_alloc/free, kmem_buckets_alloc,
 *                    ksize, kfree, kmem_cache_free_bulk, kfree_bulk,
 *                    kfree_rcu and the hardened usercopy check; result:
 *                    "ok" and the clone's live objects before and after
 *   uaf              (KASAN kernels) the same private test cache; free
 *                    one of its objects and read it: KASAN must report a
 *                    slab-use-after-free at the object's alias; result:
 *                    that address
 *
 * Reads use copy_from_kernel_nofault() so that a refused cross-domain
 * read fails with EFAULT instead of oopsing the test process: the point
 * is to prove the data never comes back.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/pipe_fs_i.h>
#include <linux/completion.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "internal.h"

#define ASI_TEST_MAX_PAGES	64

struct asi_test_result {
	char buf[128];
	size_t len;
	struct mutex lock;		/* serialises commands on one file */
	unsigned long pages[ASI_TEST_MAX_PAGES];
};

/* A command's words after the verb, and the first one as an address. */
struct asi_test_args {
	const char *verb;
	char *arg[3];
	unsigned long addr;
};

static int asi_test_parse_addr(const char *arg, unsigned long *addr)
{
	if (!arg || kstrtoul(arg, 0, addr))
		return -EINVAL;
	if (!asi_addr_in_slot(*addr) || !IS_ALIGNED(*addr, 8))
		return -EINVAL;
	return 0;
}

static int asi_test_cmd_alloc(struct asi_test_args *a,
			      struct asi_test_result *r)
{
	struct asi_domain *d;
	struct page *page;
	void *addr;
	int slot;

	for (slot = 0; slot < ASI_TEST_MAX_PAGES; slot++)
		if (!r->pages[slot])
			break;
	if (slot == ASI_TEST_MAX_PAGES)
		return -ENOSPC;
	d = asi_domain_get_current();
	if (!d)
		return -EINVAL;
	page = asi_alloc_pages(d, GFP_KERNEL, 0);
	asi_domain_put(d);
	if (!page)
		return -ENOMEM;
	addr = asi_page_address(page);
	memset(addr, 0x5a, PAGE_SIZE);
	r->pages[slot] = (unsigned long)addr;
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n",
			   (unsigned long)addr);
	return 0;
}

struct asi_test_read {
	struct irq_work iw;
	struct work_struct work;
	struct completion done;
	unsigned long addr;
	unsigned long val;
	int err;
};

static void asi_test_do_read(struct asi_test_read *rd)
{
	if (copy_from_kernel_nofault(&rd->val, (void *)rd->addr,
				     sizeof(rd->val)))
		rd->err = -EFAULT;
}

static void asi_test_irq_read(struct irq_work *iw)
{
	struct asi_test_read *rd = container_of(iw, struct asi_test_read, iw);

	asi_test_do_read(rd);
	complete(&rd->done);
}

static void asi_test_work_read(struct work_struct *work)
{
	struct asi_test_read *rd = container_of(work, struct asi_test_read,
						work);

	asi_test_do_read(rd);
	complete(&rd->done);
}

/* Read @addr from a trusted context running on the caller's CPU. */
static int asi_test_trusted_read(unsigned long addr, bool irq,
				 unsigned long *val)
{
	struct asi_test_read rd = { .addr = addr };

	init_completion(&rd.done);
	if (irq) {
		init_irq_work(&rd.iw, asi_test_irq_read);
		preempt_disable();
		irq_work_queue(&rd.iw);
		preempt_enable();
		wait_for_completion(&rd.done);
		irq_work_sync(&rd.iw);
	} else {
		INIT_WORK_ONSTACK(&rd.work, asi_test_work_read);
		queue_work_on(raw_smp_processor_id(), system_highpri_wq,
			      &rd.work);
		wait_for_completion(&rd.done);
		flush_work(&rd.work);
		destroy_work_on_stack(&rd.work);
	}
	*val = rd.val;
	return rd.err;
}

/*
 * Does the PTI user copy of the current root have an entry for @addr?  It
 * must never have one for the ASI slot.  False without PTI.
 */
static bool asi_test_user_pgd_maps(unsigned long addr)
{
	pgd_t *pgd;
	bool ret = false;

	if (!static_cpu_has(X86_FEATURE_PTI))
		return false;
	preempt_disable();
	pgd = kernel_to_user_pgdp(pgd_offset_pgd(__va(read_cr3_pa()), addr));
	if (pgtable_l5_enabled())
		ret = !pgd_none(*pgd);
	else
		ret = !p4d_none(*p4d_offset(pgd, addr));
	preempt_enable();
	return ret;
}

/* Is @addr mapped in the page tables this CPU uses right now? */
static bool asi_test_view_maps(unsigned long addr)
{
	unsigned int level;
	pte_t *pte;
	bool ret;

	preempt_disable();
	pte = lookup_address_in_pgd(pgd_offset_pgd(__va(read_cr3_pa()), addr),
				    addr, &level);
	ret = pte && (pte_flags(*pte) & _PAGE_PRESENT);
	preempt_enable();
	return ret;
}

static void *asi_test_page_address(struct page *page)
{
	return asi_page_is_private(page) ? asi_page_address(page) :
					   page_address(page);
}

/* Addresses of the kernel objects behind one of the caller's fds. */
static int asi_test_cmd_fd(struct asi_test_args *a, struct asi_test_result *r)
{
	const char *verb = a->verb, *arg = a->arg[0];
	struct pipe_inode_info *pipe;
	struct socket *sock;
	struct file *file;
	unsigned int fd;
	int err = 0;

	if (!arg || kstrtouint(arg, 0, &fd))
		return -EINVAL;
	file = fget(fd);
	if (!file)
		return -EBADF;
	if (!strcmp(verb, "file")) {
		r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n",
				   (unsigned long)file);
	} else if (!strcmp(verb, "pipe")) {
		void *page = NULL;

		pipe = get_pipe_info(file, false);
		if (!pipe) {
			err = -ENOTTY;
			goto out;
		}
		pipe_lock(pipe);
		if (!pipe_empty(pipe->head, pipe->tail))
			page = asi_test_page_address(pipe_buf(pipe,
							      pipe->tail)->page);
		r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx %#lx %#lx\n",
				   (unsigned long)pipe,
				   (unsigned long)pipe->bufs,
				   (unsigned long)page);
		pipe_unlock(pipe);
	} else {
		sock = sock_from_file(file);
		if (!sock) {
			err = -ENOTSOCK;
			goto out;
		}
		r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx %#lx\n",
				   (unsigned long)sock,
				   (unsigned long)sock->sk);
	}
out:
	fput(file);
	return err;
}

/* scan HEX: how often the bytes HEX occur in the caller's domain's pool. */
static int asi_test_cmd_scan(struct asi_test_args *a,
			     struct asi_test_result *r)
{
	const char *hex = a->arg[0];
	size_t len = hex ? strlen(hex) / 2 : 0;
	unsigned long found = 0;
	struct asi_domain *d;
	u8 pat[24];

	if (!len || len > sizeof(pat) || strlen(hex) % 2 ||
	    hex2bin(pat, hex, len))
		return -EINVAL;
	d = asi_domain_get_current();
	if (!d)
		return -EINVAL;
	found = asi_pool_count(d, pat, len);
	asi_domain_put(d);
	r->len = scnprintf(r->buf, sizeof(r->buf), "%lu\n", found);
	return 0;
}

#define ASI_TEST_BULK		8

struct asi_test_obj {
	struct rcu_head rcu;
	char data[40];
};

/* The helper's own sources, of a class no user can name. */
static struct kmem_cache *asi_test_cache;
static kmem_buckets *asi_test_buckets;

static bool asi_test_private(const void *p, struct asi_domain *d)
{
	return asi_addr_domain((unsigned long)p) == d;
}

static int asi_test_slab_interfaces(struct asi_domain *d, long *peak)
{
	void *bulk[ASI_TEST_BULK];
	struct asi_test_obj *obj;
	void *p;
	int i;

	/* A cache and its frees: kmem_cache_free(), then bulk. */
	p = kmem_cache_alloc(asi_test_cache, GFP_KERNEL);
	if (!p || !asi_test_private(p, d) ||
	    ksize(p) < sizeof(struct asi_test_obj))
		goto fail_p;
	kmem_cache_free(asi_test_cache, p);
	for (i = 0; i < ASI_TEST_BULK; i++) {
		bulk[i] = kmem_cache_alloc(asi_test_cache, GFP_KERNEL);
		if (!bulk[i] || !asi_test_private(bulk[i], d))
			goto fail_bulk_cache;
	}
	*peak = asi_test_objects_live(d);
	kmem_cache_free_bulk(asi_test_cache, ASI_TEST_BULK, bulk);

	/* kmalloc buckets: ksize() of the bucket, kfree(), kfree_bulk(). */
	p = kmem_buckets_alloc(asi_test_buckets, 100, GFP_KERNEL);
	if (!p || !asi_test_private(p, d) || ksize(p) != 128)
		goto fail_p;
	/* What copy_to_user() checks; a failure is a usercopy BUG. */
	check_object_size(p, ksize(p), true);
	kfree(p);
	for (i = 0; i < ASI_TEST_BULK; i++) {
		bulk[i] = kmem_buckets_alloc(asi_test_buckets, 64 << (i % 3),
					     GFP_KERNEL);
		if (!bulk[i] || !asi_test_private(bulk[i], d))
			goto fail_bulk_kmalloc;
	}
	kfree_bulk(ASI_TEST_BULK, bulk);

	/* kfree_rcu() batches and frees in bulk from its own context. */
	obj = kmem_buckets_alloc(asi_test_buckets, sizeof(*obj), GFP_KERNEL);
	if (!obj || !asi_test_private(obj, d)) {
		kfree(obj);
		return -EIO;
	}
	kfree_rcu(obj, rcu);
	kvfree_rcu_barrier();
	return 0;

fail_p:
	kfree(p);
	return -EIO;
fail_bulk_cache:
	kmem_cache_free_bulk(asi_test_cache, i + 1, bulk);
	return -EIO;
fail_bulk_kmalloc:
	kfree_bulk(i + 1, bulk);
	return -EIO;
}

static int asi_test_cmd_slabapi(struct asi_test_args *a,
				struct asi_test_result *r)
{
	struct asi_domain *d = asi_domain_get_current();
	long peak = 0;
	int err;

	if (!d)
		return -EINVAL;
	err = asi_domain_set_classes(d, READ_ONCE(d->classes) |
				     BIT(ASI_CLASS_TEST));
	if (!err)
		err = asi_test_slab_interfaces(d, &peak);
	asi_domain_set_classes(d, READ_ONCE(d->classes) &
			       ~BIT(ASI_CLASS_TEST));
	if (!err)
		r->len = scnprintf(r->buf, sizeof(r->buf), "ok %ld %ld\n",
				   peak, asi_test_objects_live(d));
	asi_domain_put(d);
	return err;
}

/* A use after free of a private object, for KASAN to report. */
static int asi_test_cmd_uaf(struct asi_test_args *a, struct asi_test_result *r)
{
	struct asi_domain *d;
	u64 *obj;
	int err;

	if (!IS_ENABLED(CONFIG_KASAN))
		return -EOPNOTSUPP;
	d = asi_domain_get_current();
	if (!d)
		return -EINVAL;
	err = asi_domain_set_classes(d, READ_ONCE(d->classes) |
				     BIT(ASI_CLASS_TEST));
	if (err)
		goto out;
	obj = kmem_cache_alloc(asi_test_cache, GFP_KERNEL);
	if (!obj || !asi_test_private(obj, d)) {
		if (obj)
			kmem_cache_free(asi_test_cache, obj);
		err = -EIO;
		goto out_classes;
	}
	kmem_cache_free(asi_test_cache, obj);
	OPTIMIZER_HIDE_VAR(obj);
	(void)READ_ONCE(*obj);
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n",
			   (unsigned long)obj);
out_classes:
	asi_domain_set_classes(d, READ_ONCE(d->classes) &
			       ~BIT(ASI_CLASS_TEST));
out:
	asi_domain_put(d);
	return err;
}

/* Blocks the pool gave back to the buddy allocator, and how. */
static atomic_long_t asi_test_blocks_released;
static atomic_long_t asi_test_blocks_dirty;
static atomic_long_t asi_test_blocks_unmapped;

/* Called by the pool for each block it gives back. */
void asi_test_block_released(struct page *page)
{
	atomic_long_inc(&asi_test_blocks_released);
	if (!kernel_page_present(page) ||
	    !kernel_page_present(page + BIT(ASI_BLOCK_ORDER) - 1))
		atomic_long_inc(&asi_test_blocks_unmapped);
	else if (memchr_inv(page_address(page), 0, ASI_BLOCK_SIZE))
		atomic_long_inc(&asi_test_blocks_dirty);
}

static int asi_test_cmd_released(struct asi_test_args *a,
				 struct asi_test_result *r)
{
	r->len = scnprintf(r->buf, sizeof(r->buf), "%ld %ld %ld\n",
			   atomic_long_read(&asi_test_blocks_released),
			   atomic_long_read(&asi_test_blocks_dirty),
			   atomic_long_read(&asi_test_blocks_unmapped));
	return 0;
}

static int asi_test_cmd_cred(struct asi_test_args *a,
			     struct asi_test_result *r)
{
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n",
			   (unsigned long)current_cred());
	return 0;
}

static int asi_test_cmd_netns(struct asi_test_args *a,
			      struct asi_test_result *r)
{
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n",
			   (unsigned long)current->nsproxy->net_ns);
	return 0;
}

static int asi_test_cmd_free(struct asi_test_args *a,
			     struct asi_test_result *r)
{
	int slot;

	for (slot = 0; slot < ASI_TEST_MAX_PAGES; slot++) {
		if (r->pages[slot] == a->addr) {
			r->pages[slot] = 0;
			asi_free_pages(asi_virt_to_page((void *)a->addr), 0);
			return 0;
		}
	}
	return -ENOENT;
}

static int asi_test_cmd_write(struct asi_test_args *a,
			      struct asi_test_result *r)
{
	u8 byte;

	if (!a->arg[1] || kstrtou8(a->arg[1], 0, &byte))
		return -EINVAL;
	if (!asi_addr_domain(a->addr))
		return -ENOENT;
	memset((void *)(a->addr & PAGE_MASK), byte, PAGE_SIZE);
	return 0;
}

static int asi_test_cmd_read(struct asi_test_args *a,
			     struct asi_test_result *r)
{
	unsigned long val;

	if (!asi_addr_domain(a->addr))
		return -ENOENT;
	if (copy_from_kernel_nofault(&val, (void *)a->addr, sizeof(val)))
		return -EFAULT;
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n", val);
	return 0;
}

static int asi_test_cmd_read2(struct asi_test_args *a,
			      struct asi_test_result *r)
{
	unsigned long addr2, val, val2 = 0;
	int mapped2, err2 = 0;

	if (asi_test_parse_addr(a->arg[1], &addr2))
		return -EINVAL;
	if (!asi_addr_domain(a->addr) || !asi_addr_domain(addr2))
		return -ENOENT;
	if (copy_from_kernel_nofault(&val, (void *)a->addr, sizeof(val)))
		return -EFAULT;
	if (a->arg[2]) {
		unsigned long uaddr;
		char c;

		if (kstrtoul(a->arg[2], 0, &uaddr) ||
		    get_user(c, (char __user *)uaddr))
			return -EINVAL;
	}
	mapped2 = asi_test_view_maps(addr2);
	if (copy_from_kernel_nofault(&val2, (void *)addr2, sizeof(val2)))
		err2 = -EFAULT;
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx %d %d %#lx\n",
			   val, mapped2, err2, val2);
	return 0;
}

static int asi_test_cmd_trusted_read(struct asi_test_args *a,
				     struct asi_test_result *r)
{
	unsigned long val;
	int err;

	if (!asi_addr_domain(a->addr))
		return -ENOENT;
	err = asi_test_trusted_read(a->addr, a->verb[0] == 'i', &val);
	if (err)
		return err;
	r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n", val);
	return 0;
}

static int asi_test_cmd_usermapped(struct asi_test_args *a,
				   struct asi_test_result *r)
{
	r->len = scnprintf(r->buf, sizeof(r->buf), "%d\n",
			   asi_test_user_pgd_maps(a->addr));
	return 0;
}

static int asi_test_cmd_mapped(struct asi_test_args *a,
			       struct asi_test_result *r)
{
	r->len = scnprintf(r->buf, sizeof(r->buf), "%d\n",
			   asi_test_view_maps(a->addr));
	return 0;
}

static int asi_test_cmd_owner(struct asi_test_args *a,
			      struct asi_test_result *r)
{
	struct asi_domain *d = asi_addr_domain(a->addr);

	r->len = scnprintf(r->buf, sizeof(r->buf), "%u\n", d ? d->id : 0);
	return 0;
}

static int asi_test_cmd_directmap(struct asi_test_args *a,
				  struct asi_test_result *r)
{
	struct page *page = asi_virt_to_page((void *)a->addr);

	r->len = scnprintf(r->buf, sizeof(r->buf), "%d\n",
			   kernel_page_present(page));
	return 0;
}

/* The commands, as documented at the top of this file. */
static const struct asi_test_cmd {
	const char *verb;
	bool takes_addr;	/* the first argument is an address */
	int (*run)(struct asi_test_args *a, struct asi_test_result *r);
} asi_test_cmds[] = {
	{ "alloc",	false,	asi_test_cmd_alloc },
	{ "released",	false,	asi_test_cmd_released },
	{ "cred",	false,	asi_test_cmd_cred },
	{ "netns",	false,	asi_test_cmd_netns },
	{ "file",	false,	asi_test_cmd_fd },
	{ "pipe",	false,	asi_test_cmd_fd },
	{ "sock",	false,	asi_test_cmd_fd },
	{ "scan",	false,	asi_test_cmd_scan },
	{ "slabapi",	false,	asi_test_cmd_slabapi },
	{ "uaf",	false,	asi_test_cmd_uaf },
	{ "free",	true,	asi_test_cmd_free },
	{ "write",	true,	asi_test_cmd_write },
	{ "read",	true,	asi_test_cmd_read },
	{ "read2",	true,	asi_test_cmd_read2 },
	{ "irqread",	true,	asi_test_cmd_trusted_read },
	{ "kthreadread", true,	asi_test_cmd_trusted_read },
	{ "usermapped",	true,	asi_test_cmd_usermapped },
	{ "mapped",	true,	asi_test_cmd_mapped },
	{ "owner",	true,	asi_test_cmd_owner },
	{ "directmap",	true,	asi_test_cmd_directmap },
};

static int asi_test_command(char *cmd, struct asi_test_result *r)
{
	static const char *delims = "\n ";
	struct asi_test_args a = { .verb = strsep(&cmd, delims) };
	int i, err;

	r->len = 0;
	if (!a.verb)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(a.arg); i++)
		a.arg[i] = strsep(&cmd, delims);
	for (i = 0; i < ARRAY_SIZE(asi_test_cmds); i++) {
		const struct asi_test_cmd *c = &asi_test_cmds[i];

		if (strcmp(a.verb, c->verb))
			continue;
		if (c->takes_addr) {
			err = asi_test_parse_addr(a.arg[0], &a.addr);
			if (err)
				return err;
		}
		return c->run(&a, r);
	}
	return -EINVAL;
}

static int asi_test_open(struct inode *inode, struct file *file)
{
	struct asi_test_result *r;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	file->private_data = r;
	return 0;
}

static int asi_test_release(struct inode *inode, struct file *file)
{
	struct asi_test_result *r = file->private_data;
	int slot;

	for (slot = 0; slot < ASI_TEST_MAX_PAGES; slot++) {
		if (r->pages[slot])
			asi_free_pages(asi_virt_to_page((void *)r->pages[slot]),
				       0);
	}
	kfree(r);
	return 0;
}

static ssize_t asi_test_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct asi_test_result *r = file->private_data;
	char cmd[64], ubuf_copy[64], check[64];
	int err;

	if (asi_disabled)
		return -ENODEV;
	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	memcpy(ubuf_copy, cmd, count);
	mutex_lock(&r->lock);
	err = asi_test_command(cmd, r);
	mutex_unlock(&r->lock);
	/*
	 * A command may have left the domain view (enforce=0): user memory
	 * must still be reachable for the rest of the system call.
	 */
	if (!err && copy_from_user(check, ubuf, count))
		err = -EFAULT;
	if (!err && memcmp(check, ubuf_copy, count))
		err = -EIO;
	/* The next read returns this command's result from its start. */
	*ppos = 0;
	return err ? err : count;
}

static ssize_t asi_test_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct asi_test_result *r = file->private_data;
	ssize_t ret;

	mutex_lock(&r->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, r->buf, r->len);
	mutex_unlock(&r->lock);
	return ret;
}

static const struct file_operations asi_test_fops = {
	.owner		= THIS_MODULE,
	.open		= asi_test_open,
	.release	= asi_test_release,
	.write		= asi_test_write,
	.read		= asi_test_read,
};

void __init asi_test_init(struct dentry *dir)
{
	size_t size = sizeof(struct asi_test_obj);

	asi_test_cache = kmem_cache_create_usercopy("asi_test", size, 0,
						    SLAB_ASI_SOURCE, 0, size,
						    NULL);
	asi_test_buckets = kmem_buckets_create("asi_test", SLAB_ASI_SOURCE, 0,
					       UINT_MAX, NULL);
	asi_register_cache(asi_test_cache, ASI_CLASS_TEST);
	asi_register_buckets(asi_test_buckets, ASI_CLASS_TEST);
	debugfs_create_file("test", 0600, dir, NULL, &asi_test_fops);
}
