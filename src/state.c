// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the controller state machine (Documentation/architecture.rst
 * draws it): the states' names and the transitions allowed between them.
 * cnvme_state() in cnvme.h reads the state without the lock.
 */
#include <linux/spinlock.h>

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
		WRITE_ONCE(ctrl->state, new);
	/* every reset of a live controller (sysfs diag/reset_count) */
	if (ok && new == CNVME_STATE_RESETTING && old == CNVME_STATE_LIVE)
		atomic_long_inc(&ctrl->diag_resets);
	spin_unlock_irqrestore(&ctrl->state_lock, flags);
	return ok;
}
