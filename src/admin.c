// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the admin queue, a blk-mq queue with one hardware context.
 *
 * Every admin command, the driver's own and (later) user passthrough, is a
 * request on this queue: the tag is the command identifier, blk-mq's timer
 * watches it, and cancellation walks the tag set.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>

#include "cnvme.h"
#include "compat.h"

/* The tags below the AER's command identifier; one SQ slot stays empty. */
#define CNVME_ADMIN_TAGS	CNVME_AEN_CID

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

static void cnvme_admin_complete(struct request *rq)
{
	struct cnvme_queue *q = rq->mq_hctx->driver_data;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	cnvme_unmap_data(q->ctrl, rq);
	blk_mq_end_request(rq, iod->status ? BLK_STS_IOERR : BLK_STS_OK);
}

static int cnvme_admin_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
				 unsigned int hctx_idx)
{
	struct cnvme_ctrl *ctrl = data;

	hctx->driver_data = &ctrl->adminq;
	return 0;
}

static enum blk_eh_timer_return cnvme_admin_timeout(struct request *rq)
{
	struct cnvme_queue *q = rq->mq_hctx->driver_data;
	struct cnvme_ctrl *ctrl = q->ctrl;
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	cnvme_poll_queue(q);
	if (blk_mq_request_completed(rq)) {
		dev_warn(&ctrl->pdev->dev,
			 "admin command id %u completed without an interrupt\n",
			 rq->tag);
		return BLK_EH_DONE;
	}

	dev_err(&ctrl->pdev->dev,
		"admin command (opcode %#x, id %u) timed out after %u ms\n",
		iod->cmd.common.opcode, rq->tag, jiffies_to_msecs(rq->timeout));

	/*
	 * During bring-up or a reset the reset work itself is waiting for
	 * this command: stop the controller so nothing more is DMAed, fail
	 * the command, and let the work decide.  Otherwise reset.
	 */
	if (cnvme_state(ctrl) != CNVME_STATE_LIVE) {
		cnvme_disable_ctrl(ctrl);
		cnvme_sync_io_irqs(ctrl);
		cnvme_admin_cancel_all(ctrl);
		return BLK_EH_DONE;
	}
	if (cnvme_schedule_reset(ctrl))
		return BLK_EH_DONE;
	return BLK_EH_RESET_TIMER;
}

static const struct blk_mq_ops cnvme_admin_mq_ops = {
	.queue_rq	= cnvme_admin_queue_rq,
	.complete	= cnvme_admin_complete,
	.init_hctx	= cnvme_admin_init_hctx,
	.timeout	= cnvme_admin_timeout,
};

int cnvme_admin_init(struct cnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->admin_set;
	int ret;

	ret = cnvme_queue_alloc(ctrl, &ctrl->adminq, 0, CNVME_ADMIN_DEPTH,
				CNVME_ADMIN_DEPTH);
	if (ret)
		return ret;

	memset(set, 0, sizeof(*set));
	set->ops = &cnvme_admin_mq_ops;
	set->nr_hw_queues = 1;
	set->queue_depth = CNVME_ADMIN_TAGS;
	set->timeout = ctrl->admin_timeout;
	set->numa_node = dev_to_node(&ctrl->pdev->dev);
	set->cmd_size = sizeof(struct cnvme_iod);
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		goto free_queue;

	ctrl->admin_q = cnvme_compat_alloc_queue(set, ctrl);
	if (IS_ERR(ctrl->admin_q)) {
		ret = PTR_ERR(ctrl->admin_q);
		ctrl->admin_q = NULL;
		goto free_set;
	}
	return 0;

free_set:
	blk_mq_free_tag_set(set);
free_queue:
	cnvme_queue_free(&ctrl->adminq);
	return ret;
}

/* Fail every started command; the controller must not be DMAing any more. */
void cnvme_admin_cancel_all(struct cnvme_ctrl *ctrl)
{
	mutex_lock(&ctrl->cancel_lock);
	blk_mq_tagset_busy_iter(&ctrl->admin_set, cnvme_cancel_rq, NULL);
	mutex_unlock(&ctrl->cancel_lock);
	blk_mq_tagset_wait_completed_request(&ctrl->admin_set);
}

void cnvme_admin_exit(struct cnvme_ctrl *ctrl)
{
	if (ctrl->admin_q) {
		blk_mq_destroy_queue(ctrl->admin_q);
		blk_put_queue(ctrl->admin_q);
		ctrl->admin_q = NULL;
		blk_mq_free_tag_set(&ctrl->admin_set);
	}
	cnvme_queue_free(&ctrl->adminq);
}

/*
 * Run one admin command synchronously with a kernel buffer of up to two
 * controller pages.  Returns 0, a positive NVMe status, or a -errno.
 */
int cnvme_admin_exec(struct cnvme_ctrl *ctrl, struct nvme_command *cmd,
		     void *buf, unsigned int len, union nvme_result *result)
{
	struct device *dmadev = &ctrl->pdev->dev;
	bool write = nvme_is_write(cmd);
	struct cnvme_iod *iod;
	struct request *rq;
	blk_status_t sts;
	dma_addr_t dma = 0;
	void *cpu = NULL;
	int ret;

	if (len > 2 * CNVME_CTRL_PAGE_SIZE)
		return -EINVAL;

	rq = blk_mq_alloc_request(ctrl->admin_q,
				  write ? REQ_OP_DRV_OUT : REQ_OP_DRV_IN, 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);

	if (len) {
		cpu = dma_alloc_coherent(dmadev, len, &dma, GFP_KERNEL);
		if (!cpu) {
			ret = -ENOMEM;
			goto free_rq;
		}
		if (write)
			memcpy(cpu, buf, len);
		cmd->common.dptr.prp1 = cpu_to_le64(dma);
		if (len > CNVME_CTRL_PAGE_SIZE)
			cmd->common.dptr.prp2 =
				cpu_to_le64(dma + CNVME_CTRL_PAGE_SIZE);
	}

	iod = blk_mq_rq_to_pdu(rq);
	iod->cmd = *cmd;
	iod->status = 0;
	rq->timeout = cnvme_ctrl_admin_timeout(ctrl);
	sts = blk_execute_rq(rq, false);

	if (iod->status)
		ret = iod->status;
	else
		ret = blk_status_to_errno(sts);
	if (result)
		*result = iod->result;
	if (!ret && len && !write)
		memcpy(buf, cpu, len);

	if (cpu)
		dma_free_coherent(dmadev, len, cpu, dma);
free_rq:
	blk_mq_free_request(rq);
	return ret;
}

/* A controller-wide log page (NSID all, NVM command set), len <= 8 KiB. */
int cnvme_get_log(struct cnvme_ctrl *ctrl, u8 lid, void *buf, u32 len)
{
	struct nvme_command cmd = { };
	u32 dwords = len / 4 - 1;

	cmd.get_log_page.opcode = nvme_admin_get_log_page;
	cmd.get_log_page.nsid = cpu_to_le32(NVME_NSID_ALL);
	cmd.get_log_page.lid = lid;
	cmd.get_log_page.numdl = cpu_to_le16(dwords & 0xffff);
	cmd.get_log_page.numdu = cpu_to_le16(dwords >> 16);
	cmd.get_log_page.csi = NVME_CSI_NVM;
	return cnvme_admin_exec(ctrl, &cmd, buf, len, NULL);
}

/* Get or Set Features without data; the result is Dword 0 of the CQE. */
static int cnvme_features(struct cnvme_ctrl *ctrl, u8 opcode, u8 fid,
			  u32 dword11, u32 *result)
{
	struct nvme_command cmd = { };
	union nvme_result res;
	int ret;

	cmd.features.opcode = opcode;
	cmd.features.fid = cpu_to_le32(fid);
	cmd.features.dword11 = cpu_to_le32(dword11);
	ret = cnvme_admin_exec(ctrl, &cmd, NULL, 0, &res);
	if (ret >= 0 && result)
		*result = le32_to_cpu(res.u32);
	return ret;
}

int cnvme_get_features(struct cnvme_ctrl *ctrl, u8 fid, u32 dword11,
		       u32 *result)
{
	return cnvme_features(ctrl, nvme_admin_get_features, fid, dword11,
			      result);
}

int cnvme_set_features(struct cnvme_ctrl *ctrl, u8 fid, u32 dword11,
		       u32 *result)
{
	return cnvme_features(ctrl, nvme_admin_set_features, fid, dword11,
			      result);
}
