/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: the only place where Debian's 6.1 and 6.12 kernels differ for
 * this driver.  One switch: LINUX_VERSION_CODE >= 6.12 (Debian's 6.12 also
 * carries later backports, so upstream version numbers would mislead).
 */
#ifndef CNVME_COMPAT_H
#define CNVME_COMPAT_H

#include <linux/blk-integrity.h>
#include <linux/blk-mq.h>
#include <linux/nvme.h>
#include <linux/t10-pi.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define CNVME_KERNEL_6_12 1
#endif

/* io_uring passthrough: the command payload inside the 128-byte SQE. */
#ifdef CNVME_KERNEL_6_12
#include <linux/io_uring/cmd.h>

static inline const void *cnvme_uring_cmd_payload(struct io_uring_cmd *c)
{
	return io_uring_sqe_cmd(c->sqe);
}

/* Finish in the submitter's task; 6.12 can batch the wake-ups (lazy). */
static inline void
cnvme_uring_complete_in_task(struct io_uring_cmd *c,
			     void (*cb)(struct io_uring_cmd *, unsigned int))
{
	io_uring_cmd_do_in_task_lazy(c, cb);
}
#else
#include <linux/io_uring.h>

static inline const void *cnvme_uring_cmd_payload(struct io_uring_cmd *c)
{
	return c->cmd;
}

static inline void
cnvme_uring_complete_in_task(struct io_uring_cmd *c,
			     void (*cb)(struct io_uring_cmd *, unsigned int))
{
	io_uring_cmd_complete_in_task(c, cb);
}
#endif

/* Class callbacks take a const device on 6.12. */
#ifdef CNVME_KERNEL_6_12
#define cnvme_class_dev_t	const struct device
#else
#define cnvme_class_dev_t	struct device
#endif

/* The open mode block device operations are given. */
#ifdef CNVME_KERNEL_6_12
#define cnvme_blk_mode_t	blk_mode_t
#define CNVME_BLK_OPEN_WRITE	BLK_OPEN_WRITE
#else
#define cnvme_blk_mode_t	fmode_t
#define CNVME_BLK_OPEN_WRITE	FMODE_WRITE
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

/*
 * Limits of the admin queue, once Identify Controller gave MDTS: user
 * passthrough maps its buffers as PRPs under these.
 */
static inline int cnvme_compat_admin_limits(struct request_queue *q,
					    unsigned int max_hw_sectors,
					    unsigned short max_segments,
					    unsigned long virt_boundary)
{
#ifdef CNVME_KERNEL_6_12
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_sectors = max_hw_sectors;
	lim.max_segments = max_segments;
	lim.virt_boundary_mask = virt_boundary;
	lim.dma_alignment = 3;
	return queue_limits_commit_update(q, &lim);
#else
	blk_queue_max_hw_sectors(q, max_hw_sectors);
	blk_queue_max_segments(q, max_segments);
	blk_queue_virt_boundary(q, virt_boundary);
	blk_queue_dma_alignment(q, 3);
	return 0;
#endif
}

/*
 * SUBMIT_IO with PRACT: does the controller insert and strip all the
 * metadata, so that the caller passes none?  6.12 compares the metadata
 * size with the PI size (0 without PI); 6.1 with the 8-byte tuple.
 */
static inline bool cnvme_pract_strips_meta(u16 ms, u8 pi_type)
{
#ifdef CNVME_KERNEL_6_12
	return ms == (pi_type ? sizeof(struct t10_pi_tuple) : 0);
#else
	return ms == sizeof(struct t10_pi_tuple);
#endif
}

/*
 * Attributes only 6.12's driver has: the namespace's csi, metadata_bytes,
 * nuse and passthru_err_log_enabled, the controller's
 * passthru_err_log_enabled, and the queue-depth I/O policy.
 */
#ifdef CNVME_KERNEL_6_12
#define CNVME_SYSFS_6_12	1
#else
#define CNVME_SYSFS_6_12	0
#endif

/*
 * Data segments per request, and whether the optimal I/O size defaults
 * to the block size (6.1) or to none (6.12), as each kernel's driver
 * reports them in sysfs.
 */
#ifdef CNVME_KERNEL_6_12
#define CNVME_QUEUE_MAX_SEGMENTS	128
#define CNVME_IO_OPT_IS_BLOCK		0
#else
#define CNVME_QUEUE_MAX_SEGMENTS	127
#define CNVME_IO_OPT_IS_BLOCK		1
#endif

/*
 * Who may send passthrough commands.  6.1 asks for CAP_SYS_ADMIN on every
 * passthrough path but SUBMIT_IO; 6.12 lets unprivileged callers send
 * harmless commands and checks SUBMIT_IO too (effects.c has the rules).
 */
#ifdef CNVME_KERNEL_6_12
#define CNVME_FINE_PERMISSIONS	1
#else
#define CNVME_FINE_PERMISSIONS	0
#endif

/*
 * ->queue_rqs() takes a struct rq_list on 6.12 and a bare request list
 * on 6.1.  cnvme_rq_list is a head/tail list on both; CNVME_QUEUE_RQS()
 * defines the entry point blk-mq calls around a function
 * void fn(struct cnvme_rq_list *in, struct cnvme_rq_list *requeue).
 */
#ifdef CNVME_KERNEL_6_12
#define cnvme_rq_list rq_list

static inline void cnvme_rq_list_add_tail(struct rq_list *l,
					  struct request *rq)
{
	rq_list_add_tail(l, rq);
}

static inline struct request *cnvme_rq_list_pop(struct rq_list *l)
{
	return rq_list_pop(l);
}

#define CNVME_QUEUE_RQS(entry, fn)					\
static void entry(struct rq_list *rqlist)				\
{									\
	struct rq_list requeue = { };					\
									\
	fn(rqlist, &requeue);						\
	*rqlist = requeue;						\
}
#else
struct cnvme_rq_list {
	struct request *head;
	struct request *tail;
};

static inline void cnvme_rq_list_add_tail(struct cnvme_rq_list *l,
					  struct request *rq)
{
	rq->rq_next = NULL;
	if (l->tail)
		l->tail->rq_next = rq;
	else
		l->head = rq;
	l->tail = rq;
}

static inline struct request *cnvme_rq_list_pop(struct cnvme_rq_list *l)
{
	struct request *rq = l->head;

	if (rq) {
		l->head = rq->rq_next;
		if (!l->head)
			l->tail = NULL;
		rq->rq_next = NULL;
	}
	return rq;
}

#define CNVME_QUEUE_RQS(entry, fn)					\
static void entry(struct request **rqlist)				\
{									\
	struct cnvme_rq_list in = { .head = *rqlist };			\
	struct cnvme_rq_list requeue = { };				\
									\
	fn(&in, &requeue);						\
	*rqlist = requeue.head;						\
}
#endif

#ifdef CNVME_KERNEL_6_12
#define CNVME_BLK_STS_RESV_CONFLICT	BLK_STS_RESV_CONFLICT
#else
#define CNVME_BLK_STS_RESV_CONFLICT	BLK_STS_NEXUS
#endif

/*
 * What the driver sets on a namespace's queue, kernel-neutral.  6.12
 * takes it as struct queue_limits at allocation and through an update
 * on a frozen queue; 6.1 through the blk_queue_* setters.
 */
struct cnvme_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int io_min;
	unsigned int io_opt;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned long virt_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	unsigned short max_discard_segments;
	unsigned int discard_granularity;
	unsigned int max_write_zeroes_sectors;
	/* atomic writes (6.12 only): bytes */
	unsigned int atomic_max;
	unsigned int atomic_boundary;
	unsigned int atomic_unit_min;
	unsigned int atomic_unit_max;
	bool write_cache;
	bool fua;
	/* block integrity: metadata through a separate buffer (MPTR) */
	bool integrity;
	unsigned char meta_size;	/* bytes of metadata per block */
	unsigned char interval_exp;	/* log2 of the block size */
	unsigned char pi_type;		/* 0: metadata without PI */
};

#ifdef CNVME_KERNEL_6_12
static inline void cnvme_fill_queue_limits(struct queue_limits *lim,
					   const struct cnvme_limits *cl)
{
	lim->logical_block_size = cl->logical_block_size;
	lim->physical_block_size = cl->physical_block_size;
	lim->io_min = cl->io_min;
	lim->io_opt = cl->io_opt;
	lim->max_hw_sectors = cl->max_hw_sectors;
	lim->max_segments = cl->max_segments;
	lim->virt_boundary_mask = cl->virt_boundary_mask;
	lim->dma_alignment = cl->dma_alignment;
	lim->max_hw_discard_sectors = cl->max_discard_sectors;
	lim->max_discard_segments = cl->max_discard_segments;
	lim->discard_granularity = cl->discard_granularity;
	lim->max_write_zeroes_sectors = cl->max_write_zeroes_sectors;
	lim->atomic_write_hw_max = cl->atomic_max;
	lim->atomic_write_hw_boundary = cl->atomic_boundary;
	lim->atomic_write_hw_unit_min = cl->atomic_unit_min;
	lim->atomic_write_hw_unit_max = cl->atomic_unit_max;
	lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			   BLK_FEAT_ROTATIONAL | BLK_FEAT_ADD_RANDOM);
	if (cl->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (cl->fua)
		lim->features |= BLK_FEAT_FUA;

	/* one metadata segment, shown even where there is no metadata */
	memset(&lim->integrity, 0, sizeof(lim->integrity));
	lim->max_integrity_segments = 1;
	if (!cl->integrity)
		return;
	lim->integrity.tuple_size = cl->meta_size;
	lim->integrity.interval_exp = cl->interval_exp;
	switch (cl->pi_type) {
	case NVME_NS_DPS_PI_TYPE1:
	case NVME_NS_DPS_PI_TYPE2:
		lim->integrity.csum_type = BLK_INTEGRITY_CSUM_CRC;
		lim->integrity.tag_size = sizeof(u16);
		lim->integrity.flags = BLK_INTEGRITY_DEVICE_CAPABLE |
				       BLK_INTEGRITY_REF_TAG;
		break;
	case NVME_NS_DPS_PI_TYPE3:
		lim->integrity.csum_type = BLK_INTEGRITY_CSUM_CRC;
		lim->integrity.tag_size = sizeof(u16) + sizeof(u32);
		lim->integrity.flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	default:
		lim->integrity.csum_type = BLK_INTEGRITY_CSUM_NONE;
		break;
	}
}

static inline struct gendisk *
cnvme_compat_alloc_disk(struct blk_mq_tag_set *set,
			const struct cnvme_limits *cl, void *queuedata)
{
	struct queue_limits lim = { };

	cnvme_fill_queue_limits(&lim, cl);
	return blk_mq_alloc_disk(set, &lim, queuedata);
}

/*
 * A multipath head's disk: bio-based, stacking limits, then the path's
 * (without integrity); nowait, polling when the path's controller has
 * poll queues, I/O statistics on 6.12 only (as nvme_core's heads).
 */
static inline struct gendisk *
cnvme_compat_alloc_head_disk(const struct cnvme_limits *cl, int node,
			     bool poll)
{
	struct queue_limits lim;

	blk_set_stacking_limits(&lim);
	lim.max_zone_append_sectors = 0;	/* not zoned */
	cnvme_fill_queue_limits(&lim, cl);
	lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT;
	if (poll)
		lim.features |= BLK_FEAT_POLL;
	return blk_alloc_disk(&lim, node);
}

static inline int cnvme_compat_update_limits(struct gendisk *disk,
					     const struct cnvme_limits *cl)
{
	struct queue_limits lim = queue_limits_start_update(disk->queue);

	cnvme_fill_queue_limits(&lim, cl);
	return queue_limits_commit_update_frozen(disk->queue, &lim);
}
#else
static inline void cnvme_set_integrity(struct gendisk *disk,
				       const struct cnvme_limits *cl)
{
	struct blk_integrity bi = { };

	if (!cl->integrity) {
		if (blk_get_integrity(disk))
			blk_integrity_unregister(disk);
		blk_queue_max_integrity_segments(disk->queue, 0);
		return;
	}
	switch (cl->pi_type) {
	case NVME_NS_DPS_PI_TYPE1:
	case NVME_NS_DPS_PI_TYPE2:
		bi.profile = &t10_pi_type1_crc;
		bi.tag_size = sizeof(u16);
		bi.flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	case NVME_NS_DPS_PI_TYPE3:
		bi.profile = &t10_pi_type3_crc;
		bi.tag_size = sizeof(u16) + sizeof(u32);
		bi.flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	default:
		break;	/* the block layer's "nop" profile */
	}
	bi.tuple_size = cl->meta_size;
	bi.interval_exp = cl->interval_exp;
	blk_integrity_register(disk, &bi);
	blk_queue_max_integrity_segments(disk->queue, 1);
}

static inline void cnvme_set_queue_limits(struct request_queue *q,
					  const struct cnvme_limits *cl)
{
	blk_queue_logical_block_size(q, cl->logical_block_size);
	blk_queue_physical_block_size(q, cl->physical_block_size);
	blk_queue_io_min(q, cl->io_min);
	blk_queue_io_opt(q, cl->io_opt);
	blk_queue_max_hw_sectors(q, cl->max_hw_sectors);
	blk_queue_max_segments(q, cl->max_segments);
	/* sets max_segment_size too; no setter of it may follow */
	blk_queue_virt_boundary(q, cl->virt_boundary_mask);
	blk_queue_dma_alignment(q, cl->dma_alignment);
	blk_queue_max_discard_sectors(q, cl->max_discard_sectors);
	blk_queue_max_discard_segments(q, cl->max_discard_segments);
	q->limits.discard_granularity = cl->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, cl->max_write_zeroes_sectors);
	blk_queue_write_cache(q, cl->write_cache, cl->fua);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
}

static inline struct gendisk *
cnvme_compat_alloc_disk(struct blk_mq_tag_set *set,
			const struct cnvme_limits *cl, void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(disk)) {
		cnvme_set_queue_limits(disk->queue, cl);
		cnvme_set_integrity(disk, cl);
	}
	return disk;
}

static inline struct gendisk *
cnvme_compat_alloc_head_disk(const struct cnvme_limits *cl, int node,
			     bool poll)
{
	struct gendisk *disk = blk_alloc_disk(node);

	if (IS_ERR(disk))
		return disk;
	blk_set_stacking_limits(&disk->queue->limits);
	disk->queue->limits.max_zone_append_sectors = 0;	/* not zoned */
	cnvme_set_queue_limits(disk->queue, cl);
	/* 6.1's heads keep no I/O statistics of their own */
	blk_queue_flag_clear(QUEUE_FLAG_IO_STAT, disk->queue);
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	if (poll)
		blk_queue_flag_set(QUEUE_FLAG_POLL, disk->queue);
	return disk;
}

static inline int cnvme_compat_update_limits(struct gendisk *disk,
					     const struct cnvme_limits *cl)
{
	blk_mq_freeze_queue(disk->queue);
	cnvme_set_queue_limits(disk->queue, cl);
	cnvme_set_integrity(disk, cl);
	blk_mq_unfreeze_queue(disk->queue);
	return 0;
}
#endif

#endif /* CNVME_COMPAT_H */
