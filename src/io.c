// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the I/O path: blk-mq operations of the namespaces' queues.
 *
 * Submission takes only the queue's sq_lock, allocates nothing beyond the
 * DMA pools, and rings the doorbell once per batch (->queue_rqs, or
 * bd->last / ->commit_rqs).  Completion runs in the queue's interrupt or
 * in ->poll and ends file system requests in batches.
 */
#include <linux/blk-integrity.h>
#include <linux/t10-pi.h>

#include "cnvme.h"
#include "compat.h"
#include "dma.h"

/* Write Zeroes: deallocate the blocks (CDW12 bit 25) */
#define CNVME_WZ_DEAC	BIT(9)

static inline u64 cnvme_sect_to_lba(struct cnvme_ns *ns, sector_t sector)
{
	return sector >> (ns->lba_shift - SECTOR_SHIFT);
}

/*
 * Zero a command with eight plain stores: gcc makes memset() a string
 * instruction (rep stos) with its own setup here.
 */
static inline void cnvme_cmd_zero(struct nvme_command *cmd)
{
	u64 *w = (u64 *)cmd;

	BUILD_BUG_ON(sizeof(*cmd) != 8 * sizeof(u64));
	w[0] = 0;
	w[1] = 0;
	w[2] = 0;
	w[3] = 0;
	w[4] = 0;
	w[5] = 0;
	w[6] = 0;
	w[7] = 0;
}

static __always_inline void cnvme_setup_rw(struct cnvme_ns *ns,
					   struct request *rq,
					   struct nvme_command *cmd)
{
	u16 control = 0;
	u32 dsmgmt = 0;

	cmd->rw.opcode = rq_data_dir(rq) ? nvme_cmd_write : nvme_cmd_read;
	cmd->rw.nsid = cpu_to_le32(ns->nsid);
	cmd->rw.slba = cpu_to_le64(cnvme_sect_to_lba(ns, blk_rq_pos(rq)));
	cmd->rw.length = cpu_to_le16((blk_rq_bytes(rq) >> ns->lba_shift) - 1);

	if (rq->cmd_flags & REQ_FUA)
		control |= NVME_RW_FUA;
	if (rq->cmd_flags & (REQ_FAILFAST_DEV | REQ_RAHEAD))
		control |= NVME_RW_LR;
	if (rq->cmd_flags & REQ_RAHEAD)
		dsmgmt |= NVME_RW_DSM_FREQ_PREFETCH;

	if (ns->pi_type) {
		/*
		 * Without a PI buffer the controller inserts and strips the
		 * PI; either way it checks it, and for types 1 and 2 the
		 * reference tag of the first block is its LBA, so the medium
		 * holds what the in-kernel driver writes and expects.
		 */
		if (!blk_integrity_rq(rq))
			control |= NVME_RW_PRINFO_PRACT;
		control |= NVME_RW_PRINFO_PRCHK_GUARD;
		if (ns->pi_type != NVME_NS_DPS_PI_TYPE3) {
			control |= NVME_RW_PRINFO_PRCHK_REF;
			cmd->rw.reftag = cpu_to_le32(t10_pi_ref_tag(rq));
		}
	}
	cmd->rw.control = cpu_to_le16(control);
	cmd->rw.dsmgmt = cpu_to_le32(dsmgmt);
}

static blk_status_t cnvme_setup_discard(struct cnvme_ns *ns,
					struct request *rq,
					struct nvme_command *cmd)
{
	unsigned short segs = blk_rq_nr_discard_segments(rq);
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct nvme_dsm_range *range;
	unsigned short n = 0;
	struct bio *bio;

	range = cnvme_alloc_list(ns->ctrl, iod, segs * sizeof(*range));
	if (!range)
		return BLK_STS_RESOURCE;
	__rq_for_each_bio(bio, rq) {
		u64 slba = cnvme_sect_to_lba(ns, bio->bi_iter.bi_sector);
		u32 nlb = bio->bi_iter.bi_size >> ns->lba_shift;

		if (n < segs) {
			range[n].cattr = 0;
			range[n].nlb = cpu_to_le32(nlb);
			range[n].slba = cpu_to_le64(slba);
		}
		n++;
	}
	if (WARN_ON_ONCE(n != segs))
		return BLK_STS_IOERR;

	cmd->dsm.opcode = nvme_cmd_dsm;
	cmd->dsm.nsid = cpu_to_le32(ns->nsid);
	cmd->dsm.nr = cpu_to_le32(segs - 1);
	cmd->dsm.attributes = cpu_to_le32(NVME_DSMGMT_AD);
	cmd->dsm.dptr.prp1 = cpu_to_le64(iod->list_dma);
	return BLK_STS_OK;
}

static void cnvme_setup_write_zeroes(struct cnvme_ns *ns, struct request *rq,
				     struct nvme_command *cmd)
{
	u16 control = 0;

	cmd->write_zeroes.opcode = nvme_cmd_write_zeroes;
	cmd->write_zeroes.nsid = cpu_to_le32(ns->nsid);
	cmd->write_zeroes.slba =
		cpu_to_le64(cnvme_sect_to_lba(ns, blk_rq_pos(rq)));
	cmd->write_zeroes.length =
		cpu_to_le16((blk_rq_bytes(rq) >> ns->lba_shift) - 1);
	if (ns->deac && !(rq->cmd_flags & REQ_NOUNMAP))
		control |= CNVME_WZ_DEAC;
	/* the zeroed blocks get valid PI, made by the controller */
	if (ns->pi_type) {
		control |= NVME_RW_PRINFO_PRACT;
		if (ns->pi_type != NVME_NS_DPS_PI_TYPE3)
			cmd->rw.reftag = cpu_to_le32(t10_pi_ref_tag(rq));
	}
	cmd->write_zeroes.control = cpu_to_le16(control);
}

/* Build the command for @rq and map its data; starts the request. */
static __always_inline blk_status_t
cnvme_prep_rq(struct cnvme_queue *nq, struct request *rq)
{
	struct cnvme_ns *ns = rq->q->queuedata;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct nvme_command *cmd = &iod->cmd;
	blk_status_t ret = BLK_STS_OK;
	bool data = false;

	if (unlikely(!READ_ONCE(nq->live))) {
		enum cnvme_state state = cnvme_state(nq->ctrl);

		if (state == CNVME_STATE_DEAD ||
		    state == CNVME_STATE_DELETING ||
		    state == CNVME_STATE_DELETING_NOIO ||
		    (rq->cmd_flags & REQ_FAILFAST_DRIVER))
			return BLK_STS_IOERR;
		return BLK_STS_RESOURCE;
	}

	if (!(rq->rq_flags & RQF_DONTPREP)) {
		iod->retries = 0;
		rq->rq_flags |= RQF_DONTPREP;
	}

	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		cnvme_cmd_zero(cmd);
		cnvme_setup_rw(ns, rq, cmd);
		data = true;
		break;
	case REQ_OP_FLUSH:
		memset(cmd, 0, sizeof(*cmd));
		cmd->common.opcode = nvme_cmd_flush;
		cmd->common.nsid = cpu_to_le32(ns->nsid);
		break;
	case REQ_OP_DISCARD:
		memset(cmd, 0, sizeof(*cmd));
		ret = cnvme_setup_discard(ns, rq, cmd);
		break;
	case REQ_OP_WRITE_ZEROES:
		memset(cmd, 0, sizeof(*cmd));
		cnvme_setup_write_zeroes(ns, rq, cmd);
		break;
	case REQ_OP_DRV_IN:
	case REQ_OP_DRV_OUT:
		/* passthrough: the submitter built the command */
		data = true;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if (ret)
		goto fail;

	cnvme_iod_start(rq);
	/* (a discard's segments are its ranges, mapped as a list above) */
	if (data && blk_rq_nr_phys_segments(rq)) {
		ret = cnvme_map_io(nq->ctrl, rq);
		if (ret)
			goto fail;
	}
	/*
	 * Counted only once nothing can fail any more (release_rq uncounts
	 * it); only the queue-depth policy reads the count: no atomic
	 * otherwise.
	 */
	if ((rq->cmd_flags & CNVME_REQ_MPATH) && ns->head &&
	    READ_ONCE(ns->head->subsys->iopolicy) == CNVME_IOPOLICY_QD) {
		atomic_inc(&nq->ctrl->nr_active);
		iod->mpath_counted = true;
	}
	blk_mq_start_request(rq);
	return BLK_STS_OK;

fail:
	cnvme_unmap_data(nq->ctrl, rq);
	return ret;
}

static void cnvme_complete_rq(struct request *rq);

/*
 * A multipath request whose controller is gone: complete it as a path
 * error, so that its bios go down another path of the head.
 */
static blk_status_t cnvme_fail_path(struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	/* DNR: no retry on this controller, straight to another path */
	iod->status = NVME_SC_HOST_PATH_ERROR | NVME_STATUS_DNR;
	iod->cancelled = true;
	blk_mq_set_request_complete(rq);
	cnvme_complete_rq(rq);
	return BLK_STS_OK;
}

/*
 * A request of a queue that a reset took away (the controller granted
 * fewer), met while the tag set is drained for its resize: it can never
 * run where it is.  A multipath request goes to its head; the bios of a
 * file system request go back through the block layer once the resize
 * is done (cnvme_io_resubmit_rerouted), where they become requests of the
 * queues that remain.  A passthrough command or a step of a flush
 * sequence has nothing to resubmit: it fails, as the in-kernel driver
 * fails every request of such a queue.
 */
static blk_status_t cnvme_reroute(struct cnvme_ctrl *ctrl, struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	unsigned long flags;
	struct bio *bio;

	iod->status = 0;
	iod->cancelled = true;
	spin_lock_irqsave(&ctrl->reroute_lock, flags);
	if (blk_rq_is_passthrough(rq) || !rq->bio ||
	    (!(rq->cmd_flags & CNVME_REQ_MPATH) &&
	     (rq->rq_flags & RQF_FLUSH_SEQ))) {
		iod->status = NVME_SC_HOST_ABORTED_CMD | NVME_STATUS_DNR;
		ctrl->nr_reroute_failed++;
	} else if (rq->cmd_flags & CNVME_REQ_MPATH) {
		iod->status = NVME_SC_HOST_ABORTED_CMD;
		ctrl->nr_rerouted++;
	} else {
		for (bio = rq->bio; bio; bio = bio->bi_next) {
			/*
			 * its poll cookie named the old queue; resubmitted in a
			 * burst from a worker, it may wait for a tag
			 */
			bio->bi_opf &= ~(REQ_POLLED | REQ_NOWAIT);
			bio->bi_cookie = BLK_QC_T_NONE;
		}
		blk_steal_bios(&ctrl->reroute_list, rq);
		ctrl->nr_rerouted++;
	}
	spin_unlock_irqrestore(&ctrl->reroute_lock, flags);
	blk_mq_set_request_complete(rq);
	cnvme_complete_rq(rq);
	return BLK_STS_OK;
}

static blk_status_t cnvme_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct cnvme_queue *nq = hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(bd->rq);
	blk_status_t ret;

	ret = cnvme_prep_rq(nq, bd->rq);
	if (unlikely(ret)) {
		if (READ_ONCE(nq->live))
			return ret;
		if (ret == BLK_STS_IOERR && (bd->rq->cmd_flags & CNVME_REQ_MPATH))
			return cnvme_fail_path(bd->rq);
		if (ret == BLK_STS_RESOURCE &&
		    test_bit(CNVME_IO_REROUTE, &nq->ctrl->flags))
			return cnvme_reroute(nq->ctrl, bd->rq);
		return ret;
	}
	spin_lock(&nq->sq_lock);
	cnvme_sq_copy(nq, &iod->cmd);
	cnvme_sq_ring(nq, bd->last);
	spin_unlock(&nq->sq_lock);
	return BLK_STS_OK;
}

static void cnvme_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct cnvme_queue *nq = hctx->driver_data;

	spin_lock(&nq->sq_lock);
	cnvme_sq_ring(nq, true);
	spin_unlock(&nq->sq_lock);
}

/* Copy a prepared list into the SQ and ring the doorbell once. */
static __always_inline void cnvme_submit_list(struct cnvme_queue *nq,
					      struct cnvme_rq_list *list)
{
	struct request *rq;

	spin_lock(&nq->sq_lock);
	while ((rq = cnvme_rq_list_pop(list))) {
		struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

		cnvme_sq_copy(nq, &iod->cmd);
	}
	cnvme_sq_ring(nq, true);
	spin_unlock(&nq->sq_lock);
}

static void cnvme_queue_rq_list(struct cnvme_rq_list *in,
				struct cnvme_rq_list *requeue)
{
	struct cnvme_rq_list submit = { };
	struct cnvme_queue *nq = NULL;
	struct request *rq;

	while ((rq = cnvme_rq_list_pop(in))) {
		struct cnvme_queue *this = rq->mq_hctx->driver_data;

		if (nq && nq != this)
			cnvme_submit_list(nq, &submit);
		nq = this;
		/*
		 * A plugged request reaches ->queue_rqs without the driver
		 * tag lookup being set up: do it, or its completion would find
		 * no request (or an older one) behind its command id.
		 */
		rq->mq_hctx->tags->rqs[rq->tag] = rq;
		if (cnvme_prep_rq(nq, rq) == BLK_STS_OK)
			cnvme_rq_list_add_tail(&submit, rq);
		else
			cnvme_rq_list_add_tail(requeue, rq);
	}
	if (nq)
		cnvme_submit_list(nq, &submit);
}

CNVME_QUEUE_RQS(cnvme_queue_rqs, cnvme_queue_rq_list)

blk_status_t cnvme_error_status(u16 status)
{
	switch (status & CNVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		return BLK_STS_OK;
	case NVME_SC_CAP_EXCEEDED:
		return BLK_STS_NOSPC;
	case NVME_SC_LBA_RANGE:
	case NVME_SC_CMD_INTERRUPTED:
	case NVME_SC_NS_NOT_READY:
		return BLK_STS_TARGET;
	case NVME_SC_BAD_ATTRIBUTES:
	case NVME_SC_INVALID_OPCODE:
	case NVME_SC_INVALID_FIELD:
	case NVME_SC_INVALID_NS:
		return BLK_STS_NOTSUPP;
	case NVME_SC_WRITE_FAULT:
	case NVME_SC_READ_ERROR:
	case NVME_SC_UNWRITTEN_BLOCK:
	case NVME_SC_ACCESS_DENIED:
	case NVME_SC_READ_ONLY:
	case NVME_SC_COMPARE_FAILED:
		return BLK_STS_MEDIUM;
	case NVME_SC_GUARD_CHECK:
	case NVME_SC_APPTAG_CHECK:
	case NVME_SC_REFTAG_CHECK:
	case NVME_SC_INVALID_PI:
		return BLK_STS_PROTECTION;
	case NVME_SC_RESERVATION_CONFLICT:
		return CNVME_BLK_STS_RESV_CONFLICT;
	case NVME_SC_HOST_PATH_ERROR:
		return BLK_STS_TRANSPORT;
	default:
		return BLK_STS_IOERR;
	}
}

static bool cnvme_should_retry(struct cnvme_ctrl *ctrl, struct request *rq,
			       struct cnvme_iod *iod)
{
	enum cnvme_state state = cnvme_state(ctrl);

	if (iod->status & NVME_STATUS_DNR)
		return false;
	if (blk_noretry_request(rq) || blk_rq_is_passthrough(rq))
		return false;
	if (iod->retries >= cnvme_max_retries)
		return false;
	return state != CNVME_STATE_DEAD && state != CNVME_STATE_DELETING_NOIO;
}

static void cnvme_log_error(struct cnvme_ns *ns, struct request *rq,
			    struct cnvme_iod *iod)
{
	if ((iod->status & CNVME_SCT_SC_MASK) == NVME_SC_HOST_ABORTED_CMD)
		return;
	pr_err_ratelimited("%s: I/O error: opcode %#x, LBA %llu, %u blocks, status %#x%s\n",
			   ns->disk->disk_name, iod->cmd.common.opcode,
			   cnvme_sect_to_lba(ns, blk_rq_pos(rq)),
			   blk_rq_bytes(rq) >> ns->lba_shift,
			   iod->status & ~NVME_STATUS_DNR,
			   iod->status & NVME_STATUS_DNR ? " (DNR)" : "");
}

static void cnvme_complete_rq(struct request *rq)
{
	struct cnvme_queue *nq = rq->mq_hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ctrl *ctrl = nq->ctrl;

	cnvme_release_rq(ctrl, rq);
	if (likely(!iod->status)) {
		blk_mq_end_request(rq, BLK_STS_OK);
		return;
	}
	/*
	 * A multipath request the host cancelled (its controller is being
	 * reset) goes to another path at once rather than waiting on this
	 * controller, as in the in-kernel driver; only a final status (DNR,
	 * fail-fast, retries used up) skips this.  Path errors the
	 * controller reports keep the retry rules and their delay: without
	 * ANA state the head could pick the same path again at once.
	 */
	if ((rq->cmd_flags & CNVME_REQ_MPATH) && iod->cancelled &&
	    !(iod->status & NVME_STATUS_DNR) && !blk_noretry_request(rq) &&
	    iod->retries < cnvme_max_retries && cnvme_mpath_failover(rq))
		return;
	if (cnvme_should_retry(ctrl, rq, iod)) {
		/* CRD: the controller asks for one of its retry delays */
		u16 crd = (iod->status & NVME_STATUS_CRD) >> 11;
		unsigned long delay = crd ? ctrl->crdt[crd - 1] * 100 : 0;

		iod->retries++;
		if (!blk_rq_is_passthrough(rq))
			atomic_long_inc(&((struct cnvme_ns *)rq->q->queuedata)->diag_retries);
		if (!delay) {
			blk_mq_requeue_request(rq, true);
			return;
		}
		blk_mq_requeue_request(rq, false);
		blk_mq_delay_kick_requeue_list(rq->q, delay);
		return;
	}
	/* a path error of a multipath bio: another path takes its bios */
	if ((rq->cmd_flags & CNVME_REQ_MPATH) && cnvme_mpath_failover(rq))
		return;
	if (!blk_rq_is_passthrough(rq)) {
		struct cnvme_ns *ns = rq->q->queuedata;

		atomic_long_inc(&ns->diag_errors);
		atomic_long_inc(&ctrl->diag_errors);
		cnvme_log_error(ns, rq, iod);
	}
	blk_mq_end_request(rq, blk_rq_is_passthrough(rq) ? BLK_STS_IOERR :
			   cnvme_error_status(iod->status));
}

/* Reap a queue without its interrupt; 0 if another poller holds it. */
int cnvme_poll_cq(struct cnvme_queue *nq, struct io_comp_batch *iob)
{
	int found;

	/* a polled ring calls this in a loop: no atomic while there is none */
	if (!cnvme_cqe_pending(nq))
		return 0;
	if (!spin_trylock(&nq->cq_lock))
		return 0;
	found = cnvme_process_cq(nq, iob);
	spin_unlock(&nq->cq_lock);
	return found;
}

static int cnvme_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	return cnvme_poll_cq(hctx->driver_data, iob);
}

static enum rq_end_io_ret cnvme_abort_endio(CNVME_END_IO_ARGS)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ctrl *ctrl = rq->end_io_data;

	dev_warn(&ctrl->pdev->dev, "Abort of qid %u tag %u: status %#x, result %#x\n",
		 le16_to_cpu(iod->cmd.abort.sqid), iod->cmd.abort.cid,
		 iod->status, le32_to_cpu(iod->result.u32));
	return RQ_END_IO_FREE;
}

static int cnvme_send_abort(struct cnvme_ctrl *ctrl, struct cnvme_queue *nq,
			    struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq), *aiod;
	struct request *abort;

	abort = blk_mq_alloc_request(ctrl->admin_q, REQ_OP_DRV_OUT,
				     BLK_MQ_REQ_NOWAIT);
	if (IS_ERR(abort))
		return PTR_ERR(abort);
	aiod = blk_mq_rq_to_pdu(abort);
	memset(&aiod->cmd, 0, sizeof(aiod->cmd));
	aiod->cmd.abort.opcode = nvme_admin_abort_cmd;
	/* the identifier of this use of the tag, generation included */
	aiod->cmd.abort.cid = iod->cmd.common.command_id;
	aiod->cmd.abort.sqid = cpu_to_le16(nq->qid);
	abort->end_io = cnvme_abort_endio;
	abort->end_io_data = ctrl;
	abort->timeout = cnvme_ctrl_admin_timeout(ctrl);
	blk_execute_rq_nowait(abort, false);
	return 0;
}

/*
 * The ladder: a completion that was missed, then Abort, then a controller
 * reset (which cancels and requeues everything in flight).
 */
static enum blk_eh_timer_return cnvme_timeout(struct request *rq)
{
	struct cnvme_queue *nq = rq->mq_hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ctrl *ctrl = nq->ctrl;
	struct device *dev = &ctrl->pdev->dev;
	enum cnvme_state state = cnvme_state(ctrl);
	u32 csts;

	/*
	 * Dead: the controller is disabled, or its PCI function is gone
	 * (removal): nothing will complete the request, and nothing can DMA.
	 */
	if (state == CNVME_STATE_DEAD || state == CNVME_STATE_DELETING_NOIO) {
		mutex_lock(&ctrl->cancel_lock);
		cnvme_cancel_rq(rq, NULL);
		mutex_unlock(&ctrl->cancel_lock);
		return BLK_EH_DONE;
	}
	csts = cnvme_readl(ctrl, NVME_REG_CSTS);
	if (csts == ~0U || (csts & NVME_CSTS_CFS)) {
		dev_warn(dev, "I/O tag %u (qid %u) timed out, controller status %#x: resetting\n",
			 rq->tag, nq->qid, csts);
		goto reset;
	}

	cnvme_poll_queue(nq);
	if (blk_mq_request_completed(rq)) {
		dev_warn_ratelimited(dev, "I/O tag %u (qid %u) completed without an interrupt\n",
				     rq->tag, nq->qid);
		return BLK_EH_DONE;
	}

	switch (cnvme_state(ctrl)) {
	case CNVME_STATE_LIVE:
		break;
	case CNVME_STATE_DELETING:
		/*
		 * Removal waits for this request (del_gendisk drains the
		 * queue) and no reset will come: stop the controller and fail
		 * what it holds, as 6.12's in-kernel driver does.
		 */
		dev_warn(dev, "I/O tag %u (qid %u) timed out during removal: disabling controller\n",
			 rq->tag, nq->qid);
		if (cnvme_stop_for_removal(ctrl))
			return BLK_EH_DONE;
		return BLK_EH_RESET_TIMER;
	default:
		/* a reset or removal in progress cancels it */
		return BLK_EH_RESET_TIMER;
	}

	if (iod->aborted) {
		dev_warn(dev, "I/O tag %u (qid %u) still pending after Abort: resetting controller\n",
			 rq->tag, nq->qid);
		goto reset;
	}
	iod->aborted = true;
	dev_warn(dev, "I/O tag %u (qid %u, opcode %#x) timed out: aborting\n",
		 rq->tag, nq->qid, iod->cmd.common.opcode);
	if (cnvme_send_abort(ctrl, nq, rq))
		goto reset;
	return BLK_EH_RESET_TIMER;

reset:
	if (cnvme_schedule_reset(ctrl))
		return BLK_EH_DONE;
	/* no reset during removal: stop the controller instead (above) */
	if (cnvme_state(ctrl) == CNVME_STATE_DELETING &&
	    cnvme_stop_for_removal(ctrl))
		return BLK_EH_DONE;
	return BLK_EH_RESET_TIMER;
}

static int cnvme_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int hctx_idx)
{
	struct cnvme_ctrl *ctrl = data;
	struct cnvme_queue *nq = &ctrl->ioqs[hctx_idx];

	hctx->driver_data = nq;
	return 0;
}

static void cnvme_map_queues(struct blk_mq_tag_set *set)
{
	struct cnvme_ctrl *ctrl = set->driver_data;
	unsigned int i, offset = 0;

	for (i = 0; i < set->nr_maps; i++) {
		struct blk_mq_queue_map *map = &set->map[i];

		map->nr_queues = ctrl->nr_maps[i];
		if (!map->nr_queues)
			continue;
		map->queue_offset = offset;
		if (i != HCTX_TYPE_POLL && ctrl->nr_vecs > 1)
			cnvme_map_hw_queues(map, ctrl->pdev, offset + 1);
		else
			blk_mq_map_queues(map);
		offset += map->nr_queues;
	}
}

const struct blk_mq_ops cnvme_io_mq_ops = {
	.queue_rq	= cnvme_queue_rq,
	.queue_rqs	= cnvme_queue_rqs,
	.commit_rqs	= cnvme_commit_rqs,
	.complete	= cnvme_complete_rq,
	.init_hctx	= cnvme_init_hctx,
	.map_queues	= cnvme_map_queues,
	.poll		= cnvme_poll,
	.timeout	= cnvme_timeout,
};

/*
 * Complete a started request as aborted by the host (cancellation).
 * Under cancel_lock: two cancellers (a disable, a removal, a timeout)
 * could otherwise both see it in flight and complete it twice.
 */
bool cnvme_cancel_rq(struct request *rq, void *data)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	if (blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT)
		return true;
	iod->status = NVME_SC_HOST_ABORTED_CMD;
	iod->cancelled = true;
	blk_mq_complete_request(rq);
	return true;
}

void cnvme_cancel_all_io(struct cnvme_ctrl *ctrl)
{
	if (!ctrl->tagset_ready)
		return;
	mutex_lock(&ctrl->cancel_lock);
	blk_mq_tagset_busy_iter(&ctrl->tagset, cnvme_cancel_rq, NULL);
	mutex_unlock(&ctrl->cancel_lock);
	blk_mq_tagset_wait_completed_request(&ctrl->tagset);
}

/* Hardware context @i of @set polls (its map as it stands). */
static bool cnvme_hctx_polled(struct blk_mq_tag_set *set, unsigned int i)
{
	struct blk_mq_queue_map *map = &set->map[HCTX_TYPE_POLL];

	return set->nr_maps > HCTX_TYPE_POLL && map->nr_queues &&
	       i >= map->queue_offset && i < map->queue_offset + map->nr_queues;
}

/*
 * A reset brought a different number of I/O queues (the new ones are
 * live, the namespace queues still quiesced).  blk-mq resizes a tag set
 * only once every queue of it is drained, so the requests the reset held
 * back must run first: on a queue that still exists they go to the
 * controller, on one that is gone they are rerouted (cnvme_reroute).  A
 * drain that does not finish within an I/O timeout gives the reset up.
 * Returns with the namespace queues running.
 */
static int cnvme_io_tagset_resize(struct cnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tagset;
	unsigned int old = set->nr_hw_queues, i;
	int ret = 0;

	spin_lock_irq(&ctrl->reroute_lock);
	ctrl->nr_rerouted = 0;
	ctrl->nr_reroute_failed = 0;
	spin_unlock_irq(&ctrl->reroute_lock);
	/*
	 * Until the resize, hardware context i sends to ioqs[i].  Where that
	 * queue became polled and the context is not (the poll queues come
	 * last), or the reverse, its requests are moved as well: a polled
	 * queue takes no interrupt, and an interrupt-driven one must not be
	 * reaped by a poller too.
	 */
	for (i = 0; i < min(old, ctrl->nr_ioqs); i++)
		if (ctrl->ioqs[i].polled != cnvme_hctx_polled(set, i))
			WRITE_ONCE(ctrl->ioqs[i].live, false);
	set_bit(CNVME_IO_REROUTE, &ctrl->flags);
	cnvme_unquiesce_io(ctrl);
	/* no namespace joins between the drain and the resize */
	mutex_lock(&ctrl->ns_lock);
	if (cnvme_drain_io_locked(ctrl, cnvme_ctrl_io_timeout(ctrl))) {
		blk_mq_update_nr_hw_queues(set, ctrl->nr_ioqs);
		for (i = 0; i < ctrl->nr_ioqs; i++)
			WRITE_ONCE(ctrl->ioqs[i].live, true);
	} else {
		ret = -ETIMEDOUT;
	}
	clear_bit(CNVME_IO_REROUTE, &ctrl->flags);
	mutex_unlock(&ctrl->ns_lock);
	cnvme_drain_io_end(ctrl);
	dev_info(&ctrl->pdev->dev, "%s: I/O queues %u -> %u%s: %u requests of removed queues moved, %u failed\n",
		 dev_name(&ctrl->dev), old, ctrl->nr_ioqs,
		 ret ? " abandoned, I/O did not drain" : "",
		 ctrl->nr_rerouted, ctrl->nr_reroute_failed);
	return ret;
}

/* The bios cnvme_reroute took: down the block layer again. */
void cnvme_io_resubmit_rerouted(struct cnvme_ctrl *ctrl)
{
	struct bio *bio, *next;

	spin_lock_irq(&ctrl->reroute_lock);
	next = bio_list_get(&ctrl->reroute_list);
	spin_unlock_irq(&ctrl->reroute_lock);
	while ((bio = next)) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		submit_bio_noacct(bio);
	}
}

/*
 * The I/O tag set, shared by all namespaces: made once, then resized when
 * a reset brings a different number of queues.
 */
int cnvme_io_tagset_update(struct cnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tagset;
	int ret;

	if (ctrl->tagset_ready) {
		if (set->nr_hw_queues != ctrl->nr_ioqs)
			return cnvme_io_tagset_resize(ctrl);
		return 0;
	}

	memset(set, 0, sizeof(*set));
	set->ops = &cnvme_io_mq_ops;
	set->nr_hw_queues = ctrl->nr_ioqs;
	set->nr_maps = cnvme_poll_queues ? HCTX_MAX_TYPES : 2;
	set->queue_depth = min_t(unsigned int, ctrl->io_depth - 1,
				 BLK_MQ_MAX_DEPTH);
	set->timeout = cnvme_ctrl_io_timeout(ctrl);
	set->numa_node = dev_to_node(&ctrl->pdev->dev);
	set->cmd_size = sizeof(struct cnvme_iod);
	set->flags = CNVME_BLK_MQ_F_MERGE;
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;
	ctrl->tagset_ready = true;
	return 0;
}

void cnvme_io_tagset_free(struct cnvme_ctrl *ctrl)
{
	if (!ctrl->tagset_ready)
		return;
	/* an io_uring poller reads the tags under RCU (uring.c) */
	synchronize_rcu();
	blk_mq_free_tag_set(&ctrl->tagset);
	ctrl->tagset_ready = false;
}
