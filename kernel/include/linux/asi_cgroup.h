/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the asi controller (kernel/cgroup/asi.c) and the
 * mechanism behind it (mm/asi/).
 *
 * The controller owns the cgroup side: which cgroups are isolated, their
 * interface files and the migration rules.  mm/asi owns the domains: their
 * page-table trees, private memory and objects.  A domain is opaque to the
 * controller, which holds one reference per isolated cgroup and reaches
 * the domain only through the calls below, each taking the locks of
 * mm/asi that it needs.  The controller in turn answers the few questions
 * mm/asi has about cgroups (upcalls): which domain a task is in, the name
 * of a domain's cgroup, and what to do when a domain's task broke the
 * rules.  Nothing else crosses.
 */
#ifndef _LINUX_ASI_CGROUP_H
#define _LINUX_ASI_CGROUP_H

#include <linux/asi_objects.h>
#include <linux/types.h>

struct asi_domain;
struct cgroup_subsys_state;
struct seq_file;
struct task_struct;

#ifdef CONFIG_CGROUP_ASI

/* Domains, for the controller (mm/asi/domain.c). */
struct asi_domain *asi_domain_create(struct cgroup_subsys_state *css);
void asi_domain_release(struct asi_domain *d);
void asi_domain_set_enforce(struct asi_domain *d, bool enforce);
void asi_domain_set_fail_closed(struct asi_domain *d, bool fail_closed);

/* A snapshot of a domain's figures, for asi.stat and asi.events. */
struct asi_domain_stat {
	unsigned int id;
	unsigned long private_bytes;	/* handed out by the pool */
	unsigned long pool_blocks;
	unsigned long pool_blocks_free;	/* empty, kept for reuse */
	unsigned long pool_bytes;	/* in the pool's blocks */
	unsigned long pagetable_bytes;	/* the domain's tree */
	unsigned long fallbacks;
	unsigned long exits;
	unsigned long cross_domain;
	unsigned long violations;
	unsigned long objects[ASI_NR_CLASSES];
	unsigned long object_bytes[ASI_NR_CLASSES];
};

void asi_domain_stat(struct asi_domain *d, struct asi_domain_stat *st);

/* Object classes, for asi.private_objects (mm/asi/objects.c). */
const char *asi_class_name(enum asi_class class);
int asi_classes_parse(char *buf, unsigned long *mask);
void asi_classes_show(struct seq_file *sf, unsigned long mask);
int asi_domain_set_classes(struct asi_domain *d, unsigned long mask);

/* After a migration or a fork into another cgroup (mm/asi/view.c). */
void asi_task_update_view(struct task_struct *tsk);

/*
 * Upcalls, answered by the controller.  asi_task_domain() needs
 * rcu_read_lock() or another pin of @tsk's cgroup.  asi_cgroup_kill()
 * sleeps; asi_cgroup_name() and asi_cgroup_notify_events() may be called
 * from any context a work item runs in.
 */
struct asi_domain *asi_task_domain(struct task_struct *tsk);
const char *asi_cgroup_name(struct cgroup_subsys_state *css, char *buf,
			    size_t len);
void asi_cgroup_notify_events(struct cgroup_subsys_state *css);
void asi_cgroup_kill(struct cgroup_subsys_state *css);

#endif /* CONFIG_CGROUP_ASI */
#endif /* _LINUX_ASI_CGROUP_H */
