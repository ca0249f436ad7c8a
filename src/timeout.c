// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: what happens to a request that does not complete.  The timeout
 * handlers of the admin queue and the I/O queues (the ladder: a missed
 * completion, then Abort, then a controller reset), and cancellation, which
 * completes every started request as aborted by the host once the
 * controller can no longer DMA.
 */
#include <linux/blk-mq.h>
#include <linux/pci.h>

#include "cnvme.h"
#include "compat.h"

/*
 * The log lines of a timeout are the in-kernel driver's, word for word
 * (parity.h: 6.1's or those of 6.12 and later).  The command id is
 * rebuilt from the tag's generation: a completed request's stored one is
 * CNVME_CID_TAKEN.
 */
static const char *cnvme_opcode_name(struct cnvme_queue *q)
{
	return q->qid ? CNVME_IO_CMD_NAME : CNVME_ADMIN_CMD_NAME;
}

/* "..., completion polled", "..., disable controller" */
static void cnvme_log_timeout(struct cnvme_queue *q, struct request *rq,
			      const char *what)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	if (CNVME_LOG_TAG_CID)
		dev_warn(&q->ctrl->dev, "I/O tag %d (%04x) QID %d timeout, %s\n",
			 rq->tag, cnvme_cid(rq, iod->genctr), q->qid, what);
	else
		dev_warn(&q->ctrl->dev, "I/O %d QID %d timeout, %s\n",
			 rq->tag, q->qid, what);
}

/* "..., reset controller", with the opcode since 6.12 */
static void cnvme_log_timeout_reset(struct cnvme_queue *q, struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	if (CNVME_LOG_TAG_CID)
		dev_warn(&q->ctrl->dev,
			 "I/O tag %d (%04x) opcode %#x (%s) QID %d timeout, reset controller\n",
			 rq->tag, cnvme_cid(rq, iod->genctr),
			 iod->cmd.common.opcode, cnvme_opcode_name(q), q->qid);
	else
		cnvme_log_timeout(q, rq, "reset controller");
}

/* CSTS says the controller failed (or reads all ones: it is gone) */
static void cnvme_log_ctrl_down(struct cnvme_ctrl *ctrl, u32 csts)
{
	u16 pci_status;
	int ret = pci_read_config_word(ctrl->pdev, PCI_STATUS, &pci_status);

	if (ret)
		dev_warn(&ctrl->dev,
			 "controller is down; will reset: CSTS=0x%x, PCI_STATUS read failed (%d)\n",
			 csts, ret);
	else
		dev_warn(&ctrl->dev,
			 "controller is down; will reset: CSTS=0x%x, PCI_STATUS=0x%hx\n",
			 csts, pci_status);
}

static enum rq_end_io_ret cnvme_abort_endio(CNVME_END_IO_ARGS)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ctrl *ctrl = rq->end_io_data;

	dev_warn(&ctrl->dev, "Abort status: 0x%x", iod->status);
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
enum blk_eh_timer_return cnvme_io_timeout(struct request *rq)
{
	struct cnvme_queue *nq = rq->mq_hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ctrl *ctrl = nq->ctrl;
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
		cnvme_log_ctrl_down(ctrl, csts);
		goto reset;
	}

	cnvme_reap_cq_sync(nq);
	if (blk_mq_request_completed(rq)) {
		cnvme_log_timeout(nq, rq, "completion polled");
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
		cnvme_log_timeout(nq, rq, "disable controller");
		if (cnvme_stop_for_removal(ctrl))
			return BLK_EH_DONE;
		return BLK_EH_RESET_TIMER;
	default:
		/* a reset or removal in progress cancels it */
		return BLK_EH_RESET_TIMER;
	}

	if (iod->aborted) {
		cnvme_log_timeout_reset(nq, rq);
		goto reset;
	}
	iod->aborted = true;
	if (CNVME_LOG_TAG_CID)
		dev_warn(&ctrl->dev,
			 "I/O tag %d (%04x) opcode %#x (%s) QID %d timeout, aborting req_op:%s(%u) size:%u\n",
			 rq->tag, cnvme_cid(rq, iod->genctr),
			 iod->cmd.common.opcode, cnvme_opcode_name(nq),
			 nq->qid, blk_op_str(req_op(rq)), req_op(rq),
			 blk_rq_bytes(rq));
	else
		dev_warn(&ctrl->dev, "I/O %d (%s) QID %d timeout, aborting\n",
			 rq->tag, cnvme_opcode_name(nq), nq->qid);
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

enum blk_eh_timer_return cnvme_admin_timeout(struct request *rq)
{
	struct cnvme_queue *q = rq->mq_hctx->driver_data;
	struct cnvme_ctrl *ctrl = q->ctrl;

	cnvme_reap_cq_sync(q);
	if (blk_mq_request_completed(rq)) {
		cnvme_log_timeout(q, rq, "completion polled");
		return BLK_EH_DONE;
	}

	/*
	 * During bring-up or a reset the reset work itself is waiting for
	 * this command: stop the controller so nothing more is DMAed, fail
	 * the command, and let the work decide.  Otherwise reset.
	 */
	if (cnvme_state(ctrl) != CNVME_STATE_LIVE) {
		cnvme_log_timeout(q, rq, "disable controller");
		cnvme_disable_ctrl(ctrl);
		cnvme_sync_io_irqs(ctrl);
		cnvme_admin_cancel_all(ctrl);
		return BLK_EH_DONE;
	}
	cnvme_log_timeout_reset(q, rq);
	if (cnvme_schedule_reset(ctrl))
		return BLK_EH_DONE;
	return BLK_EH_RESET_TIMER;
}

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

/* Fail every started command; the controller must not be DMAing any more. */
void cnvme_admin_cancel_all(struct cnvme_ctrl *ctrl)
{
	mutex_lock(&ctrl->cancel_lock);
	blk_mq_tagset_busy_iter(&ctrl->admin_set, cnvme_cancel_rq, NULL);
	mutex_unlock(&ctrl->cancel_lock);
	blk_mq_tagset_wait_completed_request(&ctrl->admin_set);
}
