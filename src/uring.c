// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: io_uring passthrough (IORING_OP_URING_CMD): NVME_URING_CMD_IO
 * and _IO_VEC on /dev/ngXnY, NVME_URING_CMD_ADMIN and _ADMIN_VEC on
 * /dev/nvmeN.  The ring must use 128-byte SQEs and 32-byte CQEs; the CQE
 * carries 0, a positive NVMe status or a -errno, and the command's
 * 64-bit result.  Metadata goes through the ioctl path's bounce buffer.
 * On a polled ring (IOPOLL) I/O commands go to a poll queue when the
 * driver has one (poll_queues=); admin commands are refused there.
 */
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/uio.h>

#include "cnvme.h"
#include "compat.h"
#include <linux/cnvme_ioctl.h>

/*
 * What a command in flight keeps in the io_uring_cmd's private area.  A
 * command on a poll queue keeps its request until the CQE is posted from
 * the submitter's task, so that a polled ring can poll the queue the
 * request is on until then; any other command frees its request at
 * completion and keeps the result instead.
 */
struct cnvme_uring_pdu {
	union {
		struct request *rq;	/* @polled */
		u64 result;		/* !@polled, once completed */
	};
	struct bio *bio;
	struct cnvme_umeta *meta;
	int status;
	bool polled;
};

static struct cnvme_uring_pdu *cnvme_uring_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct cnvme_uring_pdu) > sizeof(ioucmd->pdu));
	return (struct cnvme_uring_pdu *)&ioucmd->pdu;
}

static u64 cnvme_rq_result(struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	return le64_to_cpu(iod->result.u64);
}

/* In the submitter's task: unmap the user buffers, post the CQE. */
static void cnvme_uring_task_cb(struct io_uring_cmd *ioucmd,
				unsigned int issue_flags)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	int status = pdu->status;
	u64 result;
	int ret;

	ret = cnvme_umeta_done(pdu->meta, status);
	if (ret)
		status = ret;
	/* a failed copy-out of a bounced read is the caller's -EFAULT */
	if (pdu->bio && blk_rq_unmap_user(pdu->bio) && status == 0)
		status = -EFAULT;
	if (pdu->polled) {
		struct request *rq = pdu->rq;

		result = cnvme_rq_result(rq);
		WRITE_ONCE(pdu->rq, NULL);
		blk_mq_free_request(rq);
	} else {
		result = pdu->result;
	}
	io_uring_cmd_done(ioucmd, status, result, issue_flags);
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
	if (!pdu->polled)
		pdu->result = cnvme_rq_result(rq);
	cnvme_uring_complete_in_task(ioucmd, cnvme_uring_task_cb);
	return pdu->polled ? RQ_END_IO_NONE : RQ_END_IO_FREE;
}

/*
 * ->uring_cmd_iopoll of /dev/ngXnY: reap the poll queue the command went
 * to.  A command on an interrupt-driven queue (no poll queues) completes
 * by its interrupt; there is nothing to poll.
 */
int cnvme_ns_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			      struct io_comp_batch *iob,
			      unsigned int poll_flags)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct request *rq;

	if (!pdu->polled)
		return 0;
	rq = READ_ONCE(pdu->rq);
	if (!rq)
		return 0;
	return cnvme_poll_cq(rq->mq_hctx->driver_data, iob);
}

static int cnvme_uring_cmd(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			   struct io_uring_cmd *ioucmd, unsigned int issue_flags,
			   bool vec)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct request_queue *q = ns ? ns->disk->queue : ctrl->admin_q;
	struct cnvme_uring_cmd c;
	struct cnvme_user_cmd uc;
	struct cnvme_iod *iod;
	struct request *rq;
	int ret;

	if ((issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32)) !=
	    (IO_URING_F_SQE128 | IO_URING_F_CQE32))
		return -EOPNOTSUPP;
	if ((issue_flags & IO_URING_F_IOPOLL) && !ns)
		return -EOPNOTSUPP;	/* the admin queue is not polled */
	if (!CNVME_FINE_PERMISSIONS && !capable(CAP_SYS_ADMIN))
		return -EACCES;

	/* one snapshot of the SQE, which user space may still be writing */
	memcpy(&c, cnvme_uring_cmd_payload(ioucmd), sizeof(c));
	ret = cnvme_parse_user_cmd(ns, &c, &uc, vec);
	if (ret)
		return ret;
	if (CNVME_FINE_PERMISSIONS &&
	    !cnvme_cmd_allowed(ns, &uc.cmd, false,
			       ioucmd->file->f_mode & FMODE_WRITE))
		return -EACCES;

	rq = blk_mq_alloc_request(q, (nvme_is_write(&uc.cmd) ? REQ_OP_DRV_OUT :
				      REQ_OP_DRV_IN) | REQ_ALLOC_CACHE |
				  ((issue_flags & IO_URING_F_IOPOLL) ?
				   REQ_POLLED : 0),
				  (issue_flags & IO_URING_F_NONBLOCK) ?
				  BLK_MQ_REQ_NOWAIT : 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	rq->cmd_flags |= REQ_FAILFAST_DRIVER;
	if (uc.timeout_ms)
		rq->timeout = msecs_to_jiffies(uc.timeout_ms);
	iod = blk_mq_rq_to_pdu(rq);
	iod->cmd = uc.cmd;

	pdu->bio = NULL;
	if (uc.addr && uc.data_len) {
		if (ioucmd->flags & IORING_URING_CMD_FIXED) {
			struct iov_iter iter;

			if (vec) {
				ret = -EINVAL;
				goto free_rq;
			}
			ret = io_uring_cmd_import_fixed(uc.addr, uc.data_len,
							rq_data_dir(rq), &iter,
							ioucmd);
			if (!ret)
				ret = blk_rq_map_user_iov(q, rq, NULL, &iter,
							  GFP_KERNEL);
		} else {
			ret = blk_rq_map_user_io(rq, NULL,
						 u64_to_user_ptr(uc.addr),
						 uc.data_len, GFP_KERNEL, vec, 0,
						 false, rq_data_dir(rq));
		}
		if (ret)
			goto free_rq;
		pdu->bio = rq->bio;
	}
	ret = cnvme_umeta_map(ctrl, ns, &uc, &pdu->meta);
	if (ret)
		goto unmap;
	iod->cmd = uc.cmd;	/* now with the metadata pointer */

	/* (not blk_rq_is_poll(): 6.1's warns on a request without data) */
	pdu->polled = rq->mq_hctx->type == HCTX_TYPE_POLL;
	pdu->rq = rq;
	rq->end_io = cnvme_uring_end_io;
	rq->end_io_data = ioucmd;
	blk_execute_rq_nowait(rq, false);
	return -EIOCBQUEUED;

unmap:
	if (pdu->bio)
		blk_rq_unmap_user(pdu->bio);
free_rq:
	blk_mq_free_request(rq);
	return ret;
}

static int cnvme_ns_uring_cmd_op(struct cnvme_ns *ns,
				 struct io_uring_cmd *ioucmd,
				 unsigned int issue_flags)
{
	switch (ioucmd->cmd_op) {
	case CNVME_URING_CMD_IO:
		return cnvme_uring_cmd(ns->ctrl, ns, ioucmd, issue_flags, false);
	case CNVME_URING_CMD_IO_VEC:
		return cnvme_uring_cmd(ns->ctrl, ns, ioucmd, issue_flags, true);
	default:
		return -ENOTTY;
	}
}

/* ->uring_cmd of /dev/ngXnY */
int cnvme_ns_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	return cnvme_ns_uring_cmd_op(ioucmd->file->private_data, ioucmd,
				     issue_flags);
}

/*
 * ->uring_cmd of a multipath head's /dev/ngXnY: the command goes down one
 * path; once issued, the request keeps that path's queue alive.
 */
int cnvme_head_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct cnvme_ns *ns = cnvme_head_get_path(ioucmd->file->private_data);
	int ret;

	if (!ns)
		return -EINVAL;
	ret = cnvme_ns_uring_cmd_op(ns, ioucmd, issue_flags);
	cnvme_head_put_path(ns);
	return ret;
}

/* ->uring_cmd of /dev/nvmeN */
int cnvme_dev_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct cnvme_ctrl *ctrl = ioucmd->file->private_data;
	bool vec;
	int ret;

	switch (ioucmd->cmd_op) {
	case CNVME_URING_CMD_ADMIN:
		vec = false;
		break;
	case CNVME_URING_CMD_ADMIN_VEC:
		vec = true;
		break;
	default:
		return -ENOTTY;
	}
	/* the admin queue goes away when the controller is removed */
	down_read(&ctrl->remove_sem);
	if (ctrl->admin_q)
		ret = cnvme_uring_cmd(ctrl, NULL, ioucmd, issue_flags, vec);
	else
		ret = -ENODEV;
	up_read(&ctrl->remove_sem);
	return ret;
}
