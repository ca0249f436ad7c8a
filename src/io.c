// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the hot path of the admin queue and the I/O queues, in the order
 * a request takes it.
 *
 * Submission: ->queue_rq (or ->queue_rqs for a plug list) builds the
 * command in the request's pdu (cnvme_prep_rq), maps its data (dma.h,
 * dma.c), copies it into the SQ under sq_lock and rings the doorbell once
 * per batch.  The admin queue does the same with cnvme_admin_queue_rq and
 * cnvme_submit_cmd.
 *
 * Completion: the queue's interrupt (cnvme_irq) or a poller walks the CQ
 * (__cnvme_reap_cq), matches each entry to its request
 * (cnvme_complete_cqe), and ends file system successes in a batch
 * (cnvme_complete_batch); everything else ends in ->complete
 * (cnvme_complete_rq, cnvme_admin_complete).  Both release what the
 * request held (cnvme_release_rq).  The three ways into the CQ differ
 * only in who keeps others out of it:
 *
 *   cnvme_reap_cq          the caller does (its interrupt handler, or
 *                          cq_lock / the vector disabled);
 *   cnvme_reap_cq_trylock  cq_lock if it is free: ->poll and io_uring's
 *                          iopoll on polled queues;
 *   cnvme_reap_cq_sync     it waits the interrupt handler out: timeouts
 *                          and resets, in process context.
 *
 * Timeouts and cancellation are in timeout.c, the tag set in tagset.c.
 */
#include <linux/blk-integrity.h>
#include <linux/interrupt.h>
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

/* Copy one command into the next SQ slot; the caller holds sq_lock. */
static __always_inline void cnvme_sq_copy(struct cnvme_queue *q,
					  struct nvme_command *cmd)
{
	memcpy(&q->sqes[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
}

/*
 * Ring the tail doorbell for what was copied since the last ring.  With
 * @last false the ring is put off (blk-mq promises a later ->commit_rqs
 * or a last request), unless the SQ would fill up first.
 */
static __always_inline void cnvme_sq_ring(struct cnvme_queue *q, bool last)
{
	if (!last) {
		u16 next = q->sq_tail + 1;

		if (next == q->depth)
			next = 0;
		if (next != q->last_sq_tail)
			return;
	}
	if (q->sq_tail == q->last_sq_tail)
		return;
	if (cnvme_dbbuf_update(q->sq_tail, q->dbbuf_sq_db, q->dbbuf_sq_ei))
		writel(q->sq_tail, q->sq_db);
	q->last_sq_tail = q->sq_tail;
}

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

/* Copy one command into the SQ and ring the tail doorbell. */
void cnvme_submit_cmd(struct cnvme_queue *q, struct nvme_command *cmd)
{
	unsigned long flags;

	spin_lock_irqsave(&q->sq_lock, flags);
	cnvme_sq_copy(q, cmd);
	cnvme_sq_ring(q, true);
	spin_unlock_irqrestore(&q->sq_lock, flags);
}

static blk_status_t cnvme_admin_queue_rq(struct blk_mq_hw_ctx *hctx,
					 const struct blk_mq_queue_data *bd)
{
	struct cnvme_queue *q = hctx->driver_data;
	struct request *rq = bd->rq;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	enum cnvme_state state = cnvme_state(q->ctrl);
	blk_status_t ret;

	if (unlikely(state == CNVME_STATE_DEAD ||
		     state == CNVME_STATE_DELETING_NOIO))
		return BLK_STS_IOERR;

	cnvme_iod_start(rq);
	if (blk_rq_nr_phys_segments(rq)) {
		ret = cnvme_map_data(q->ctrl, rq, false);
		if (ret)
			return ret;
	}
	blk_mq_start_request(rq);
	cnvme_submit_cmd(q, &iod->cmd);
	return BLK_STS_OK;
}

/*
 * What a request holds while the controller has it: its DMA mappings and
 * lists, and its place in the multipath count.  Both completion paths.
 */
static __always_inline void cnvme_release_rq(struct cnvme_ctrl *ctrl,
					     struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	cnvme_unmap_io(ctrl, rq);
	if (iod->mpath_counted) {
		atomic_dec(&ctrl->nr_active);
		iod->mpath_counted = false;
	}
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

static blk_status_t cnvme_error_status(u16 status)
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
	/* the in-kernel driver's line */
	pr_err_ratelimited("%s: %s(0x%x) @ LBA %llu, %u blocks, %s (sct 0x%x / sc 0x%x) %s%s\n",
			   ns->disk->disk_name, CNVME_IO_CMD_NAME,
			   iod->cmd.common.opcode,
			   cnvme_sect_to_lba(ns, blk_rq_pos(rq)),
			   blk_rq_bytes(rq) >> ns->lba_shift, CNVME_STATUS_NAME,
			   (iod->status >> 8) & 7, iod->status & 0xff,
			   iod->status & NVME_STATUS_MORE ? "MORE " : "",
			   iod->status & NVME_STATUS_DNR ? "DNR " : "");
}

void cnvme_complete_rq(struct request *rq)
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

static void cnvme_admin_complete(struct request *rq)
{
	struct cnvme_queue *q = rq->mq_hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	cnvme_unmap_data(q->ctrl, rq);
	blk_mq_end_request(rq, iod->status ? BLK_STS_IOERR : BLK_STS_OK);
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
		dev_warn_ratelimited(&q->ctrl->dev,
				     "queue %u: completion for invalid command id %#x\n",
				     q->qid, cid);
		return;
	}
	if (!rq) {
		dev_warn_ratelimited(&q->ctrl->dev,
				     "queue %u: completion for unknown command id %u (head %u, phase %u, status %#x)\n",
				     q->qid, cid, q->cq_head, q->cq_phase,
				     le16_to_cpu(cqe->status));
		return;
	}
	iod = blk_mq_rq_to_pdu(rq);
	dev_warn_ratelimited(&q->ctrl->dev,
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

/* A new entry at the CQ head; lockless callers may see a stale answer. */
static inline bool cnvme_cqe_pending(struct cnvme_queue *q)
{
	struct nvme_completion *cqe = &q->cqes[READ_ONCE(q->cq_head)];

	return (le16_to_cpu(READ_ONCE(cqe->status)) & 1) ==
	       READ_ONCE(q->cq_phase);
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
static __always_inline int __cnvme_reap_cq(struct cnvme_queue *q,
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

/* The CQ loop out of line: the admin queue's interrupt and the pollers. */
static int cnvme_reap_cq(struct cnvme_queue *q, struct io_comp_batch *iob)
{
	return __cnvme_reap_cq(q, iob);
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
		return cnvme_reap_cq(q, NULL) ? IRQ_HANDLED : IRQ_NONE;
	found = __cnvme_reap_cq(q, &iob);
	if (iob.complete)
		__cnvme_complete_batch(&iob);
	return found ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * Reap a polled queue (->poll, io_uring iopoll); 0 if another poller holds
 * it.
 */
int cnvme_reap_cq_trylock(struct cnvme_queue *nq, struct io_comp_batch *iob)
{
	int found;

	/* a polled ring calls this in a loop: no atomic while there is none */
	if (!cnvme_cqe_pending(nq))
		return 0;
	if (!spin_trylock(&nq->cq_lock))
		return 0;
	found = cnvme_reap_cq(nq, iob);
	spin_unlock(&nq->cq_lock);
	return found;
}

static int cnvme_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	return cnvme_reap_cq_trylock(hctx->driver_data, iob);
}

/*
 * Reap any queue from process context (timeouts, resets): an interrupt
 * driven queue with its vector disabled, which waits out a running
 * handler; a polled one under cq_lock.
 */
void cnvme_reap_cq_sync(struct cnvme_queue *q)
{
	struct pci_dev *pdev = q->ctrl->pdev;
	unsigned long flags;

	if (!q->polled && q->vector >= 0) {
		disable_irq(pci_irq_vector(pdev, q->vector));
		cnvme_reap_cq(q, NULL);
		enable_irq(pci_irq_vector(pdev, q->vector));
	} else {
		spin_lock_irqsave(&q->cq_lock, flags);
		cnvme_reap_cq(q, NULL);
		spin_unlock_irqrestore(&q->cq_lock, flags);
	}
}

static int cnvme_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int hctx_idx)
{
	struct cnvme_ctrl *ctrl = data;
	struct cnvme_queue *nq = &ctrl->ioqs[hctx_idx];

	hctx->driver_data = nq;
	return 0;
}

static int cnvme_admin_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
				 unsigned int hctx_idx)
{
	struct cnvme_ctrl *ctrl = data;

	hctx->driver_data = &ctrl->adminq;
	return 0;
}

const struct blk_mq_ops cnvme_io_mq_ops = {
	.queue_rq	= cnvme_queue_rq,
	.queue_rqs	= cnvme_queue_rqs,
	.commit_rqs	= cnvme_commit_rqs,
	.complete	= cnvme_complete_rq,
	.init_hctx	= cnvme_init_hctx,
	.map_queues	= cnvme_map_queues,
	.poll		= cnvme_poll,
	.timeout	= cnvme_io_timeout,
};

const struct blk_mq_ops cnvme_admin_mq_ops = {
	.queue_rq	= cnvme_admin_queue_rq,
	.complete	= cnvme_admin_complete,
	.init_hctx	= cnvme_admin_init_hctx,
	.timeout	= cnvme_admin_timeout,
};
