// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the admin queue, a blk-mq queue with one hardware context, and the
 * driver's own admin commands.
 *
 * Every admin command, the driver's own and user passthrough, is a request
 * on this queue: the tag is the command identifier, blk-mq's timer watches
 * it, and cancellation walks the tag set.  Its blk-mq operations are in
 * io.c (submission and completion) and timeout.c.
 */
#include <linux/dma-mapping.h>

#include "cnvme.h"
#include "compat.h"

/* The tags below the AER's command identifier; one SQ slot stays empty. */
#define CNVME_ADMIN_TAGS	CNVME_AEN_CID

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

/* Identify data structure @cns (of @nsid, command set @csi) into @buf. */
int cnvme_identify(struct cnvme_ctrl *ctrl, u8 cns, u32 nsid, u8 csi,
		   void *buf, unsigned int len)
{
	struct nvme_command cmd = { };

	cmd.identify.opcode = nvme_admin_identify;
	cmd.identify.cns = cns;
	cmd.identify.nsid = cpu_to_le32(nsid);
	cmd.identify.csi = csi;
	return cnvme_admin_exec(ctrl, &cmd, buf, len, NULL);
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
