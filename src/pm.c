// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: system sleep (suspend to RAM or to idle, hibernation).
 *
 * Going down, the controller is shut down as for a power-off: the I/O
 * in flight drains (what does not within shutdown_timeout is cancelled
 * and requeued), and the disks' queues stay frozen, so nothing new
 * reaches the controller.  Coming back, the reset work brings it up
 * again and ends the freeze: what waited runs then, without an error.
 * In between the controller stays "resetting": user resets are refused
 * and I/O timeouts leave it alone.  This is what the in-kernel driver
 * does whenever it cannot keep the controller in one of its own power
 * states (always in S3, where the platform takes the power away, and for
 * hibernation); cnvme does it for suspend-to-idle too.
 */
#include <linux/delay.h>
#include <linux/pci.h>

#include "cnvme.h"

/*
 * Take the controller for the sleep: a reset, bring-up, scan or event
 * under way finishes first.  A reset that cannot end (the controller in PCI
 * error recovery) refuses the sleep rather than blocking it.
 */
static int cnvme_pm_stop(struct device *dev)
{
	struct cnvme_ctrl *ctrl = dev_get_drvdata(dev);
	enum cnvme_state state;
	unsigned long end;

	if (!ctrl)
		return 0;
	end = jiffies + READ_ONCE(ctrl->admin_timeout) + cnvme_shutdown_timeout * HZ;
	for (;;) {
		flush_work(&ctrl->reset_work);
		flush_work(&ctrl->scan_work);
		flush_work(&ctrl->aen_work);
		mutex_lock(&ctrl->lock);
		if (cnvme_change_state(ctrl, CNVME_STATE_RESETTING))
			break;
		state = cnvme_state(ctrl);
		mutex_unlock(&ctrl->lock);
		if (state != CNVME_STATE_RESETTING &&
		    state != CNVME_STATE_CONNECTING)
			return 0;	/* dead or going away: nothing to stop */
		if (time_after(jiffies, end)) {
			dev_warn(&ctrl->dev, "sleep refused: the controller is still %s\n",
				 cnvme_state_name(state));
			return -EBUSY;
		}
		msleep(20);
	}
	cnvme_dev_disable(ctrl, CNVME_STOP_SLEEP);
	/*
	 * No interrupt stays requested across the sleep (the reset asks for
	 * them again), as in the in-kernel driver: 6.1's interrupt core
	 * enables a managed interrupt twice when its CPU came back before
	 * the interrupts resume ("Unbalanced enable").
	 */
	cnvme_free_irqs(ctrl);
	/*
	 * What the drain left (only when it timed out) was requeued into
	 * stopped queues: let it reach ->queue_rq, which holds it (busy)
	 * until the controller is live again, as the in-kernel driver does.
	 * Such a request keeps its tag: taking the other CPUs down may then
	 * wait for it, with that driver too.
	 */
	cnvme_unquiesce_io(ctrl);
	set_bit(CNVME_PM_STOPPED, &ctrl->flags);
	mutex_unlock(&ctrl->lock);
	return 0;
}

/* Bring the controller back; the request queues run when it is live. */
static int cnvme_pm_start(struct device *dev)
{
	struct cnvme_ctrl *ctrl = dev_get_drvdata(dev);

	if (ctrl && test_and_clear_bit(CNVME_PM_STOPPED, &ctrl->flags))
		queue_work(cnvme_wq, &ctrl->reset_work);
	return 0;
}

const struct dev_pm_ops cnvme_pm_ops = {
	.suspend	= cnvme_pm_stop,
	.resume		= cnvme_pm_start,
	.freeze		= cnvme_pm_stop,
	.thaw		= cnvme_pm_start,
	.poweroff	= cnvme_pm_stop,
	.restore	= cnvme_pm_start,
};
