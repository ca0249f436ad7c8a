// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: controller register handling: enable, disable, shutdown and the
 * controller state.
 */
#include <linux/delay.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>

#include "cnvme.h"

static const char * const cnvme_state_names[] = {
	[CNVME_STATE_NEW]		= "new",
	[CNVME_STATE_LIVE]		= "live",
	[CNVME_STATE_RESETTING]		= "resetting",
	[CNVME_STATE_CONNECTING]	= "connecting",
	[CNVME_STATE_DELETING]		= "deleting",
	[CNVME_STATE_DELETING_NOIO]	= "deleting (no IO)",
	[CNVME_STATE_DEAD]		= "dead",
};

const char *cnvme_state_name(enum cnvme_state state)
{
	if ((unsigned int)state < ARRAY_SIZE(cnvme_state_names))
		return cnvme_state_names[state];
	return "unknown state";
}

/*
 * The allowed transitions.  DELETING leads only to DELETING_NOIO, DEAD
 * only to DELETING_NOIO, which is final: the device is going away.
 */
bool cnvme_change_state(struct cnvme_ctrl *ctrl, enum cnvme_state new)
{
	enum cnvme_state old;
	bool ok = false;
	unsigned long flags;

	spin_lock_irqsave(&ctrl->state_lock, flags);
	old = ctrl->state;
	switch (new) {
	case CNVME_STATE_LIVE:
		ok = old == CNVME_STATE_NEW || old == CNVME_STATE_RESETTING ||
		     old == CNVME_STATE_CONNECTING;
		break;
	case CNVME_STATE_RESETTING:
		ok = old == CNVME_STATE_NEW || old == CNVME_STATE_LIVE;
		break;
	case CNVME_STATE_CONNECTING:
		ok = old == CNVME_STATE_NEW || old == CNVME_STATE_RESETTING;
		break;
	case CNVME_STATE_DELETING:
		ok = old == CNVME_STATE_NEW || old == CNVME_STATE_LIVE ||
		     old == CNVME_STATE_RESETTING ||
		     old == CNVME_STATE_CONNECTING;
		break;
	case CNVME_STATE_DELETING_NOIO:
		ok = old == CNVME_STATE_DELETING || old == CNVME_STATE_DEAD;
		break;
	case CNVME_STATE_DEAD:
		ok = old != CNVME_STATE_DEAD &&
		     old != CNVME_STATE_DELETING_NOIO;
		break;
	default:
		break;
	}
	if (ok)
		ctrl->state = new;
	/* every reset of a live controller (sysfs diag/reset_count) */
	if (ok && new == CNVME_STATE_RESETTING && old == CNVME_STATE_LIVE)
		atomic_long_inc(&ctrl->diag_resets);
	spin_unlock_irqrestore(&ctrl->state_lock, flags);
	return ok;
}

/* CAP.TO is in units of 500 ms; it is the limit for CSTS.RDY to follow CC.EN. */
static unsigned long cnvme_ready_timeout(struct cnvme_ctrl *ctrl)
{
	return msecs_to_jiffies((NVME_CAP_TIMEOUT(ctrl->cap) + 1) * 500);
}

int cnvme_wait_ready(struct cnvme_ctrl *ctrl, bool enabled)
{
	unsigned long deadline = jiffies + cnvme_ready_timeout(ctrl);
	u32 want = enabled ? NVME_CSTS_RDY : 0;
	u32 csts;

	for (;;) {
		csts = cnvme_readl(ctrl, NVME_REG_CSTS);
		if (csts == ~0U) {
			dev_err(&ctrl->pdev->dev,
				"controller registers read all ones: device gone\n");
			return -ENODEV;
		}
		if ((csts & NVME_CSTS_RDY) == want)
			return 0;
		if (enabled && (csts & NVME_CSTS_CFS)) {
			dev_err(&ctrl->pdev->dev,
				"controller fatal status while enabling (CSTS %#x)\n",
				csts);
			return -EIO;
		}
		if (time_after(jiffies, deadline)) {
			dev_err(&ctrl->pdev->dev,
				"controller not %s after %u ms (CSTS %#x)\n",
				enabled ? "ready" : "disabled",
				jiffies_to_msecs(cnvme_ready_timeout(ctrl)), csts);
			return -ENODEV;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		usleep_range(1000, 2000);
	}
}

int cnvme_disable_ctrl(struct cnvme_ctrl *ctrl)
{
	cnvme_fault_disable_delay(ctrl);
	ctrl->ctrl_config = cnvme_readl(ctrl, NVME_REG_CC);
	ctrl->ctrl_config &= ~(NVME_CC_SHN_MASK | NVME_CC_ENABLE);
	cnvme_writel(ctrl, ctrl->ctrl_config, NVME_REG_CC);
	return cnvme_wait_ready(ctrl, false);
}

int cnvme_enable_ctrl(struct cnvme_ctrl *ctrl)
{
	struct cnvme_queue *aq = &ctrl->adminq;
	u32 aqa = (aq->depth - 1) | ((aq->depth - 1) << 16);
	u32 css = NVME_CC_CSS_NVM;

	if (cnvme_fault_fail_enable(ctrl))
		return -ENODEV;
	if (NVME_CAP_CSS(ctrl->cap) & NVME_CAP_CSS_CSI)
		css = NVME_CC_CSS_CSI;

	cnvme_writel(ctrl, aqa, NVME_REG_AQA);
	lo_hi_writeq(aq->sq_dma, ctrl->bar + NVME_REG_ASQ);
	lo_hi_writeq(aq->cq_dma, ctrl->bar + NVME_REG_ACQ);

	ctrl->ctrl_config = css;
	ctrl->ctrl_config |= (ctrl->page_shift - 12) << NVME_CC_MPS_SHIFT;
	ctrl->ctrl_config |= NVME_CC_AMS_RR | NVME_CC_SHN_NONE;
	ctrl->ctrl_config |= NVME_CC_IOSQES | NVME_CC_IOCQES;
	cnvme_writel(ctrl, ctrl->ctrl_config, NVME_REG_CC);
	ctrl->ctrl_config |= NVME_CC_ENABLE;
	cnvme_writel(ctrl, ctrl->ctrl_config, NVME_REG_CC);
	return cnvme_wait_ready(ctrl, true);
}

/*
 * Normal shutdown (CC.SHN = 01b), waiting for CSTS.SHST to report
 * completion.  The wait is RTD3E when the controller reports one, bounded
 * by the shutdown_timeout parameter.
 */
int cnvme_shutdown_ctrl(struct cnvme_ctrl *ctrl)
{
	unsigned int secs = cnvme_shutdown_timeout;
	unsigned long deadline;
	u32 csts;

	if (ctrl->rtd3e) {
		u32 rtd3_secs = DIV_ROUND_UP(ctrl->rtd3e, USEC_PER_SEC);

		secs = clamp(rtd3_secs, 1U, cnvme_shutdown_timeout);
	}

	ctrl->ctrl_config = cnvme_readl(ctrl, NVME_REG_CC);
	ctrl->ctrl_config &= ~NVME_CC_SHN_MASK;
	ctrl->ctrl_config |= NVME_CC_SHN_NORMAL;
	cnvme_writel(ctrl, ctrl->ctrl_config, NVME_REG_CC);

	deadline = jiffies + secs * HZ;
	for (;;) {
		csts = cnvme_readl(ctrl, NVME_REG_CSTS);
		if (csts == ~0U)
			return -ENODEV;
		if ((csts & NVME_CSTS_SHST_MASK) == NVME_CSTS_SHST_CMPLT)
			return 0;
		if (time_after(jiffies, deadline)) {
			dev_warn(&ctrl->pdev->dev,
				 "shutdown not complete after %u s (CSTS %#x)\n",
				 secs, csts);
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
}

/*
 * nvme-cli reads the registers through a mapping of BAR 0, which a kernel
 * with strict /dev/mem rules refuses while a driver owns the BAR.  It
 * then asks for them with the Fabrics Property Get command; the driver
 * answers that itself from the registers 00h-3Fh (CAP to CMBSZ), reads
 * only, with no effect on the controller.  A PCIe controller would reject
 * the command.
 */
bool cnvme_is_property_get(const struct nvme_command *cmd)
{
	return cmd->common.opcode == nvme_fabrics_command &&
	       cmd->fabrics.fctype == nvme_fabrics_type_property_get;
}

/* Returns 0 with @value set, or a positive NVMe status. */
int cnvme_property_get(struct cnvme_ctrl *ctrl, const struct nvme_command *cmd,
		       u64 *value)
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
