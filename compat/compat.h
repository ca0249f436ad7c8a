/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: the only place where Debian's 6.1 and 6.12 kernels differ for
 * this driver.  One switch: LINUX_VERSION_CODE >= 6.12 (Debian's 6.12 also
 * carries later backports, so upstream version numbers would mislead).
 */
#ifndef CNVME_COMPAT_H
#define CNVME_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define CNVME_KERNEL_6_12 1
#endif

/* A request queue without a disk (the admin queue). */
static inline struct request_queue *
cnvme_compat_alloc_queue(struct blk_mq_tag_set *set, void *queuedata)
{
#ifdef CNVME_KERNEL_6_12
	return blk_mq_alloc_queue(set, NULL, queuedata);
#else
	struct request_queue *q = blk_mq_init_queue(set);

	if (!IS_ERR(q))
		q->queuedata = queuedata;
	return q;
#endif
}

#endif /* CNVME_COMPAT_H */
