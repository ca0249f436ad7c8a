// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: what a passthrough command does to the controller, and who may
 * send it.
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
#include <linux/slab.h>

#include "cnvme.h"
#include "compat.h"

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
			dev_warn(&ctrl->pdev->dev,
				 "%s: cannot read the command effects log (%d); assuming none\n",
				 dev_name(&ctrl->dev), ret);
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
u32 cnvme_cmd_effects(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns, u8 opcode)
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
u32 cnvme_passthru_start(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
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
bool cnvme_passthru_end(struct cnvme_ctrl *ctrl, u32 effects)
{
	if (effects & NVME_CMD_EFFECTS_CSE_MASK)
		cnvme_passthru_unfreeze(ctrl);
	if ((effects & NVME_CMD_EFFECTS_CCC) &&
	    !test_and_set_bit(CNVME_CAPS_CHANGED, &ctrl->flags))
		dev_info(&ctrl->pdev->dev,
			 "%s: controller capabilities changed; a reset may be needed for them to take effect\n",
			 dev_name(&ctrl->dev));
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
