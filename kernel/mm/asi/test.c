// SPDX-License-Identifier: GPL-2.0
/*
 * asi test helper: /sys/kernel/debug/asi/test (CONFIG_ASI_TEST, root only).
 *
 * Lets the selftests act as a malicious tenant.  Each write is a command
 * executed in the writer's own context (its view, its domain); the result
 * is read back from the same open file:
 *
 *   alloc            allocate a private page in the caller's domain,
 *                    fill it with 0x5a; result: its address.  The page
 *                    belongs to the open file and is freed when the
 *                    file is released, so it can outlive its domain.
 *   free ADDR        free a page from "alloc" on this file
 *   write ADDR BYTE  fill the page at ADDR with BYTE (plain stores)
 *   read ADDR        read 8 bytes at ADDR with a fault-tolerant load;
 *                    result: the value in hex, or the error
 *   mapped ADDR      walk the current CR3; result: 1 if mapped, else 0
 *   directmap ADDR   1 if the page behind alias ADDR is present in the
 *                    direct map, else 0
 *   released         blocks released, of which not zeroed, of which not
 *                    restored to the direct map
 *
 * Reads use copy_from_kernel_nofault() so that a refused cross-domain
 * read fails with EFAULT instead of oopsing the test process: the point
 * is to prove the data never comes back.
 */
#define pr_fmt(fmt) "asi: " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

#define ASI_TEST_MAX_PAGES	64

struct asi_test_result {
	char buf[128];
	size_t len;
	struct mutex lock;
	unsigned long pages[ASI_TEST_MAX_PAGES];
};

static int asi_test_parse_addr(const char *arg, unsigned long *addr)
{
	if (!arg || kstrtoul(arg, 0, addr))
		return -EINVAL;
	if (!asi_addr_in_slot(*addr) || !PAGE_ALIGNED(*addr & ~7UL))
		return -EINVAL;
	return 0;
}

static int asi_test_alloc(struct asi_test_result *r)
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
	rcu_read_lock();
	d = asi_task_domain(current);
	if (d)
		asi_domain_get(d);
	rcu_read_unlock();
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

static int asi_test_command(char *cmd, struct asi_test_result *r)
{
	char *verb = strsep(&cmd, " \n");
	char *arg = strsep(&cmd, " \n");
	char *arg2 = strsep(&cmd, " \n");
	unsigned long addr, val;
	u8 byte;
	int err;

	r->len = 0;
	if (!verb)
		return -EINVAL;
	if (!strcmp(verb, "alloc"))
		return asi_test_alloc(r);
	if (!strcmp(verb, "released")) {
		r->len = scnprintf(r->buf, sizeof(r->buf), "%ld %ld %ld\n",
				   atomic_long_read(&asi_blocks_released),
				   atomic_long_read(&asi_blocks_released_dirty),
				   atomic_long_read(&asi_blocks_released_unmapped));
		return 0;
	}

	err = asi_test_parse_addr(arg, &addr);
	if (err)
		return err;

	if (!strcmp(verb, "free")) {
		int slot;

		for (slot = 0; slot < ASI_TEST_MAX_PAGES; slot++) {
			if (r->pages[slot] == addr) {
				r->pages[slot] = 0;
				asi_free_pages(asi_virt_to_page((void *)addr), 0);
				return 0;
			}
		}
		return -ENOENT;
	}
	if (!strcmp(verb, "write")) {
		if (!arg2 || kstrtou8(arg2, 0, &byte))
			return -EINVAL;
		if (!asi_addr_domain(addr))
			return -ENOENT;
		memset((void *)(addr & PAGE_MASK), byte, PAGE_SIZE);
		return 0;
	}
	if (!strcmp(verb, "read")) {
		if (!asi_addr_domain(addr))
			return -ENOENT;
		if (copy_from_kernel_nofault(&val, (void *)addr, sizeof(val)))
			return -EFAULT;
		r->len = scnprintf(r->buf, sizeof(r->buf), "%#lx\n", val);
		return 0;
	}
	if (!strcmp(verb, "mapped")) {
		r->len = scnprintf(r->buf, sizeof(r->buf), "%d\n",
				   asi_current_view_maps(addr));
		return 0;
	}
	if (!strcmp(verb, "directmap")) {
		r->len = scnprintf(r->buf, sizeof(r->buf), "%d\n",
			kernel_page_present(asi_virt_to_page((void *)addr)));
		return 0;
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
	char cmd[64];
	int err;

	if (!asi_enabled())
		return -ENODEV;
	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	mutex_lock(&r->lock);
	err = asi_test_command(cmd, r);
	mutex_unlock(&r->lock);
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
	debugfs_create_file("test", 0600, dir, NULL, &asi_test_fops);
}
