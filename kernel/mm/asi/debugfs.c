// SPDX-License-Identifier: GPL-2.0
/*
 * asi debugfs: /sys/kernel/debug/asi/domains lists every domain, live or
 * dying (removed, but with private memory or mms still in use), with its
 * figures and the classes of its live private objects; the test helper
 * (test.c) and the fault-injection point of pool growth (fail_grow, with
 * CONFIG_FAULT_INJECTION_DEBUG_FS) live in the same directory.
 *
 * keys says which hooks are on: how many domains hold the static key that
 * turns asi's hooks on (it goes off a second after the last one), and how
 * many live domains make each class private.
 *
 * cross_sites counts, per kernel code address, the accesses to another
 * domain's private memory, with the domains of the last one: which kernel
 * paths cross between tenants.
 */
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/init.h>
#include <linux/seq_file.h>

#include "internal.h"

#define ASI_CROSS_SITES_BITS	6
#define ASI_CROSS_SITES		BIT(ASI_CROSS_SITES_BITS)

static struct asi_cross_site {
	unsigned long ip;
	atomic_long_t count;
	unsigned int from, to;		/* domain ids of the last access */
} asi_cross_sites[ASI_CROSS_SITES];
static atomic_long_t asi_cross_sites_lost;

/* From the fault handler, interrupts off: lockless, open addressing. */
void asi_debug_cross_site(unsigned long ip, unsigned int from,
			  unsigned int to)
{
	unsigned int h = hash_long(ip, ASI_CROSS_SITES_BITS), i;

	for (i = 0; i < ASI_CROSS_SITES; i++) {
		struct asi_cross_site *site =
			&asi_cross_sites[(h + i) % ASI_CROSS_SITES];
		unsigned long old = READ_ONCE(site->ip);

		if (!old)
			old = cmpxchg(&site->ip, 0, ip) ?: ip;
		if (old == ip) {
			atomic_long_inc(&site->count);
			WRITE_ONCE(site->from, from);
			WRITE_ONCE(site->to, to);
			return;
		}
	}
	atomic_long_inc(&asi_cross_sites_lost);
}

static int asi_cross_sites_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < ASI_CROSS_SITES; i++) {
		unsigned long ip = READ_ONCE(asi_cross_sites[i].ip);

		if (ip)
			seq_printf(m, "%ld %pS domain %u -> %u\n",
				   atomic_long_read(&asi_cross_sites[i].count),
				   (void *)ip, READ_ONCE(asi_cross_sites[i].from),
				   READ_ONCE(asi_cross_sites[i].to));
	}
	if (atomic_long_read(&asi_cross_sites_lost))
		seq_printf(m, "%ld (other sites)\n",
			   atomic_long_read(&asi_cross_sites_lost));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(asi_cross_sites);

static int asi_domains_show(struct seq_file *m, void *v)
{
	struct asi_domain *d;
	char name[64];

	seq_printf(m, "dying %ld\n", atomic_long_read(&asi_dying_domains));
	spin_lock(&asi_domains_lock);
	list_for_each_entry(d, &asi_domains, node) {
		unsigned long objects[ASI_NR_CLASSES], bytes[ASI_NR_CLASSES];
		int i;

		seq_printf(m, "domain %u %s %s refs %u blocks %lu private_pages %lu pagetable_pages %lu",
			   d->id, asi_cgroup_name(d->css, name, sizeof(name)),
			   READ_ONCE(d->dying) ? "dying" : "live",
			   refcount_read(&d->ref), READ_ONCE(d->nr_blocks),
			   READ_ONCE(d->nr_private_pages),
			   READ_ONCE(d->nr_pt_pages));
		/* What keeps a dying domain alive. */
		asi_domain_class_stat(d, objects, bytes);
		for (i = 0; i < ASI_NR_CLASSES; i++)
			if (objects[i])
				seq_printf(m, " %s %lu", asi_class_name(i),
					   objects[i]);
		seq_putc(m, '\n');
	}
	spin_unlock(&asi_domains_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(asi_domains);

/* Which hooks are on: the domains' key, and each class's. */
static int asi_keys_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "domains %d\n", static_key_count(&asi_active.key.key));
	for (i = 0; i < ASI_NR_CLASSES; i++)
		seq_printf(m, "%s %d\n", asi_class_name(i),
			   static_key_count(&asi_class_keys[i].key));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(asi_keys);

static int __init asi_debugfs_init(void)
{
	struct dentry *dir;

	if (asi_disabled)
		return 0;
	dir = debugfs_create_dir("asi", NULL);
	debugfs_create_file("domains", 0400, dir, NULL, &asi_domains_fops);
	debugfs_create_file("cross_sites", 0400, dir, NULL,
			    &asi_cross_sites_fops);
	debugfs_create_file("keys", 0400, dir, NULL, &asi_keys_fops);
	asi_pool_debugfs_init(dir);
	asi_test_init(dir);
	return 0;
}
late_initcall(asi_debugfs_init);
