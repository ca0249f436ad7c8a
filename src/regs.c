// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the controller's registers: enable, disable, shutdown, and the
 * wait for CSTS.RDY to follow.
 */
#include <linux/delay.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>

#include "cnvme.h"
#include "compat.h"

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
			dev_err(&ctrl->dev,
				"controller registers read all ones: device gone\n");
			return -ENODEV;
		}
		if ((csts & NVME_CSTS_RDY) == want)
			return 0;
		if (enabled && (csts & NVME_CSTS_CFS)) {
			dev_err(&ctrl->dev,
				"controller fatal status while enabling (CSTS %#x)\n",
				csts);
			return -EIO;
		}
		if (time_after(jiffies, deadline)) {
			/* the in-kernel driver's line */
			dev_err(&ctrl->dev,
				"Device not ready; aborting %s, CSTS=0x%x\n",
				enabled ? "initialisation" : "reset", csts);
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
			/* the in-kernel driver's line (6.1's or 6.12's) */
			if (CNVME_LOG_SHUTDOWN_NOT_READY)
				dev_err(&ctrl->dev,
					"Device not ready; aborting shutdown, CSTS=0x%x\n",
					csts);
			else
				dev_err(&ctrl->dev,
					"Device shutdown incomplete; abort shutdown\n");
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
}
