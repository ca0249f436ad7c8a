// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: Asynchronous Event Requests.
 *
 * One AER is kept outstanding on the admin queue while the controller is
 * live.  It is not a blk-mq request (it may wait forever, which a timer
 * must not mind): it has the command identifier just above the admin tag
 * set.  A completion is turned into work: the log page the event names is
 * read (with RAE clear, which lets the controller report that kind of
 * event again), the event is logged and sent to user space as a uevent
 * (NVME_AEN=...), a namespace change starts a rescan, and a new AER goes
 * out.  A controller reset drops the outstanding AER; the reset work arms
 * a new one once the controller is live.
 */
#include <linux/kobject.h>
#include <linux/slab.h>

#include "cnvme.h"

/* Events enabled with Set Features (Asynchronous Event Configuration). */
#define CNVME_AEN_SMART_WARNINGS	0x1f	/* spare .. volatile backup */
#define CNVME_AEN_NOTICES		(NVME_AEN_CFG_NS_ATTR | \
					 NVME_AEN_CFG_FW_ACT)

static void cnvme_aen_arm(struct cnvme_ctrl *ctrl)
{
	struct nvme_command cmd = { };

	if (cnvme_state(ctrl) != CNVME_STATE_LIVE ||
	    test_and_set_bit(CNVME_AEN_ARMED, &ctrl->flags))
		return;
	cmd.common.opcode = nvme_admin_async_event;
	cmd.common.command_id = CNVME_AEN_CID;
	cnvme_submit_cmd(&ctrl->adminq, &cmd);
}

/* The reset work, once live: configure the events and arm the first AER. */
void cnvme_aen_start(struct cnvme_ctrl *ctrl)
{
	u32 notices = le32_to_cpu(ctrl->id->oaes) & CNVME_AEN_NOTICES;
	int ret;

	ret = cnvme_set_features(ctrl, NVME_FEAT_ASYNC_EVENT,
				 notices | CNVME_AEN_SMART_WARNINGS, NULL);
	if (ret > 0)	/* some controllers refuse the SMART bits */
		ret = cnvme_set_features(ctrl, NVME_FEAT_ASYNC_EVENT, notices,
					 NULL);
	if (ret)
		dev_warn(&ctrl->dev,
			 "cannot configure asynchronous events (%d)\n", ret);
	cnvme_aen_arm(ctrl);
}

/* A controller reset drops the outstanding AER. */
void cnvme_aen_disarm(struct cnvme_ctrl *ctrl)
{
	clear_bit(CNVME_AEN_ARMED, &ctrl->flags);
}

/* From the admin queue's completion handler, in interrupt context. */
void cnvme_aen_complete(struct cnvme_ctrl *ctrl, struct nvme_completion *cqe)
{
	u16 status = le16_to_cpu(cqe->status) >> 1;

	clear_bit(CNVME_AEN_ARMED, &ctrl->flags);
	if (status) {
		/* aborted by a reset or shutdown; the reset work re-arms */
		if ((status & 0x7ff) != NVME_SC_ABORT_REQ)
			dev_warn(&ctrl->dev,
				 "asynchronous event request failed, status %#x\n",
				 status);
		return;
	}
	WRITE_ONCE(ctrl->aen_result, le32_to_cpu(cqe->result.u32));
	queue_work(cnvme_wq, &ctrl->aen_work);
}

static void cnvme_aen_notice(struct cnvme_ctrl *ctrl, u8 info, void *buf)
{
	struct device *dev = &ctrl->dev;

	switch (info) {
	case NVME_AER_NOTICE_NS_CHANGED:
		dev_info(dev, "namespace attributes changed; rescanning\n");
		cnvme_get_log(ctrl, NVME_LOG_CHANGED_NS, buf, PAGE_SIZE);
		queue_work(cnvme_wq, &ctrl->scan_work);
		break;
	case NVME_AER_NOTICE_FW_ACT_STARTING:
		dev_info(dev, "firmware activation starting\n");
		break;
	default:
		dev_warn(dev, "asynchronous notice %#x not handled\n", info);
		break;
	}
}

void cnvme_aen_work(struct work_struct *work)
{
	struct cnvme_ctrl *ctrl = container_of(work, struct cnvme_ctrl,
					       aen_work);
	u32 result = READ_ONCE(ctrl->aen_result);
	u8 type = result & 0x7, info = (result >> 8) & 0xff;
	u8 lid = (result >> 16) & 0xff;
	struct device *dev = &ctrl->dev;
	char env[32];
	char *envp[2];
	void *buf;

	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		goto rearm;

	switch (type) {
	case NVME_AER_NOTICE:
		cnvme_aen_notice(ctrl, info, buf);
		break;
	case NVME_AER_SMART: {
		struct nvme_smart_log *smart = buf;
		int ret = cnvme_get_log(ctrl, lid, buf, sizeof(*smart));

		dev_warn(dev, "SMART/health event %#x, critical warning %#x\n",
			 info, ret ? 0 : smart->critical_warning);
		break;
	}
	case NVME_AER_ERROR:
		dev_warn(dev, "error event %#x (log page %#x)\n", info, lid);
		cnvme_get_log(ctrl, lid, buf, 64);
		break;
	default:
		dev_info(dev, "asynchronous event %#x\n", result);
		break;
	}
	kfree(buf);
	if (type != NVME_AER_NOTICE) {
		snprintf(env, sizeof(env), "NVME_AEN=%#08x", result);
		envp[0] = env;
		envp[1] = NULL;
		kobject_uevent_env(&ctrl->dev.kobj, KOBJ_CHANGE, envp);
	}
rearm:
	cnvme_aen_arm(ctrl);
}
