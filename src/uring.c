// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: io_uring passthrough (IORING_OP_URING_CMD): NVME_URING_CMD_IO
 * and _IO_VEC on /dev/ngXnY, NVME_URING_CMD_ADMIN and _ADMIN_VEC on
 * /dev/nvmeN.  The ring must use 128-byte SQEs and 32-byte CQEs; the CQE
 * carries 0, a positive NVMe status or a -errno, and the command's
 * 64-bit result.  Polled rings (IOPOLL) are refused for now.
 */
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/uio.h>

#include "cnvme.h"
#include "compat.h"
#include <linux/cnvme_ioctl.h>

/* What a command in flight keeps in the io_uring_cmd's private area. */
struct cnvme_uring_pdu {
	struct bio *bio;
	u64 result;
	int status;
};

static struct cnvme_uring_pdu *cnvme_uring_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct cnvme_uring_pdu) > sizeof(ioucmd->pdu));
	return (struct cnvme_uring_pdu *)&ioucmd->pdu;
}

/* In the submitter's task: unmap the user buffer, post the CQE. */
static void cnvme_uring_task_cb(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);

	if (pdu->bio)
		blk_rq_unmap_user(pdu->bio);
	io_uring_cmd_done(ioucmd, pdu->status, pdu->result, issue_flags);
}

static enum rq_end_io_ret cnvme_uring_end_io(struct request *rq,
					     blk_status_t err)
{
	struct io_uring_cmd *ioucmd = rq->end_io_data;
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	if (iod->cancelled)
		pdu->status = -EINTR;
	else if (iod->status)
		pdu->status = iod->status;
	else
		pdu->status = blk_status_to_errno(err);
	pdu->result = le64_to_cpu(iod->result.u64);
	io_uring_cmd_complete_in_task(ioucmd, cnvme_uring_task_cb);
	return RQ_END_IO_FREE;
}

static int cnvme_uring_cmd(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			   struct io_uring_cmd *ioucmd, unsigned int issue_flags,
			   bool vec)
{
	const struct cnvme_uring_cmd *c = cnvme_uring_cmd_payload(ioucmd);
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct request_queue *q = ns ? ns->disk->queue : ctrl->admin_q;
	struct nvme_command cmd = { };
	struct cnvme_iod *iod;
	struct request *rq;
	u32 data_len, nsid, timeout_ms;
	u64 addr;
	int ret;

	if ((issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32)) !=
	    (IO_URING_F_SQE128 | IO_URING_F_CQE32))
		return -EOPNOTSUPP;
	if (issue_flags & IO_URING_F_IOPOLL)
		return -EOPNOTSUPP;
	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (READ_ONCE(c->flags))
		return -EINVAL;

	nsid = READ_ONCE(c->nsid);
	if (ns && nsid != ns->nsid) {
		dev_err(&ctrl->pdev->dev,
			"%s: nsid (%u) in command does not match nsid (%u) of namespace\n",
			ns->disk->disk_name, nsid, ns->nsid);
		return -EINVAL;
	}
	if (READ_ONCE(c->metadata) && READ_ONCE(c->metadata_len))
		return -EINVAL;	/* metadata passthrough is not supported yet */

	cmd.common.opcode = READ_ONCE(c->opcode);
	cmd.common.nsid = cpu_to_le32(nsid);
	cmd.common.cdw2[0] = cpu_to_le32(READ_ONCE(c->cdw2));
	cmd.common.cdw2[1] = cpu_to_le32(READ_ONCE(c->cdw3));
	cmd.common.cdw10 = cpu_to_le32(READ_ONCE(c->cdw10));
	cmd.common.cdw11 = cpu_to_le32(READ_ONCE(c->cdw11));
	cmd.common.cdw12 = cpu_to_le32(READ_ONCE(c->cdw12));
	cmd.common.cdw13 = cpu_to_le32(READ_ONCE(c->cdw13));
	cmd.common.cdw14 = cpu_to_le32(READ_ONCE(c->cdw14));
	cmd.common.cdw15 = cpu_to_le32(READ_ONCE(c->cdw15));
	addr = READ_ONCE(c->addr);
	data_len = READ_ONCE(c->data_len);
	timeout_ms = READ_ONCE(c->timeout_ms);

	rq = blk_mq_alloc_request(q, nvme_is_write(&cmd) ? REQ_OP_DRV_OUT :
				  REQ_OP_DRV_IN,
				  (issue_flags & IO_URING_F_NONBLOCK) ?
				  BLK_MQ_REQ_NOWAIT : 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	rq->cmd_flags |= REQ_FAILFAST_DRIVER;
	if (timeout_ms)
		rq->timeout = msecs_to_jiffies(timeout_ms);
	iod = blk_mq_rq_to_pdu(rq);
	iod->cmd = cmd;

	pdu->bio = NULL;
	if (addr && data_len) {
		if (ioucmd->flags & IORING_URING_CMD_FIXED) {
			struct iov_iter iter;

			if (vec) {
				ret = -EINVAL;
				goto free_rq;
			}
			ret = io_uring_cmd_import_fixed(addr, data_len,
							rq_data_dir(rq), &iter,
							ioucmd);
			if (!ret)
				ret = blk_rq_map_user_iov(q, rq, NULL, &iter,
							  GFP_KERNEL);
		} else {
			ret = blk_rq_map_user_io(rq, NULL,
						 u64_to_user_ptr(addr), data_len,
						 GFP_KERNEL, vec, 0, false,
						 rq_data_dir(rq));
		}
		if (ret)
			goto free_rq;
		pdu->bio = rq->bio;
	}

	rq->end_io = cnvme_uring_end_io;
	rq->end_io_data = ioucmd;
	blk_execute_rq_nowait(rq, false);
	return -EIOCBQUEUED;

free_rq:
	blk_mq_free_request(rq);
	return ret;
}

/* ->uring_cmd of /dev/ngXnY */
int cnvme_ns_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct cnvme_ns *ns = ioucmd->file->private_data;

	switch (ioucmd->cmd_op) {
	case CNVME_URING_CMD_IO:
		return cnvme_uring_cmd(ns->ctrl, ns, ioucmd, issue_flags, false);
	case CNVME_URING_CMD_IO_VEC:
		return cnvme_uring_cmd(ns->ctrl, ns, ioucmd, issue_flags, true);
	default:
		return -ENOTTY;
	}
}

/* ->uring_cmd of /dev/nvmeN */
int cnvme_dev_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct cnvme_ctrl *ctrl = ioucmd->file->private_data;

	switch (ioucmd->cmd_op) {
	case CNVME_URING_CMD_ADMIN:
		return cnvme_uring_cmd(ctrl, NULL, ioucmd, issue_flags, false);
	case CNVME_URING_CMD_ADMIN_VEC:
		return cnvme_uring_cmd(ctrl, NULL, ioucmd, issue_flags, true);
	default:
		return -ENOTTY;
	}
}
