// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: NVMe passthrough ioctls, with the in-kernel driver's semantics:
 * 0 on success, a positive NVMe status when the controller failed the
 * command, -EINTR when the host cancelled it, another -errno otherwise.
 * The result dword(s) are written back whenever the return is >= 0.
 */
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/ptrace.h>
#include <linux/stddef.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>
#include <linux/uaccess.h>

#include "cnvme.h"
#include "compat.h"
#include <linux/nvme_ioctl.h>

/* A user pointer from a 64-bit field: a 32-bit caller's has 32 bits. */
void __user *cnvme_user_ptr(u64 addr)
{
	if (in_compat_syscall())
		addr = (u32)addr;
	return (void __user *)(uintptr_t)addr;
}

/*
 * User metadata (MPTR) goes through a kernel bounce buffer the driver maps
 * itself: copied in before a write, copied out after a read that
 * succeeded.  Only namespaces whose metadata is a separate buffer (those
 * with a block-integrity profile) take it, and only with a data buffer,
 * as with the in-kernel driver.
 */
struct cnvme_umeta {
	struct device *dev;
	void *buf;
	dma_addr_t dma;
	u32 len;
	bool write;
	bool mapped;
	void __user *ubuf;
};

/*
 * The metadata bytes an I/O command moves on @ns: a read, write or
 * compare moves ms bytes per block into or out of MPTR, unless the
 * controller inserts and strips PI that is all the metadata (PRACT).
 * 0 for anything else.
 */
static u32 cnvme_umeta_need(struct cnvme_ns *ns, const struct nvme_command *c)
{
	u32 cdw12 = le32_to_cpu(c->common.cdw12);

	if (!ns || !ns->meta_separate)
		return 0;
	switch (c->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		break;
	default:
		return 0;
	}
	if ((cdw12 & ((u32)NVME_RW_PRINFO_PRACT << 16)) && ns->pi_type &&
	    ns->ms == sizeof(struct t10_pi_tuple))
		return 0;
	return ((cdw12 & 0xffff) + 1) * ns->ms;
}

int __cnvme_umeta_map(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		      struct cnvme_user_cmd *uc, struct cnvme_umeta **out)
{
	struct device *dev = &ctrl->pdev->dev;
	u32 need = cnvme_umeta_need(ns, &uc->cmd);
	struct cnvme_umeta *m;
	int ret;

	*out = NULL;
	/*
	 * No buffer, or a shorter one, for metadata the command moves: the
	 * controller would write to bus address 0 or past the bounce buffer.
	 * (Metadata is mapped only together with a data buffer.)
	 */
	if (need && (!uc->metadata || uc->metadata_len < need ||
		     !uc->addr || !uc->data_len)) {
		dev_warn_ratelimited(dev, "%s: metadata buffer of %u bytes, the command moves %u: refused\n",
				     ns->disk->disk_name,
				     uc->metadata ? uc->metadata_len : 0, need);
		return -EINVAL;
	}
	if (!uc->metadata || !uc->metadata_len || !uc->addr || !uc->data_len)
		return 0;
	if (!ns || !ns->meta_separate)
		return -EINVAL;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->dev = dev;
	m->len = uc->metadata_len;
	m->write = nvme_is_write(&uc->cmd);
	m->ubuf = cnvme_user_ptr(uc->metadata);
	m->buf = kmalloc(m->len, GFP_KERNEL | __GFP_NOWARN);
	ret = -ENOMEM;
	if (!m->buf)
		goto free;
	ret = -EFAULT;
	if (m->write && copy_from_user(m->buf, m->ubuf, m->len))
		goto free_buf;
	else if (!m->write)
		memset(m->buf, 0, m->len);
	m->dma = dma_map_single(dev, m->buf, m->len,
				m->write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	ret = -ENOMEM;
	if (dma_mapping_error(dev, m->dma))
		goto free_buf;
	m->mapped = true;
	uc->cmd.common.metadata = cpu_to_le64(m->dma);
	*out = m;
	return 0;

free_buf:
	kfree(m->buf);
free:
	kfree(m);
	return ret;
}

/*
 * Give the buffer back from the device; any context.  io_uring does it
 * at completion, while the request still holds the device: its CQE is
 * posted later, from task work, when the device may be gone.
 */
void __cnvme_umeta_unmap(struct cnvme_umeta *m)
{
	if (!m->mapped)
		return;
	dma_unmap_single(m->dev, m->dma, m->len,
			 m->write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	m->mapped = false;
}

/*
 * Unmap (if still mapped) and free; after a read that returned @status
 * 0, copy the metadata out (-EFAULT if that fails).  Runs in the
 * submitter's context.
 */
int __cnvme_umeta_done(struct cnvme_umeta *m, int status)
{
	int ret = 0;

	__cnvme_umeta_unmap(m);
	if (!status && !m->write && copy_to_user(m->ubuf, m->buf, m->len))
		ret = -EFAULT;
	kfree(m->buf);
	kfree(m);
	return ret;
}

static int cnvme_execute_user(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			      struct cnvme_user_cmd *uc, u64 *result)
{
	struct request_queue *q = ns ? ns->disk->queue : ctrl->admin_q;
	struct cnvme_umeta *meta = NULL;
	struct cnvme_iod *iod;
	struct request *rq;
	struct bio *bio = NULL;
	blk_status_t sts;
	u32 effects;
	int ret, mret;

	uc->rescan = false;
	rq = blk_mq_alloc_request(q, nvme_is_write(&uc->cmd) ? REQ_OP_DRV_OUT :
				  REQ_OP_DRV_IN, 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	rq->cmd_flags |= REQ_FAILFAST_DRIVER;
	if (uc->timeout_ms)
		rq->timeout = msecs_to_jiffies(uc->timeout_ms);

	if (uc->addr && uc->data_len) {
		ret = blk_rq_map_user_io(rq, NULL, cnvme_user_ptr(uc->addr),
					 uc->data_len, GFP_KERNEL, uc->vec, 0,
					 false, rq_data_dir(rq));
		if (ret)
			goto free_rq;
		bio = rq->bio;
	}
	ret = cnvme_umeta_map(ctrl, ns, uc, &meta);
	if (ret)
		goto unmap;
	iod = blk_mq_rq_to_pdu(rq);
	iod->cmd = uc->cmd;

	effects = cnvme_passthru_start(ctrl, ns, uc->cmd.common.opcode);
	iod->status = 0;
	iod->cancelled = false;
	sts = blk_execute_rq(rq, false);
	if (iod->cancelled)
		ret = -EINTR;
	else if (iod->status)
		ret = iod->status;
	else
		ret = blk_status_to_errno(sts);
	if (ret >= 0 && result)
		*result = le64_to_cpu(iod->result.u64);
	if (ret > 0 && (ns ? READ_ONCE(ns->passthru_err_log) :
			READ_ONCE(ctrl->passthru_err_log)))
		dev_err(&ctrl->pdev->dev,
			"%s: %s passthrough opcode %#x nsid %u failed: status %#x (sct %#x / sc %#x)\n",
			ns ? ns->disk->disk_name : dev_name(&ctrl->dev),
			ns ? "I/O" : "admin", uc->cmd.common.opcode,
			le32_to_cpu(uc->cmd.common.nsid), ret, (ret >> 8) & 7,
			ret & 0xff);
	mret = cnvme_umeta_done(meta, ret);
	if (mret)
		ret = mret;
	/*
	 * A read through a bounce buffer is copied out here; if that fails
	 * the caller must not believe it has the data (the in-kernel
	 * driver returns 0 in that case).
	 */
	if (bio && blk_rq_unmap_user(bio) && ret == 0)
		ret = -EFAULT;
	blk_mq_free_request(rq);
	uc->rescan = cnvme_passthru_end(ctrl, effects);
	return ret;

unmap:
	if (bio)
		blk_rq_unmap_user(bio);
free_rq:
	blk_mq_free_request(rq);
	return ret;
}

/* I/O commands on a namespace must name that namespace. */
static int cnvme_check_nsid(struct cnvme_ns *ns, u32 nsid)
{
	if (!ns || nsid == ns->nsid)
		return 0;
	dev_err(&ns->ctrl->pdev->dev,
		"%s: nsid (%u) in command does not match nsid (%u) of namespace\n",
		ns->disk->disk_name, nsid, ns->nsid);
	return -EINVAL;
}

/*
 * The three user command structures (32- and 64-bit ioctls, io_uring)
 * share their first 72 bytes, laid out as struct nvme_uring_cmd: turn
 * them into the command to send.  @ns is NULL for admin commands.
 */
int cnvme_parse_user_cmd(struct cnvme_ns *ns, const struct nvme_uring_cmd *c,
			 struct cnvme_user_cmd *uc, bool vec)
{
	struct nvme_command *cmd = &uc->cmd;
	int ret;

	if (c->flags)
		return -EINVAL;
	ret = cnvme_check_nsid(ns, c->nsid);
	if (ret)
		return ret;

	/* every field written, none zeroed twice: the io_uring path runs it */
	BUILD_BUG_ON(sizeof(cmd->common) != 64);
	cmd->common.opcode = c->opcode;
	cmd->common.flags = 0;
	cmd->common.command_id = 0;
	cmd->common.nsid = cpu_to_le32(c->nsid);
	cmd->common.cdw2[0] = cpu_to_le32(c->cdw2);
	cmd->common.cdw2[1] = cpu_to_le32(c->cdw3);
	cmd->common.metadata = 0;
	cmd->common.dptr.prp1 = 0;
	cmd->common.dptr.prp2 = 0;
	cmd->common.cdw10 = cpu_to_le32(c->cdw10);
	cmd->common.cdw11 = cpu_to_le32(c->cdw11);
	cmd->common.cdw12 = cpu_to_le32(c->cdw12);
	cmd->common.cdw13 = cpu_to_le32(c->cdw13);
	cmd->common.cdw14 = cpu_to_le32(c->cdw14);
	cmd->common.cdw15 = cpu_to_le32(c->cdw15);
	uc->addr = c->addr;
	uc->data_len = c->data_len;
	uc->metadata = c->metadata;
	uc->metadata_len = c->metadata_len;
	uc->timeout_ms = c->timeout_ms;
	uc->vec = vec;
	uc->rescan = false;
	return 0;
}

/*
 * NVME_IOCTL_{ADMIN,IO}_CMD (@is64 false: dword 0 of the result written
 * back) and their 64-bit forms (dwords 0 and 1).  @ns is NULL for admin
 * commands; @vec: the data is an iovec array of data_len entries;
 * @partition, @open_for_write: how the node was reached and opened.
 */
static int cnvme_user_cmd(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			  void __user *argp, bool is64, bool vec,
			  bool partition, bool open_for_write)
{
	struct cnvme_user_cmd uc;
	struct nvme_uring_cmd c;
	u64 result = 0;
	int ret;

	BUILD_BUG_ON(sizeof(struct nvme_passthru_cmd) != sizeof(c));
	BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd, timeout_ms) !=
		     offsetof(struct nvme_uring_cmd, timeout_ms));
	BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd64, timeout_ms) !=
		     offsetof(struct nvme_uring_cmd, timeout_ms));

	if (!CNVME_FINE_PERMISSIONS && !capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	ret = cnvme_parse_user_cmd(ns, &c, &uc, vec);
	if (ret)
		return ret;
	/*
	 * 6.12's driver checks the partition rule for the 64-bit I/O forms
	 * only: its admin ioctls go to the controller's handler, which does
	 * not know the node was a partition.
	 */
	if (CNVME_FINE_PERMISSIONS &&
	    !cnvme_cmd_allowed(ns, &uc.cmd, partition && is64 && ns,
			       open_for_write))
		return -EACCES;

	if (ns) {
		ret = cnvme_execute_user(ctrl, ns, &uc, &result);
	} else {
		down_read(&ctrl->remove_sem);
		if (!ctrl->admin_q)
			ret = -ENODEV;
		else if (cnvme_is_property_get(&uc.cmd))
			ret = cnvme_property_get(ctrl, &uc.cmd, &result);
		else
			ret = cnvme_execute_user(ctrl, NULL, &uc, &result);
		up_read(&ctrl->remove_sem);
	}
	/* what the command changed is scanned before the caller sees it */
	if (uc.rescan)
		flush_work(&ctrl->scan_work);
	if (ret < 0)
		return ret;
	if (is64) {
		struct nvme_passthru_cmd64 __user *u = argp;

		if (put_user(result, &u->result))
			return -EFAULT;
	} else {
		struct nvme_passthru_cmd __user *u = argp;

		if (put_user((u32)result, &u->result))
			return -EFAULT;
	}
	return ret;
}

/* NVME_IOCTL_SUBMIT_IO: read, write or compare of whole blocks. */
static int cnvme_submit_io(struct cnvme_ns *ns, struct nvme_user_io __user *uio,
			   bool partition, bool open_for_write)
{
	struct cnvme_user_cmd uc = { };
	struct nvme_user_io io;
	u64 length, meta_len;
	int ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	if (io.flags)
		return -EINVAL;
	switch (io.opcode) {
	case nvme_cmd_write:
	case nvme_cmd_read:
	case nvme_cmd_compare:
		break;
	default:
		return -EINVAL;
	}

	/* the namespace's own block size, whatever the block layer shows */
	if (ns->lba_shift >= 32)
		return -EINVAL;
	length = ((u64)io.nblocks + 1) << ns->lba_shift;
	meta_len = ((u64)io.nblocks + 1) * ns->ms;
	if ((io.control & NVME_RW_PRINFO_PRACT) &&
	    cnvme_pract_strips_meta(ns->ms, ns->pi_type)) {
		/* the controller inserts and strips the protection data */
		if (cnvme_user_ptr(io.metadata))
			return -EINVAL;
		meta_len = 0;
	}
	if (ns->ext) {
		length += meta_len;
		meta_len = 0;
	} else if (meta_len && (!io.metadata || (io.metadata & 3))) {
		return -EINVAL;
	}
	if (length > U32_MAX || meta_len > U32_MAX)
		return -EINVAL;

	uc.cmd.rw.opcode = io.opcode;
	uc.cmd.rw.nsid = cpu_to_le32(ns->nsid);
	uc.cmd.rw.slba = cpu_to_le64(io.slba);
	uc.cmd.rw.length = cpu_to_le16(io.nblocks);
	uc.cmd.rw.control = cpu_to_le16(io.control);
	uc.cmd.rw.dsmgmt = cpu_to_le32(io.dsmgmt);
	uc.cmd.rw.reftag = cpu_to_le32(io.reftag);
	uc.cmd.common.cdw15 = cpu_to_le32(io.apptag | (u32)io.appmask << 16);
	if (CNVME_FINE_PERMISSIONS &&
	    !cnvme_cmd_allowed(ns, &uc.cmd, partition, open_for_write))
		return -EACCES;
	uc.addr = io.addr;
	uc.data_len = length;
	uc.metadata = meta_len ? io.metadata : 0;
	uc.metadata_len = meta_len;
	ret = cnvme_execute_user(ns->ctrl, ns, &uc, NULL);
	if (uc.rescan)
		flush_work(&ns->ctrl->scan_work);
	return ret;
}

/*
 * Ioctls of the namespace nodes: the block device (@partition when it
 * came through a partition of it) and /dev/ngXnY.
 */
long cnvme_ns_ioctl(struct cnvme_ns *ns, unsigned int cmd, void __user *argp,
		    bool partition, bool open_for_write)
{
	struct cnvme_ctrl *ctrl = ns->ctrl;
	bool w = open_for_write;

	switch (cmd) {
	case NVME_IOCTL_ID:
		force_successful_syscall_return();
		return ns->nsid;
	case NVME_IOCTL_ADMIN_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, false, false,
				      partition, w);
	case NVME_IOCTL_ADMIN64_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, true, false,
				      partition, w);
	case NVME_IOCTL_IO_CMD:
		return cnvme_user_cmd(ctrl, ns, argp, false, false,
				      partition, w);
	case NVME_IOCTL_IO64_CMD:
		return cnvme_user_cmd(ctrl, ns, argp, true, false,
				      partition, w);
	case NVME_IOCTL_IO64_CMD_VEC:
		return cnvme_user_cmd(ctrl, ns, argp, true, true,
				      partition, w);
	case NVME_IOCTL_SUBMIT_IO:
		return cnvme_submit_io(ns, argp, partition, w);
	default:
		return -ENOTTY;
	}
}

/*
 * The deprecated I/O path of the controller node: it works only when the
 * controller has exactly one namespace.
 */
static int cnvme_dev_user_io(struct cnvme_ctrl *ctrl, void __user *argp,
			     bool open_for_write)
{
	struct cnvme_ns *ns;
	int ret;

	mutex_lock(&ctrl->ns_lock);
	if (list_empty(&ctrl->namespaces)) {
		ret = -ENOTTY;
		goto unlock;
	}
	ns = list_first_entry(&ctrl->namespaces, struct cnvme_ns, entry);
	if (!list_is_singular(&ctrl->namespaces)) {
		dev_warn(&ctrl->pdev->dev,
			 "%s: NVME_IOCTL_IO_CMD on the controller needs a single namespace; use the namespace's node\n",
			 dev_name(&ctrl->dev));
		ret = -EINVAL;
		goto unlock;
	}
	dev_warn(&ctrl->pdev->dev,
		 "%s: using NVME_IOCTL_IO_CMD on the controller is deprecated; use the namespace's node\n",
		 dev_name(&ctrl->dev));
	get_device(disk_to_dev(ns->disk));
	mutex_unlock(&ctrl->ns_lock);

	ret = cnvme_user_cmd(ctrl, ns, argp, false, false, false,
			     open_for_write);
	put_device(disk_to_dev(ns->disk));
	return ret;

unlock:
	mutex_unlock(&ctrl->ns_lock);
	return ret;
}

/* Ioctls of the controller node /dev/nvmeN. */
long cnvme_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct cnvme_ctrl *ctrl = file->private_data;
	bool w = file->f_mode & FMODE_WRITE;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case NVME_IOCTL_ADMIN_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, false, false, false, w);
	case NVME_IOCTL_ADMIN64_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, true, false, false, w);
	case NVME_IOCTL_IO_CMD:
		return cnvme_dev_user_io(ctrl, argp, w);
	case NVME_IOCTL_RESET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		dev_warn(&ctrl->pdev->dev, "%s: resetting controller\n",
			 dev_name(&ctrl->dev));
		return cnvme_reset_sync(ctrl);
	case NVME_IOCTL_SUBSYS_RESET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		return cnvme_subsystem_reset(ctrl);
	case NVME_IOCTL_RESCAN:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		if (cnvme_state(ctrl) == CNVME_STATE_LIVE && ctrl->tagset_ready)
			queue_work(cnvme_wq, &ctrl->scan_work);
		return 0;
	default:
		return -ENOTTY;
	}
}
