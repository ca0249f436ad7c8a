/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: the kernel APIs that changed between the kernels cnvme builds
 * for, one block per API, each named for it with the upstream release
 * that changed it.  The form is chosen by a feature test: a probe of
 * compat/probes/ compiled against the kernel's own headers at build time
 * (scripts/compat-probe.sh writes cnvme_features.h) or a macro.  Never
 * by version: distributions backport (Debian's 6.12 has several 6.13-6.15
 * APIs).  What the in-kernel driver of a kernel does differently is not
 * an API: that is parity.h.
 */
#ifndef CNVME_COMPAT_H
#define CNVME_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/pci.h>
#include <linux/io_uring.h>

#include "cnvme_features.h"
#ifdef CNVME_HAVE_IO_URING_CMD_H
#include <linux/io_uring/cmd.h>		/* 6.7 */
#endif
#ifndef CNVME_HAVE_BLK_MQ_MAP_HW_QUEUES
#include <linux/blk-mq-pci.h>		/* gone in 6.15 */
#endif
#include "parity.h"

/*
 * io_uring passthrough: the command payload inside the (128-byte) SQE.
 * 6.1 gives ->cmd; 6.5 the whole SQE and io_uring_sqe_cmd(sqe); after
 * 6.12 a macro that names the payload's type and checks its size against
 * the big SQE.
 */
#if defined(io_uring_sqe128_cmd)
#define cnvme_uring_cmd_payload(c, type)	io_uring_sqe128_cmd((c)->sqe, type)
#elif defined(CNVME_HAVE_URING_CMD_SQE)
#define cnvme_uring_cmd_payload(c, type)	\
	((const type *)io_uring_sqe_cmd((c)->sqe))
#else
#define cnvme_uring_cmd_payload(c, type)	((const type *)(c)->cmd)
#endif

/*
 * Finishing a passthrough command in the submitter's task.
 * CNVME_URING_TASK_CB(entry, fn) defines the callback io_uring calls,
 * around fn(struct io_uring_cmd *, unsigned int issue_flags).  After 6.12
 * it is given a struct io_tw_req; 6.5 can batch the wake-ups (lazy).
 */
#if defined(CNVME_HAVE_URING_TW_REQ)
#define CNVME_URING_TASK_CB(entry, fn)					\
static void entry(struct io_tw_req tw_req, io_tw_token_t tw)		\
{									\
	fn(io_uring_cmd_from_tw(tw_req), IO_URING_CMD_TASK_WORK_ISSUE_FLAGS); \
}

#define cnvme_uring_complete_in_task	io_uring_cmd_do_in_task_lazy
#else
#define CNVME_URING_TASK_CB(entry, fn)					\
static void entry(struct io_uring_cmd *c, unsigned int issue_flags)	\
{									\
	fn(c, issue_flags);						\
}

#if defined(CNVME_HAVE_URING_CMD_LAZY)
#define cnvme_uring_complete_in_task	io_uring_cmd_do_in_task_lazy
#else
#define cnvme_uring_complete_in_task	io_uring_cmd_complete_in_task
#endif
#endif

/* Posting the CQE with res2: io_uring_cmd_done32() after 6.12. */
static inline void cnvme_uring_cmd_done(struct io_uring_cmd *c, s32 ret,
					u64 res2, unsigned int issue_flags)
{
#ifdef CNVME_HAVE_URING_CMD_DONE32
	io_uring_cmd_done32(c, ret, res2, issue_flags);
#else
	io_uring_cmd_done(c, ret, res2, issue_flags);
#endif
}

/* A registered buffer: the issue flags follow the command (6.15). */
static inline int cnvme_uring_import_fixed(u64 ubuf, unsigned long len,
					   int rw, struct iov_iter *iter,
					   struct io_uring_cmd *c,
					   unsigned int issue_flags)
{
#ifdef CNVME_HAVE_URING_IMPORT_FIXED_CMD
	return io_uring_cmd_import_fixed(ubuf, len, rw, iter, c, issue_flags);
#else
	return io_uring_cmd_import_fixed(ubuf, len, rw, iter, c);
#endif
}

/*
 * A vector of registered buffers (6.15): -EINVAL where the kernel cannot
 * import one, as its in-kernel driver answers.
 */
static inline int cnvme_uring_import_fixed_vec(u64 uvec, unsigned long nr,
					       int rw, struct iov_iter *iter,
					       struct io_uring_cmd *c,
					       unsigned int issue_flags)
{
#ifdef CNVME_HAVE_URING_IMPORT_FIXED_VEC
	return io_uring_cmd_import_fixed_vec(c, u64_to_user_ptr(uvec), nr, rw,
					     iter, issue_flags);
#else
	return -EINVAL;
#endif
}

/* Class callbacks take a const device (6.2, 6.3). */
#ifdef CNVME_HAVE_CLASS_CONST_DEV
#define cnvme_class_dev_t	const struct device
#else
#define cnvme_class_dev_t	struct device
#endif

/* The open mode block device operations are given (6.5). */
#ifdef BLK_OPEN_WRITE
#define cnvme_blk_mode_t	blk_mode_t
#define CNVME_BLK_OPEN_WRITE	BLK_OPEN_WRITE
#else
#define cnvme_blk_mode_t	fmode_t
#define CNVME_BLK_OPEN_WRITE	FMODE_WRITE
#endif

/* A reservation conflict's block status (6.5: no longer "nexus"). */
#ifdef BLK_STS_RESV_CONFLICT
#define CNVME_BLK_STS_RESV_CONFLICT	BLK_STS_RESV_CONFLICT
#else
#define CNVME_BLK_STS_RESV_CONFLICT	BLK_STS_NEXUS
#endif

/* Tag-set flags that ask for bio merging: the default since 6.14. */
#ifdef CNVME_HAVE_BLK_MQ_F_SHOULD_MERGE
#define CNVME_BLK_MQ_F_MERGE	BLK_MQ_F_SHOULD_MERGE
#else
#define CNVME_BLK_MQ_F_MERGE	0
#endif

/* A request queue without a disk (the admin queue): 6.9. */
static inline struct request_queue *
cnvme_compat_alloc_queue(struct blk_mq_tag_set *set, void *queuedata)
{
#ifdef CNVME_HAVE_BLK_MQ_ALLOC_QUEUE
	return blk_mq_alloc_queue(set, NULL, queuedata);
#else
	struct request_queue *q = blk_mq_init_queue(set);

	if (!IS_ERR(q))
		q->queuedata = queuedata;
	return q;
#endif
}

/*
 * Freezing a queue: blk_mq_freeze_queue() returns the task's saved
 * memalloc flags, which blk_mq_unfreeze_queue() restores (6.14).  A
 * freeze begun with blk_freeze_queue_start() saved none and ends with
 * cnvme_unfreeze_started().
 */
#ifdef CNVME_HAVE_FREEZE_MEMFLAGS
static inline unsigned int __must_check
cnvme_freeze_queue(struct request_queue *q)
{
	return blk_mq_freeze_queue(q);
}

static inline void cnvme_unfreeze_queue(struct request_queue *q,
					unsigned int memflags)
{
	blk_mq_unfreeze_queue(q, memflags);
}

static inline void cnvme_unfreeze_started(struct request_queue *q)
{
	blk_mq_unfreeze_queue_nomemrestore(q);
}
#else
static inline unsigned int __must_check
cnvme_freeze_queue(struct request_queue *q)
{
	blk_mq_freeze_queue(q);
	return 0;
}

static inline void cnvme_unfreeze_queue(struct request_queue *q,
					unsigned int memflags)
{
	blk_mq_unfreeze_queue(q);
}

static inline void cnvme_unfreeze_started(struct request_queue *q)
{
	blk_mq_unfreeze_queue(q);
}
#endif

/*
 * A freeze begun in one task and ended in another (the driver's drain,
 * which a system sleep ends in the reset work): since 6.14 lockdep holds
 * a freeze as a lock of the task that began it, unless it is begun and
 * ended as "non owner" (6.14).  Before, nothing ties it to a task.
 */
#ifdef CNVME_HAVE_FREEZE_NON_OWNER
static inline void cnvme_freeze_start_non_owner(struct request_queue *q)
{
	blk_freeze_queue_start_non_owner(q);
}

static inline void cnvme_unfreeze_non_owner(struct request_queue *q)
{
	blk_mq_unfreeze_queue_non_owner(q);
}
#else
static inline void cnvme_freeze_start_non_owner(struct request_queue *q)
{
	blk_freeze_queue_start(q);
}

static inline void cnvme_unfreeze_non_owner(struct request_queue *q)
{
	cnvme_unfreeze_started(q);
}
#endif

/* Queues follow the interrupts' CPU affinity: blk_mq_map_hw_queues (6.14). */
static inline void cnvme_map_hw_queues(struct blk_mq_queue_map *map,
				       struct pci_dev *pdev,
				       unsigned int offset)
{
#ifdef CNVME_HAVE_BLK_MQ_MAP_HW_QUEUES
	blk_mq_map_hw_queues(map, &pdev->dev, offset);
#else
	blk_mq_pci_map_queues(map, pdev, offset);
#endif
}

/* A request's scatterlist: blk_rq_map_sg() needs no queue (6.15). */
static inline int cnvme_rq_map_sg(struct request *rq, struct scatterlist *sg)
{
#ifdef CNVME_HAVE_BLK_RQ_MAP_SG_RQ
	return blk_rq_map_sg(rq, sg);
#else
	return blk_rq_map_sg(rq->q, rq, sg);
#endif
}

/*
 * A request's ->end_io() is given the completion batch too (after 6.12):
 * end_io(CNVME_END_IO_ARGS) has the request rq and the status err.
 */
#ifdef CNVME_HAVE_END_IO_BATCH
#define CNVME_END_IO_ARGS	\
	struct request *rq, blk_status_t err, const struct io_comp_batch *iob
#else
#define CNVME_END_IO_ARGS	struct request *rq, blk_status_t err
#endif

/*
 * ->getgeo() is given the gendisk, not a block device (after 6.12):
 * getgeo(cnvme_getgeo_t *dev, ...), whose disk is cnvme_getgeo_disk(dev).
 */
#ifdef CNVME_HAVE_GETGEO_DISK
#define cnvme_getgeo_t	struct gendisk

static inline struct gendisk *cnvme_getgeo_disk(struct gendisk *disk)
{
	return disk;
}
#else
#define cnvme_getgeo_t	struct block_device

static inline struct gendisk *cnvme_getgeo_disk(struct block_device *bdev)
{
	return bdev->bd_disk;
}
#endif

/*
 * ->queue_rqs() takes a struct rq_list (6.13; Debian's 6.12 has it), a
 * bare request list before.  cnvme_rq_list is a head/tail list on both;
 * CNVME_QUEUE_RQS() defines the entry point blk-mq calls around a
 * function void fn(struct cnvme_rq_list *in, struct cnvme_rq_list *requeue).
 */
#ifdef CNVME_HAVE_RQ_LIST
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

/*
 * hwmon: the chip's channel table is an array of const pointers since
 * 6.5 (hwmon_chip_info.info); before, of pointers to const.
 */
#ifdef CNVME_HAVE_HWMON_INFO_CONST
#define cnvme_hwmon_info_const	const
#else
#define cnvme_hwmon_info_const
#endif

#endif /* CNVME_COMPAT_H */
