// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the memory of a submission/completion queue pair, shared by the
 * admin queue and the I/O queues (the hot path that uses it is in io.c).
 */
#include <linux/dma-mapping.h>

#include "cnvme.h"

static size_t cnvme_sq_bytes(u16 depth)
{
	return (size_t)depth * sizeof(struct nvme_command);
}

static size_t cnvme_cq_bytes(u16 depth)
{
	return (size_t)depth * sizeof(struct nvme_completion);
}

/*
 * @cq_depth may exceed @depth: the extra entries let the CQ head be
 * reported to the controller only about every cq_slack entries (see
 * __cnvme_reap_cq in io.c).
 */
int cnvme_queue_alloc(struct cnvme_ctrl *ctrl, struct cnvme_queue *q,
		      u16 qid, u16 depth, u16 cq_depth)
{
	struct device *dmadev = &ctrl->pdev->dev;

	if (WARN_ON_ONCE(cq_depth < depth))
		cq_depth = depth;
	q->ctrl = ctrl;
	q->qid = qid;
	q->depth = depth;
	q->cq_depth = cq_depth;
	q->cq_slack = cq_depth - depth;
	q->vector = -1;
	spin_lock_init(&q->sq_lock);
	spin_lock_init(&q->cq_lock);

	q->cqes = dma_alloc_coherent(dmadev, cnvme_cq_bytes(cq_depth), &q->cq_dma,
				     GFP_KERNEL);
	if (!q->cqes)
		return -ENOMEM;
	q->sqes = dma_alloc_coherent(dmadev, cnvme_sq_bytes(depth), &q->sq_dma,
				     GFP_KERNEL);
	if (!q->sqes) {
		dma_free_coherent(dmadev, cnvme_cq_bytes(cq_depth), q->cqes,
				  q->cq_dma);
		q->cqes = NULL;
		return -ENOMEM;
	}
	q->sq_db = ctrl->bar + NVME_REG_DBS + (2 * qid) * ctrl->db_stride * 4;
	q->cq_db = q->sq_db + ctrl->db_stride;
	cnvme_queue_reset(q);
	return 0;
}

void cnvme_queue_free(struct cnvme_queue *q)
{
	struct device *dmadev;

	if (!q->ctrl)
		return;		/* never allocated */
	dmadev = &q->ctrl->pdev->dev;
	if (q->sqes)
		dma_free_coherent(dmadev, cnvme_sq_bytes(q->depth), q->sqes,
				  q->sq_dma);
	if (q->cqes)
		dma_free_coherent(dmadev, cnvme_cq_bytes(q->cq_depth), q->cqes,
				  q->cq_dma);
	q->sqes = NULL;
	q->cqes = NULL;
}

/* Back to the state the controller expects after it (re)creates the queue. */
void cnvme_queue_reset(struct cnvme_queue *q)
{
	q->sq_tail = 0;
	q->last_sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	q->cq_unreported = 0;
	memset(q->cqes, 0, cnvme_cq_bytes(q->cq_depth));
}

