// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: submission/completion queue pairs: memory, doorbells, submission
 * and completion processing.  Shared by the admin queue and the I/O queues.
 */
#include <linux/dma-mapping.h>

#include "cnvme.h"
#include "dma.h"

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
 * cnvme_process_cq).
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

/* Copy one command into the SQ and ring the tail doorbell. */
void cnvme_submit_cmd(struct cnvme_queue *q, struct nvme_command *cmd)
{
	unsigned long flags;

	spin_lock_irqsave(&q->sq_lock, flags);
	cnvme_sq_copy(q, cmd);
	cnvme_sq_ring(q, true);
	spin_unlock_irqrestore(&q->sq_lock, flags);
}

/* End a batch of file system completions; inline in the irq handler. */
static __always_inline void __cnvme_complete_batch(struct io_comp_batch *iob)
{
	struct request *rq;

	rq_list_for_each(&iob->req_list, rq) {
		struct cnvme_queue *q = rq->mq_hctx->driver_data;

		cnvme_release_rq(q->ctrl, rq);
	}
	blk_mq_end_request_batch(iob);
}

static void cnvme_complete_batch(struct io_comp_batch *iob)
{
	__cnvme_complete_batch(iob);
}

/*
 * A completion that names no command in flight here: an invalid command
 * id, a free tag, or an earlier use of the tag (the controller repeated
 * itself or answered late).  Logged, never completed: the tag may belong
 * to another request by now.
 */
static noinline __cold void cnvme_cqe_stray(struct cnvme_queue *q,
					    struct nvme_completion *cqe,
					    struct request *rq)
{
	u16 cid = cqe->command_id;
	struct cnvme_iod *iod;

	if ((cid & CNVME_CID_TAG_MASK) >= q->depth) {
		dev_warn_ratelimited(&q->ctrl->pdev->dev,
				     "queue %u: completion for invalid command id %#x\n",
				     q->qid, cid);
		return;
	}
	if (!rq) {
		dev_warn_ratelimited(&q->ctrl->pdev->dev,
				     "queue %u: completion for unknown command id %u (head %u, phase %u, status %#x)\n",
				     q->qid, cid, q->cq_head, q->cq_phase,
				     le16_to_cpu(cqe->status));
		return;
	}
	iod = blk_mq_rq_to_pdu(rq);
	dev_warn_ratelimited(&q->ctrl->pdev->dev,
			     "queue %u: stale completion for command id %#x (tag now %#x, %s): ignored\n",
			     q->qid, cid, iod->cmd.common.command_id,
			     blk_mq_rq_state(rq) == MQ_RQ_IN_FLIGHT ?
			     "in flight" : "not in flight");
}

/* One completion entry: inline in the CQ loop, the rare cases out of line. */
static __always_inline void cnvme_complete_cqe(struct cnvme_queue *q,
					       struct nvme_completion *cqe,
					       struct io_comp_batch *iob)
{
	u16 cid = cqe->command_id, tag = cid & CNVME_CID_TAG_MASK;
	struct cnvme_iod *iod;
	struct request *rq;

	if (unlikely(!q->qid && cid == CNVME_AEN_CID)) {
		cnvme_aen_complete(q->ctrl, cqe);
		return;
	}
	if (unlikely(tag >= q->depth)) {
		cnvme_cqe_stray(q, cqe, NULL);
		return;
	}
	if (unlikely(cnvme_fault_drop_cqe(q, cid)))
		return;
	rq = blk_mq_tag_to_rq(cnvme_queue_tags(q), tag);
	if (unlikely(!rq)) {
		cnvme_cqe_stray(q, cqe, NULL);
		return;
	}
	iod = blk_mq_rq_to_pdu(rq);
	/*
	 * Only the command in flight behind the tag, with this very command
	 * id (its generation counter included), may complete.
	 */
	if (unlikely(cid != iod->cmd.common.command_id ||
		     blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT)) {
		cnvme_cqe_stray(q, cqe, rq);
		return;
	}
	/*
	 * The block layer's fail_io_timeout (/sys/block/<disk>/
	 * io-timeout-fail) drops the completion: the request stays in flight
	 * and times out, as if the controller had lost it.  Nothing without
	 * CONFIG_FAIL_IO_TIMEOUT.
	 */
	if (unlikely(blk_should_fake_timeout(rq->q)))
		return;
	/*
	 * Taken: a repeat of this entry (before a batch of completions ends
	 * the request, it is still in flight) no longer matches; no entry
	 * that gets this far carries CNVME_CID_TAKEN (its tag is too high).
	 */
	iod->cmd.common.command_id = CNVME_CID_TAKEN;
	iod->status = le16_to_cpu(cqe->status) >> 1;
	iod->result = cqe->result;
	/*
	 * File system successes end in a batch.  Passthrough completes on
	 * its own: batched, a polled io_uring command on 6.1 was once seen
	 * never to complete (ioctl_diff's uring_iopoll_read).
	 */
	if (iob && !blk_rq_is_passthrough(rq) &&
	    blk_mq_add_to_batch(rq, iob, iod->status != 0,
				cnvme_complete_batch))
		return;
	blk_mq_complete_request(rq);
}

/* Tell the controller which CQ entries it may use again. */
static void cnvme_cq_report(struct cnvme_queue *q)
{
	q->cq_unreported = 0;
	if (cnvme_dbbuf_update(q->cq_head, q->dbbuf_cq_db, q->dbbuf_cq_ei))
		writel(q->cq_head, q->cq_db);
}

/*
 * Consume every new completion.  The caller serialises (the irq handler,
 * or cq_lock with the irq off).  Completions of file system I/O go into
 * @iob when one is given.  Returns the number of completions found.
 *
 * The CQ head goes to the controller after each batch, or, on a queue
 * with slack, only once cq_slack - 1 entries were consumed: at most
 * depth - 1 commands are in flight, each with at most one posted entry,
 * so the entries the controller still counts as used (unreported +
 * posted) never exceed depth - 1 + cq_slack - 1, and the CQ of depth +
 * cq_slack entries never looks full, even between the consumption of an
 * entry and the report that follows it.  That saves a doorbell
 * write (a register access, or a shadow doorbell and its event index
 * check) on nearly every interrupt.  It needs edge interrupts (MSI-X):
 * a level interrupt stays raised while the controller sees entries.
 */
static __always_inline int __cnvme_process_cq(struct cnvme_queue *q,
					      struct io_comp_batch *iob)
{
	int found = 0;

	while (cnvme_cqe_pending(q)) {
		struct nvme_completion *cqe = &q->cqes[q->cq_head];
		struct nvme_completion dup;

		/* the rest of the entry is valid only once the phase matches */
		dma_rmb();
		if (unlikely(cnvme_fault_replay_cqe(q, cqe, &dup)))
			cnvme_complete_cqe(q, &dup, iob);
		cnvme_complete_cqe(q, cqe, iob);
		if (++q->cq_head == q->cq_depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
		found++;
		if (q->cq_slack && ++q->cq_unreported >= q->cq_slack - 1)
			cnvme_cq_report(q);
	}
	if (found && !q->cq_slack)
		cnvme_cq_report(q);
	return found;
}

int cnvme_process_cq(struct cnvme_queue *q, struct io_comp_batch *iob)
{
	return __cnvme_process_cq(q, iob);
}

/*
 * The interrupt handler: the CQ loop inline, file system completions in
 * a batch.  Only cnvme_complete_batch is ever put in this batch, so its
 * body runs here, inline, not through iob.complete.
 */
irqreturn_t cnvme_irq(int irq, void *data)
{
	struct cnvme_queue *q = data;
	DEFINE_IO_COMP_BATCH(iob);
	int found;

	if (unlikely(!q->qid))
		return cnvme_process_cq(q, NULL) ? IRQ_HANDLED : IRQ_NONE;
	found = __cnvme_process_cq(q, &iob);
	if (iob.complete)
		__cnvme_complete_batch(&iob);
	return found ? IRQ_HANDLED : IRQ_NONE;
}

/* Reap completions from outside the interrupt handler. */
void cnvme_poll_queue(struct cnvme_queue *q)
{
	struct pci_dev *pdev = q->ctrl->pdev;
	unsigned long flags;

	if (!q->polled && q->vector >= 0) {
		disable_irq(pci_irq_vector(pdev, q->vector));
		cnvme_process_cq(q, NULL);
		enable_irq(pci_irq_vector(pdev, q->vector));
	} else {
		spin_lock_irqsave(&q->cq_lock, flags);
		cnvme_process_cq(q, NULL);
		spin_unlock_irqrestore(&q->cq_lock, flags);
	}
}
