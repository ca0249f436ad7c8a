// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: NVMe passthrough: who may send a command (the running kernel's
 * rules), what it does to the controller (the effects log, acted on
 * around it), the Property Get the driver answers itself, the request
 * that carries it (shared with io_uring, uring.c), and the ioctls.
 *
 * The ioctls have the in-kernel driver's semantics: 0 on success, a
 * positive NVMe status when the controller failed the command, -EINTR
 * when the host cancelled it, another -errno otherwise.  The result
 * dword(s) are written back whenever the return is >= 0.
 *
 * The Commands Supported and Effects log (log page 05h) says, per opcode,
 * whether the command changes logical blocks (LBCC), namespaces (NCC, NIC),
 * the controller's capabilities (CCC), or needs the controller to itself
 * (CSE).  Around a user command the driver acts on it as the in-kernel
 * driver does: I/O to every namespace is frozen for a CSE command, and a
 * command that may have changed namespaces (Format NVM among them) is
 * followed by a rescan that ends before the ioctl returns, so a new block
 * size is visible at once.
 */
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/ptrace.h>
#include <linux/stddef.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

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

/* Effects bits the 6.1 headers do not name. */
#define CNVME_EFFECTS_CSER_MASK		GENMASK(15, 14)
#define CNVME_EFFECTS_SCOPE_MASK	GENMASK(31, 20)

/* Opcodes from 80h up are vendor specific, for admin and I/O alike. */
#define CNVME_VENDOR_OPCODES		0x80

/*
 * Read the effects log once per controller; without one, or if it cannot
 * be read, start from an empty log.  Effects every NVM controller has,
 * whatever its log says, are added on top.
 */
int cnvme_effects_init(struct cnvme_ctrl *ctrl)
{
	struct nvme_effects_log *log;
	int ret;

	if (ctrl->effects)
		return 0;
	log = kzalloc(sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;

	if (ctrl->id->lpa & NVME_CTRL_LPA_CMD_EFFECTS_LOG) {
		ret = cnvme_get_log(ctrl, NVME_LOG_CMD_EFFECTS, log,
				    sizeof(*log));
		if (ret) {
			dev_warn(&ctrl->dev,
				 "cannot read the command effects log (%d); assuming none\n",
				 ret);
			memset(log, 0, sizeof(*log));
		}
	}

	log->acs[nvme_admin_format_nvm] |=
		cpu_to_le32(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC |
			    NVME_CMD_EFFECTS_NCC | NVME_CMD_EFFECTS_CSE_MASK);
	log->acs[nvme_admin_sanitize_nvm] |=
		cpu_to_le32(NVME_CMD_EFFECTS_LBCC | NVME_CMD_EFFECTS_CSE_MASK);
	/* a CSE bit on Security Receive is about the admin queue only */
	log->acs[nvme_admin_security_recv] &=
		cpu_to_le32(~NVME_CMD_EFFECTS_CSE_MASK);
	log->iocs[nvme_cmd_write] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	log->iocs[nvme_cmd_write_zeroes] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	log->iocs[nvme_cmd_write_uncor] |= cpu_to_le32(NVME_CMD_EFFECTS_LBCC);
	ctrl->effects = log;
	return 0;
}

/* The effects of @opcode: an I/O command when @ns is set, else admin. */
static u32 cnvme_cmd_effects(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			     u8 opcode)
{
	u32 effects;

	if (!ctrl->effects)
		return 0;
	if (ns) {
		effects = le32_to_cpu(ctrl->effects->iocs[opcode]);
		/* freezing the queues from an I/O command would deadlock */
		return effects & ~NVME_CMD_EFFECTS_CSE_MASK;
	}
	effects = le32_to_cpu(ctrl->effects->acs[opcode]);
	if (effects & CNVME_EFFECTS_CSER_MASK)
		effects &= ~NVME_CMD_EFFECTS_CSE_MASK;
	return effects;
}

/*
 * Freeze every namespace's I/O.  The scan lock keeps the list still (the
 * list only changes under it), so the wait runs without ns_lock: a reset
 * needs ns_lock to quiesce the queues, and only it can settle a request
 * the controller lost, which the freeze may be waiting for.
 */
static void cnvme_passthru_freeze(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->scan_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		blk_freeze_queue_start(ns->disk->queue);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		blk_mq_freeze_queue_wait(ns->disk->queue);
}

static void cnvme_passthru_unfreeze(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	list_for_each_entry(ns, &ctrl->namespaces, entry)
		cnvme_unfreeze_started(ns->disk->queue);
	mutex_unlock(&ctrl->scan_lock);
}

/* Before a user command: returns the effects to hand to _end. */
static u32 cnvme_passthru_start(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
				u8 opcode)
{
	u32 effects = cnvme_cmd_effects(ctrl, ns, opcode);

	if (effects & NVME_CMD_EFFECTS_CSE_MASK)
		cnvme_passthru_freeze(ctrl);
	return effects;
}

/*
 * After a user command, whatever its outcome.  True when it queued a
 * rescan, which the caller waits for (flush_work of scan_work) once it
 * holds no lock: the admin path holds remove_sem, which a removal takes
 * under the controller lock, and the scan's workqueue also runs the
 * reset work, which takes that lock.
 */
static bool cnvme_passthru_end(struct cnvme_ctrl *ctrl, u32 effects)
{
	if (effects & NVME_CMD_EFFECTS_CSE_MASK)
		cnvme_passthru_unfreeze(ctrl);
	if ((effects & NVME_CMD_EFFECTS_CCC) &&
	    !test_and_set_bit(CNVME_CAPS_CHANGED, &ctrl->flags))
		dev_info(&ctrl->dev,
			 "controller capabilities changed; a reset may be needed for them to take effect\n");
	if ((effects & (NVME_CMD_EFFECTS_NIC | NVME_CMD_EFFECTS_NCC)) &&
	    cnvme_state(ctrl) == CNVME_STATE_LIVE && ctrl->tagset_ready) {
		queue_work(cnvme_wq, &ctrl->scan_work);
		return true;
	}
	return false;
}

/* 6.12: admin commands an unprivileged caller may send. */
static bool cnvme_admin_cmd_allowed(struct nvme_command *c)
{
	switch (c->common.opcode) {
	case nvme_admin_identify:
		switch (c->identify.cns) {
		case NVME_ID_CNS_NS:
		case NVME_ID_CNS_CTRL:
		case NVME_ID_CNS_CS_NS:
		case NVME_ID_CNS_CS_CTRL:
		case NVME_ID_CNS_NS_CS_INDEP:
			return true;
		}
		break;
	case nvme_admin_set_features:
		/* features the driver manages are refused, even to root */
		switch (le32_to_cpu(c->features.fid) & 0xff) {
		case NVME_FEAT_KATO:
		case NVME_FEAT_HOST_BEHAVIOR:
		case NVME_FEAT_HOST_MEM_BUF:
		case NVME_FEAT_NUM_QUEUES:
		case NVME_FEAT_AUTO_PST:
			return false;
		}
		break;
	}
	return capable(CAP_SYS_ADMIN);
}

/* 6.12: I/O commands whose effects log entry says they are harmless. */
static bool cnvme_io_cmd_allowed(struct cnvme_ns *ns, struct nvme_command *c,
				 bool open_for_write)
{
	u32 effects = cnvme_cmd_effects(ns->ctrl, ns, c->common.opcode);

	if (!(effects & NVME_CMD_EFFECTS_CSUPP))
		return capable(CAP_SYS_ADMIN);
	if (effects & ~(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC |
			NVME_CMD_EFFECTS_UUID_SEL | CNVME_EFFECTS_SCOPE_MASK))
		return capable(CAP_SYS_ADMIN);
	if ((nvme_is_write(c) || (effects & NVME_CMD_EFFECTS_LBCC)) &&
	    !open_for_write)
		return capable(CAP_SYS_ADMIN);
	return true;
}

/*
 * May the caller send @c?  @ns is NULL for admin commands; @partition:
 * the ioctl came through a partition of the namespace.  The rules are
 * those of the running kernel's own driver.
 */
bool cnvme_cmd_allowed(struct cnvme_ns *ns, struct nvme_command *c,
		       bool partition, bool open_for_write)
{
	if (!CNVME_FINE_PERMISSIONS)
		return capable(CAP_SYS_ADMIN);
	if (partition)
		return capable(CAP_SYS_ADMIN);
	if (c->common.opcode >= CNVME_VENDOR_OPCODES ||
	    c->common.opcode == nvme_fabrics_command)
		return capable(CAP_SYS_ADMIN);
	if (!ns)
		return cnvme_admin_cmd_allowed(c);
	return cnvme_io_cmd_allowed(ns, c, open_for_write);
}

/*
 * nvme-cli reads the registers through a mapping of BAR 0, which a kernel
 * with strict /dev/mem rules refuses while a driver owns the BAR.  It
 * then asks for them with the Fabrics Property Get command; the driver
 * answers that itself from the registers 00h-3Fh (CAP to CMBSZ), reads
 * only, with no effect on the controller.  A PCIe controller would reject
 * the command.
 */
static bool cnvme_is_property_get(const struct nvme_command *cmd)
{
	return cmd->common.opcode == nvme_fabrics_command &&
	       cmd->fabrics.fctype == nvme_fabrics_type_property_get;
}

/* Returns 0 with @value set, or a positive NVMe status. */
static int cnvme_property_get(struct cnvme_ctrl *ctrl,
			      const struct nvme_command *cmd, u64 *value)
{
	u32 off = le32_to_cpu(cmd->prop_get.offset);
	bool wide = cmd->prop_get.attrib & 1;

	if (off >= 0x40 || (off & (wide ? 7 : 3)))
		return NVME_SC_INVALID_FIELD | NVME_STATUS_DNR;
	if (wide)
		*value = lo_hi_readq(ctrl->bar + off);
	else
		*value = readl(ctrl->bar + off);
	return 0;
}

/* I/O commands on a namespace must name that namespace. */
static int cnvme_check_nsid(struct cnvme_ns *ns, u32 nsid)
{
	if (!ns || nsid == ns->nsid)
		return 0;
	dev_err(&ns->ctrl->dev,
		"%s: nsid (%u) in cmd does not match nsid (%u) of namespace\n",
		current->comm, nsid, ns->nsid);
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
 * Data longer than one request can carry (the queue's max_hw_sectors) is
 * refused before the block layer sees it.  A buffer it must bounce (not
 * aligned for DMA) gets pages for the whole length before it compares
 * the length with the queue's limit, on kernels without
 * bio_add_pc_page() (7.x): one call of 4 GiB ran a guest of 1 GiB out of
 * memory.  The errno is the block layer's for a transfer too long.
 */
int cnvme_user_too_long(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			struct request *rq, u64 len)
{
	dev_warn_ratelimited(&ctrl->dev,
			     "%s: passthrough data of %llu bytes, more than the %llu the queue takes: refused\n",
			     ns ? ns->disk->disk_name : "admin queue",
			     len, cnvme_user_max(rq));
	return -EINVAL;
}

/* The iovec array of a _VEC command, its total length checked first. */
int cnvme_user_map_vec(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		       struct request *rq, struct cnvme_user_cmd *uc)
{
	struct iovec fast[UIO_FASTIOV], *iov = fast;
	struct iov_iter iter;
	ssize_t ret;

	ret = import_iovec(rq_data_dir(rq), cnvme_user_ptr(uc->addr),
			   uc->data_len, UIO_FASTIOV, &iov, &iter);
	if (ret < 0)
		return ret;
	if (iov_iter_count(&iter) > cnvme_user_max(rq))
		ret = cnvme_user_too_long(ctrl, ns, rq, iov_iter_count(&iter));
	else
		ret = blk_rq_map_user_iov(rq->q, rq, NULL, &iter, GFP_KERNEL);
	kfree(iov);
	return ret;
}

/* A passthrough command failed: the in-kernel driver's line (6.12's) */
static void cnvme_log_passthru_err(struct cnvme_ctrl *ctrl,
				   struct cnvme_ns *ns,
				   const struct nvme_command *c, int status)
{
	pr_err_ratelimited("%s: %s(0x%x), %s (sct 0x%x / sc 0x%x) %s%scdw10=0x%x cdw11=0x%x cdw12=0x%x cdw13=0x%x cdw14=0x%x cdw15=0x%x\n",
			   ns ? ns->disk->disk_name : dev_name(&ctrl->dev),
			   ns ? CNVME_IO_CMD_NAME : CNVME_ADMIN_CMD_NAME,
			   c->common.opcode, CNVME_STATUS_NAME,
			   (status >> 8) & 7, status & 0xff,
			   status & NVME_STATUS_MORE ? "MORE " : "",
			   status & NVME_STATUS_DNR ? "DNR " : "",
			   le32_to_cpu(c->common.cdw10),
			   le32_to_cpu(c->common.cdw11),
			   le32_to_cpu(c->common.cdw12),
			   le32_to_cpu(c->common.cdw13),
			   le32_to_cpu(c->common.cdw14),
			   le32_to_cpu(c->common.cdw15));
}

static int cnvme_execute_user(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			      struct cnvme_user_cmd *uc, u64 *result)
{
	struct cnvme_umeta *meta;
	struct cnvme_iod *iod;
	struct request *rq;
	struct bio *bio;
	blk_status_t sts;
	u32 effects;
	int ret, mret;

	uc->rescan = false;
	rq = cnvme_user_rq_alloc(ctrl, ns, uc, 0, 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	ret = cnvme_user_rq_map(ctrl, ns, rq, uc, NULL, &meta);
	if (ret) {
		blk_mq_free_request(rq);
		return ret;
	}
	bio = rq->bio;
	iod = blk_mq_rq_to_pdu(rq);

	effects = cnvme_passthru_start(ctrl, ns, uc->cmd.common.opcode);
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
		cnvme_log_passthru_err(ctrl, ns, &uc->cmd, ret);
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
}

/* How a user command came: cnvme_user_cmd's and cnvme_submit_io's @how. */
enum {
	CNVME_UCMD_64		= BIT(0),	/* 64-bit result (dwords 0, 1) */
	CNVME_UCMD_VEC		= BIT(1),	/* data: data_len iovecs */
	CNVME_UCMD_PARTITION	= BIT(2),	/* through a partition */
	CNVME_UCMD_WRITABLE	= BIT(3),	/* the node is open for writing */
};

/*
 * NVME_IOCTL_{ADMIN,IO}_CMD (dword 0 of the result written back) and
 * their 64-bit forms (CNVME_UCMD_64: dwords 0 and 1).  @ns is NULL for
 * admin commands.
 */
static int cnvme_user_cmd(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			  void __user *argp, unsigned int how)
{
	bool is64 = how & CNVME_UCMD_64;
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
	ret = cnvme_parse_user_cmd(ns, &c, &uc, how & CNVME_UCMD_VEC);
	if (ret)
		return ret;
	/*
	 * 6.12's driver checks the partition rule for the 64-bit I/O forms
	 * only: its admin ioctls go to the controller's handler, which does
	 * not know the node was a partition.
	 */
	if (CNVME_FINE_PERMISSIONS &&
	    !cnvme_cmd_allowed(ns, &uc.cmd,
			       is64 && ns && (how & CNVME_UCMD_PARTITION),
			       how & CNVME_UCMD_WRITABLE))
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
			   unsigned int how)
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
	    !cnvme_cmd_allowed(ns, &uc.cmd, how & CNVME_UCMD_PARTITION,
			       how & CNVME_UCMD_WRITABLE))
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
	unsigned int how = (partition ? CNVME_UCMD_PARTITION : 0) |
			   (open_for_write ? CNVME_UCMD_WRITABLE : 0);

	switch (cmd) {
	case NVME_IOCTL_ID:
		force_successful_syscall_return();
		return ns->nsid;
	case NVME_IOCTL_ADMIN_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, how);
	case NVME_IOCTL_ADMIN64_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, how | CNVME_UCMD_64);
	case NVME_IOCTL_IO_CMD:
		return cnvme_user_cmd(ctrl, ns, argp, how);
	case NVME_IOCTL_IO64_CMD:
		return cnvme_user_cmd(ctrl, ns, argp, how | CNVME_UCMD_64);
	case NVME_IOCTL_IO64_CMD_VEC:
		return cnvme_user_cmd(ctrl, ns, argp,
				      how | CNVME_UCMD_64 | CNVME_UCMD_VEC);
	case NVME_IOCTL_SUBMIT_IO:
		return cnvme_submit_io(ns, argp, how);
	default:
		return -ENOTTY;
	}
}

/*
 * The deprecated I/O path of the controller node: it works only when the
 * controller has exactly one namespace.
 */
static int cnvme_dev_user_io(struct cnvme_ctrl *ctrl, void __user *argp,
			     unsigned int how)
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
		dev_warn(&ctrl->dev,
			 "NVME_IOCTL_IO_CMD on the controller needs a single namespace; use the namespace's node\n");
		ret = -EINVAL;
		goto unlock;
	}
	dev_warn(&ctrl->dev,
		 "using NVME_IOCTL_IO_CMD on the controller is deprecated; use the namespace's node\n");
	get_device(disk_to_dev(ns->disk));
	mutex_unlock(&ctrl->ns_lock);

	ret = cnvme_user_cmd(ctrl, ns, argp, how);
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
	unsigned int how = file->f_mode & FMODE_WRITE ? CNVME_UCMD_WRITABLE : 0;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case NVME_IOCTL_ADMIN_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, how);
	case NVME_IOCTL_ADMIN64_CMD:
		return cnvme_user_cmd(ctrl, NULL, argp, how | CNVME_UCMD_64);
	case NVME_IOCTL_IO_CMD:
		return cnvme_dev_user_io(ctrl, argp, how);
	case NVME_IOCTL_RESET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		dev_warn(&ctrl->dev, "resetting controller\n");
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
