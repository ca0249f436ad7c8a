// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: bringing the controller up, resetting it, and giving up on it.
 *
 * Bring-up after probe and every later reset run the same work item:
 * disable (cancelling what the controller held; file system I/O is
 * requeued, not failed), enable, identify, create the I/O queues, resume
 * I/O, rescan.  A failure on that path leaves the controller dead: every
 * request, queued or new, fails at once and nothing waits for it.
 */
#include <linux/pci.h>
#include <linux/slab.h>

#include "cnvme.h"
#include "compat.h"
#include "limits.h"

static void cnvme_quiesce_admin(struct cnvme_ctrl *ctrl)
{
	if (!test_and_set_bit(CNVME_ADMIN_STOPPED, &ctrl->flags))
		blk_mq_quiesce_queue(ctrl->admin_q);
}

void cnvme_unquiesce_admin(struct cnvme_ctrl *ctrl)
{
	if (test_and_clear_bit(CNVME_ADMIN_STOPPED, &ctrl->flags))
		blk_mq_unquiesce_queue(ctrl->admin_q);
}

/* Reap what the controller finished (before it stopped). */
void cnvme_reap_io_queues(struct cnvme_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < ctrl->nr_ioqs; i++)
		if (ctrl->ioqs[i].sqes)
			cnvme_reap_cq_sync(&ctrl->ioqs[i]);
	cnvme_reap_cq_sync(&ctrl->adminq);
}

/*
 * Stop the controller and settle every request it held.  CNVME_STOP_RESET
 * simply clears CC.EN, as for a reset; CNVME_STOP_SHUTDOWN is an orderly
 * stop (I/O drained, queues deleted, CC.SHN) for removal and power-off;
 * CNVME_STOP_SLEEP is the same for system sleep, but the disks' queues
 * stay frozen: nothing new enters until the reset on wake-up ends the
 * freeze (cnvme_drain_io_end).  Leaves the admin and I/O queues quiesced.
 */
void cnvme_dev_disable(struct cnvme_ctrl *ctrl, enum cnvme_stop how)
{
	bool shutdown = how != CNVME_STOP_RESET;
	u32 csts = cnvme_readl(ctrl, NVME_REG_CSTS);
	bool present = csts != ~0U;
	bool enabled = present && (csts & NVME_CSTS_RDY);
	bool drained = false;
	unsigned int i;

	/* a reset, removal or PCI recovery may be under way: one at a time */
	cnvme_assert_locked(ctrl);
	if (shutdown && enabled) {
		cnvme_drain_io(ctrl, cnvme_shutdown_timeout * HZ);
		drained = true;
		/* an I/O timeout during the drain may have stopped it */
		csts = cnvme_readl(ctrl, NVME_REG_CSTS);
		present = csts != ~0U;
		enabled = present && (csts & NVME_CSTS_RDY);
	}
	cnvme_quiesce_io(ctrl);
	if (shutdown && enabled)
		cnvme_delete_io_queues(ctrl);
	cnvme_quiesce_admin(ctrl);
	if (enabled) {
		if (shutdown)
			cnvme_shutdown_ctrl(ctrl);
		cnvme_disable_ctrl(ctrl);
	}

	for (i = 0; i < ctrl->max_ioqs; i++)
		WRITE_ONCE(ctrl->ioqs[i].live, false);
	if (present)
		cnvme_reap_io_queues(ctrl);
	cnvme_sync_io_irqs(ctrl);
	cnvme_cancel_all_io(ctrl);
	cnvme_admin_cancel_all(ctrl);
	cnvme_aen_disarm(ctrl);
	if (drained && how != CNVME_STOP_SLEEP)
		cnvme_drain_io_end(ctrl);
}

bool cnvme_schedule_reset(struct cnvme_ctrl *ctrl)
{
	if (!cnvme_change_state(ctrl, CNVME_STATE_RESETTING))
		return false;
	queue_work(cnvme_wq, &ctrl->reset_work);
	return true;
}

/*
 * A reset asked for by the user: refused unless the controller is live,
 * then waited for.  Returns 0 when the controller came back live.
 */
int cnvme_reset_sync(struct cnvme_ctrl *ctrl)
{
	if (!cnvme_schedule_reset(ctrl)) {
		dev_warn(&ctrl->dev, "reset refused in state %s\n",
			 cnvme_state_name(cnvme_state(ctrl)));
		return -EBUSY;
	}
	flush_work(&ctrl->reset_work);
	return cnvme_state(ctrl) == CNVME_STATE_LIVE ? 0 : -ENETRESET;
}

/*
 * Give up: the controller is stopped, its disks are marked dead and the
 * queues run again so that every request fails instead of waiting.  The
 * stop comes first: a timeout in the dead state fails its request at
 * once, which is safe only when the device can no longer DMA into it.
 * Called with the controller lock held.
 */
void cnvme_kill(struct cnvme_ctrl *ctrl, const char *why)
{
	dev_err(&ctrl->dev, "controller is dead: %s\n", why);
	cnvme_dev_disable(ctrl, CNVME_STOP_RESET);
	cnvme_change_state(ctrl, CNVME_STATE_DEAD);
	cnvme_mark_namespaces_dead(ctrl);
	cnvme_unquiesce_admin(ctrl);
	cnvme_unquiesce_io(ctrl);
	/* frozen for a system sleep: what waits to enter fails now */
	cnvme_drain_io_end(ctrl);
}

/*
 * An I/O timed out while the controller is being removed: nothing will
 * reset it, and the removal waits for the request.  Stop the controller
 * (no more DMA) and fail all it holds, without the locks that the
 * removal or a reset may hold while they wait for I/O.  The queues stay
 * runnable: a requeued request reaches ->queue_rq and fails there, as
 * no I/O queue is live any more.  The first timeout does it; others
 * that race with it wait for it to cancel their requests.
 */
bool cnvme_stop_for_removal(struct cnvme_ctrl *ctrl)
{
	unsigned int i;

	if (test_and_set_bit(CNVME_REMOVAL_STOP, &ctrl->flags))
		return false;
	for (i = 0; i < ctrl->max_ioqs; i++)
		WRITE_ONCE(ctrl->ioqs[i].live, false);
	if (cnvme_readl(ctrl, NVME_REG_CSTS) != ~0U)
		cnvme_disable_ctrl(ctrl);
	cnvme_sync_io_irqs(ctrl);
	/* what the controller finished completes; only the rest is cancelled */
	cnvme_reap_io_queues(ctrl);
	cnvme_cancel_all_io(ctrl);
	cnvme_admin_cancel_all(ctrl);
	return true;
}

/* What Identify Controller means for the data path. */
static void cnvme_init_ctrl_limits(struct cnvme_ctrl *ctrl)
{
	struct nvme_id_ctrl *id = ctrl->id;
	u32 max = CNVME_MAX_TRANSFER >> SECTOR_SHIFT;

	if (id->mdts) {
		u32 mdts = 1U << min_t(u32, id->mdts + NVME_CAP_MPSMIN(ctrl->cap) +
				       CNVME_CTRL_PAGE_SHIFT - SECTOR_SHIFT, 31);

		max = min(max, mdts);
	}
	ctrl->max_hw_sectors = max;
	if (cnvme_limits_admin(ctrl->admin_q, max, CNVME_QUEUE_MAX_SEGMENTS,
			       CNVME_CTRL_PAGE_SIZE - 1))
		dev_warn(&ctrl->dev, "cannot set admin queue limits\n");
	ctrl->oncs = le16_to_cpu(id->oncs);
	ctrl->vwc = id->vwc;
	ctrl->sgls = le32_to_cpu(id->sgls) & 0x3;
}

/*
 * Give the controller the host's time (Timestamp feature), as the
 * in-kernel driver does on every start; not fatal if refused.
 */
static void cnvme_set_timestamp(struct cnvme_ctrl *ctrl)
{
	struct nvme_command cmd = { };
	__le64 ts;
	int ret;

	if (!(ctrl->oncs & NVME_CTRL_ONCS_TIMESTAMP))
		return;
	ts = cpu_to_le64(ktime_to_ms(ktime_get_real()));
	cmd.features.opcode = nvme_admin_set_features;
	cmd.features.fid = cpu_to_le32(NVME_FEAT_TIMESTAMP);
	ret = cnvme_admin_exec(ctrl, &cmd, &ts, sizeof(ts), NULL);
	if (ret)
		dev_warn_once(&ctrl->dev,
			      "cannot set the timestamp (%d)\n", ret);
}

/*
 * Host Behavior Support, as the in-kernel driver sets it: Advanced
 * Command Retry (the controller may ask for a retry delay, CRD) when the
 * controller has retry delay times, and extended LBA formats when it
 * supports them.
 */
static void cnvme_set_host_behavior(struct cnvme_ctrl *ctrl)
{
	struct nvme_command cmd = { };
	struct nvme_feat_host_behavior *hb;
	bool acre = ctrl->crdt[0];
	bool lbafee = le32_to_cpu(ctrl->id->ctratt) & NVME_CTRL_ATTR_ELBAS;
	int ret;

	if (!acre && !lbafee)
		return;
	hb = kzalloc(sizeof(*hb), GFP_KERNEL);
	if (!hb)
		return;
	hb->acre = acre ? NVME_ENABLE_ACRE : 0;
	hb->lbafee = lbafee ? NVME_ENABLE_LBAFEE : 0;
	cmd.features.opcode = nvme_admin_set_features;
	cmd.features.fid = cpu_to_le32(NVME_FEAT_HOST_BEHAVIOR);
	ret = cnvme_admin_exec(ctrl, &cmd, hb, sizeof(*hb), NULL);
	if (ret)
		dev_warn_once(&ctrl->dev,
			      "cannot set host behavior (%d)\n", ret);
	kfree(hb);
}

static void cnvme_do_reset(struct cnvme_ctrl *ctrl)
{
	const char *why;
	int ret;

	mutex_lock(&ctrl->lock);
	if (cnvme_state(ctrl) != CNVME_STATE_RESETTING)
		goto unlock;

	cnvme_dev_disable(ctrl, CNVME_STOP_RESET);
	if (!cnvme_change_state(ctrl, CNVME_STATE_CONNECTING))
		goto unlock;

	cnvme_queue_reset(&ctrl->adminq);
	if (!ctrl->nr_vecs) {
		/* given back for a system sleep, or lost by a failed reset */
		ret = cnvme_setup_admin_irq(ctrl);
		why = "no interrupt for the admin queue";
		if (ret)
			goto dead;
	}
	ret = cnvme_enable_ctrl(ctrl);
	why = "cannot enable";
	if (ret)
		goto dead;
	cnvme_unquiesce_admin(ctrl);

	ret = cnvme_identify_ctrl(ctrl);
	why = "Identify Controller failed";
	if (ret)
		goto dead;
	cnvme_init_ctrl_limits(ctrl);
	cnvme_identify_nvm_limits(ctrl);
	ret = cnvme_effects_init(ctrl);
	why = "cannot allocate the command effects";
	if (ret)
		goto dead;
	ret = cnvme_subsys_add(ctrl);
	why = "cannot register the NVM subsystem";
	if (ret)
		goto dead;
	cnvme_hwmon_init(ctrl);

	ret = cnvme_setup_io_queues(ctrl);
	why = "cannot create I/O queues";
	if (ret)
		goto dead;
	if (ctrl->nr_ioqs) {
		ret = cnvme_io_tagset_update(ctrl);
		why = "cannot set up the I/O tag set";
		if (ret)
			goto dead;
	} else if (ctrl->tagset_ready) {
		why = "I/O queues lost across a reset";
		goto dead;
	}

	if (!cnvme_change_state(ctrl, CNVME_STATE_LIVE))
		goto unlock;
	/*
	 * The configuration a slot reset restores: saved at every bring-up,
	 * as a restore (recovery, resume) uses the saved state up.  6.1's
	 * AER recovery does not save it itself before the link reset.
	 */
	pci_save_state(ctrl->pdev);
	cnvme_unquiesce_io(ctrl);
	/* after a system sleep: the requests held at the queues' doors */
	cnvme_drain_io_end(ctrl);
	cnvme_set_timestamp(ctrl);
	cnvme_set_host_behavior(ctrl);
	cnvme_aen_start(ctrl);
	mutex_unlock(&ctrl->lock);
	cnvme_io_resubmit_rerouted(ctrl);
	queue_work(cnvme_wq, &ctrl->scan_work);
	return;

dead:
	dev_err(&ctrl->dev, "%s (%d)\n", why, ret);
	cnvme_kill(ctrl, why);
unlock:
	mutex_unlock(&ctrl->lock);
	/* on a dead controller they fail at once */
	cnvme_io_resubmit_rerouted(ctrl);
}

void cnvme_reset_work(struct work_struct *work)
{
	struct cnvme_ctrl *ctrl = container_of(work, struct cnvme_ctrl,
					       reset_work);
	bool armed = cnvme_fault_work_begin(CNVME_FAULT_WORK_RESET);

	cnvme_do_reset(ctrl);
	cnvme_fault_work_end(CNVME_FAULT_WORK_RESET, armed);
}
