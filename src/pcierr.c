// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the PCI core's error recovery (AER) and function reset hooks.
 *
 * When the link reports an error that froze the channel, or before the
 * PCI core resets the function (FLR, a bus reset, "reset" in sysfs), the
 * controller is disabled the way a controller reset does it: requests
 * in flight are cancelled and requeued, new ones wait.  Afterwards the
 * reset work brings the controller back and the requests run again.  A
 * channel that failed for good kills the controller: I/O fails at once.
 */
#include <linux/pci.h>

#include "cnvme.h"

/* Stop using the controller before the PCI core resets it. */
static void cnvme_pci_quiesce(struct cnvme_ctrl *ctrl)
{
	mutex_lock(&ctrl->lock);
	cnvme_change_state(ctrl, CNVME_STATE_RESETTING);
	if (cnvme_state(ctrl) == CNVME_STATE_RESETTING)
		cnvme_dev_disable(ctrl, CNVME_STOP_RESET);
	mutex_unlock(&ctrl->lock);
}

/*
 * After the PCI core reset the function: bring the controller back,
 * unless it is shut down for a system sleep (the resume does it).
 */
static void cnvme_pci_restart(struct cnvme_ctrl *ctrl)
{
	if (cnvme_state(ctrl) == CNVME_STATE_RESETTING &&
	    !test_bit(CNVME_PM_STOPPED, &ctrl->flags))
		queue_work(cnvme_wq, &ctrl->reset_work);
}

static pci_ers_result_t cnvme_error_detected(struct pci_dev *pdev,
					     pci_channel_state_t state)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return PCI_ERS_RESULT_NONE;
	switch (state) {
	case pci_channel_io_normal:
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		dev_warn(&ctrl->dev,
			 "frozen state error detected, reset controller\n");
		cnvme_pci_quiesce(ctrl);
		return PCI_ERS_RESULT_NEED_RESET;
	case pci_channel_io_perm_failure:
		dev_warn(&ctrl->dev,
			 "failure state error detected, request disconnect\n");
		mutex_lock(&ctrl->lock);
		cnvme_kill(ctrl, "PCI channel failed");
		mutex_unlock(&ctrl->lock);
		return PCI_ERS_RESULT_DISCONNECT;
	}
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t cnvme_slot_reset(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return PCI_ERS_RESULT_DISCONNECT;
	dev_info(&ctrl->dev, "restart after slot reset\n");
	pci_restore_state(pdev);
	cnvme_pci_restart(ctrl);
	return PCI_ERS_RESULT_RECOVERED;
}

static void cnvme_error_resume(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (ctrl)
		flush_work(&ctrl->reset_work);
}

static void cnvme_reset_prepare(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (ctrl)
		cnvme_pci_quiesce(ctrl);
}

static void cnvme_reset_done(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return;
	cnvme_pci_restart(ctrl);
	flush_work(&ctrl->reset_work);
}

const struct pci_error_handlers cnvme_err_handler = {
	.error_detected	= cnvme_error_detected,
	.slot_reset	= cnvme_slot_reset,
	.resume		= cnvme_error_resume,
	.reset_prepare	= cnvme_reset_prepare,
	.reset_done	= cnvme_reset_done,
};
