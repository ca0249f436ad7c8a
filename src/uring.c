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
#include <linux/nvme_ioctl.h>

/*
 * What a command keeps in the io_uring_cmd's private area.  The request
 * is freed when it completes, as with the in-kernel driver: a process
 * that does not reap its completion (a stopped one, or a DEFER_TASKRUN
 * ring it does not enter) must not hold up a reset or a removal, which
 * wait for completed requests to be freed.  The CQE is posted later,
 * from the submitter's task.
 *
 * @state is one word, so that a poller never reads half of it: while a
 * command on a poll queue is in flight, the queue to poll (an aligned
 * pointer, bit 0 clear); 0 for a command that completes by interrupt;
 * once completed, its status (0, an NVMe status or a -errno) shifted
 * left by one, with bit 0 set.
 */
struct cnvme_uring_pdu {
	unsigned long state;
	u64 result;
	struct bio *bio;
	struct cnvme_umeta *meta;
};

#define CNVME_URING_DONE	1UL

static struct cnvme_uring_pdu *cnvme_uring_pdu(struct io_uring_cmd *ioucmd)
{
	BUILD_BUG_ON(sizeof(struct cnvme_uring_pdu) > sizeof(ioucmd->pdu));
	return (struct cnvme_uring_pdu *)&ioucmd->pdu;
}

/* In the submitter's task: unmap the user buffers, post the CQE. */
static void cnvme_uring_task_done(struct io_uring_cmd *ioucmd,
				  unsigned int issue_flags)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	int status = (int)((long)pdu->state >> 1);
	int ret;

	ret = cnvme_umeta_done(pdu->meta, status);
	if (ret)
		status = ret;
	/* a failed copy-out of a bounced read is the caller's -EFAULT */
	if (pdu->bio && blk_rq_unmap_user(pdu->bio) && status == 0)
		status = -EFAULT;
	cnvme_uring_cmd_done(ioucmd, status, pdu->result, issue_flags);
}

CNVME_URING_TASK_CB(cnvme_uring_task_cb, cnvme_uring_task_done)

static enum rq_end_io_ret cnvme_uring_end_io(CNVME_END_IO_ARGS)
{
	struct io_uring_cmd *ioucmd = rq->end_io_data;
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	int status;

	if (iod->cancelled)
		status = -EINTR;
	else if (iod->status)
		status = iod->status;
	else
		status = blk_status_to_errno(err);
	pdu->result = le64_to_cpu(iod->result.u64);
	/* while the request still holds the device (see cnvme_umeta_unmap) */
	cnvme_umeta_unmap(pdu->meta);
	/* from here on a poller finds nothing to poll */
	WRITE_ONCE(pdu->state,
		   ((unsigned long)(long)status << 1) | CNVME_URING_DONE);
	cnvme_uring_complete_in_task(ioucmd, cnvme_uring_task_cb);
	return RQ_END_IO_FREE;
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
	unsigned long state;
	int ret = 0;

	/*
	 * The queue outlives the command only by an RCU grace period: the
	 * I/O queues are freed after one (ioq.c), so one read here stays
	 * valid until the unlock even if the command completes meanwhile.
	 */
	rcu_read_lock();
	state = READ_ONCE(pdu->state);
	if (state && !(state & CNVME_URING_DONE))
		ret = cnvme_reap_cq_trylock((struct cnvme_queue *)state, iob);
	rcu_read_unlock();
	return ret;
}

static int cnvme_uring_cmd(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			   struct io_uring_cmd *ioucmd, unsigned int issue_flags,
			   bool vec)
{
	struct cnvme_uring_pdu *pdu = cnvme_uring_pdu(ioucmd);
	struct iov_iter iter, *fixed = NULL;
	struct nvme_uring_cmd c;
	struct cnvme_user_cmd uc;
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
	memcpy(&c, cnvme_uring_cmd_payload(ioucmd, struct nvme_uring_cmd),
	       sizeof(c));
	ret = cnvme_parse_user_cmd(ns, &c, &uc, vec);
	if (ret)
		return ret;
	if (CNVME_FINE_PERMISSIONS &&
	    !cnvme_cmd_allowed(ns, &uc.cmd, false,
			       ioucmd->file->f_mode & FMODE_WRITE))
		return -EACCES;

	rq = cnvme_user_rq_alloc(ctrl, ns, &uc, REQ_ALLOC_CACHE |
				 ((issue_flags & IO_URING_F_IOPOLL) ?
				  REQ_POLLED : 0),
				 (issue_flags & IO_URING_F_NONBLOCK) ?
				 BLK_MQ_REQ_NOWAIT : 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	if (uc.addr && uc.data_len &&
	    (ioucmd->flags & IORING_URING_CMD_FIXED)) {
		if (vec)
			ret = cnvme_uring_import_fixed_vec(uc.addr, uc.data_len,
							   rq_data_dir(rq),
							   &iter, ioucmd,
							   issue_flags);
		else
			ret = cnvme_uring_import_fixed(uc.addr, uc.data_len,
						       rq_data_dir(rq), &iter,
						       ioucmd, issue_flags);
		if (ret)
			goto free_rq;
		fixed = &iter;
	}
	ret = cnvme_user_rq_map(ctrl, ns, rq, &uc, fixed, &pdu->meta);
	if (ret)
		goto free_rq;
	pdu->bio = rq->bio;

	/* (not blk_rq_is_poll(): 6.1's warns on a request without data) */
	pdu->state = rq->mq_hctx->type == HCTX_TYPE_POLL ?
		     (unsigned long)rq->mq_hctx->driver_data : 0;
	pdu->result = 0;
	rq->end_io = cnvme_uring_end_io;
	rq->end_io_data = ioucmd;
	blk_execute_rq_nowait(rq, false);
	return -EIOCBQUEUED;

free_rq:
	blk_mq_free_request(rq);
	return ret;
}

static int cnvme_ns_uring_cmd_op(struct cnvme_ns *ns,
				 struct io_uring_cmd *ioucmd,
				 unsigned int issue_flags)
{
	switch (ioucmd->cmd_op) {
	case NVME_URING_CMD_IO:
		return cnvme_uring_cmd(ns->ctrl, ns, ioucmd, issue_flags, false);
	case NVME_URING_CMD_IO_VEC:
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
	case NVME_URING_CMD_ADMIN:
		vec = false;
		break;
	case NVME_URING_CMD_ADMIN_VEC:
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
