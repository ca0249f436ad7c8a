// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: fault points for the recovery tests, compiled in only with
 * "make FAULT_INJECT=1" (CNVME_FAULT_INJECT); the shipped module has
 * none.  Each controller gets /sys/kernel/debug/cnvme/<nvmeN>/ with:
 *
 * drop_io_completions     the next N I/O completions are consumed but
 *                         not delivered, as if lost: the requests time out
 * drop_admin_completions  the same on the admin queue (not the AER)
 * fail_enables            the next N controller enables fail (-ENODEV),
 *                         so the reset work gives up: the controller dies
 * regs_gone               1: every register reads all ones, as after a
 *                         surprise removal; a removal then takes the
 *                         PCI function for gone
 * csts_cfs                the next N reads of CSTS show Controller Fatal
 *                         Status
 * replay_io_completions   the next N I/O completions are delivered once
 *                         more, just before the next completion of their
 *                         queue, as a late duplicate from the controller
 *                         would be: by then the tag may carry a newer
 *                         command
 * enable_delay_ms         every controller enable waits this long first,
 *                         as a slow controller would (0: none)
 * fail_identify_ns        the next N Identify Namespace commands of a
 *                         scan end as if the host had cancelled them
 *                         (Host Aborted, no DNR), without reaching the
 *                         controller
 * max_io_queues           the controller grants at most this many I/O
 *                         queues from the next reset on, as one whose
 *                         resources changed would (0: what it offers)
 * disable_delay_ms        every controller disable waits this long before
 *                         it clears CC.EN, as a controller slow to stop
 *                         (still running its commands) would (0: none)
 *
 * and, for the controllers probed from then on, in the top directory:
 *
 * fail_probe_enables      each new controller starts with this many
 *                         failing enables (its fail_enables): its first
 *                         bring-up gives up before Identify Controller
 * path_join_delay_ms      a new multipath path waits this long after its
 *                         disk is added before it joins its head, as a
 *                         slow disk add would (0: none)
 * fail_nth_reset_work     the next run of a reset work (any controller's)
 * fail_nth_scan_work      or of a scan work runs with the kernel's
 *                         fail-nth set to this value, as a task's
 *                         /proc/<pid>/fail-nth does (CONFIG_FAULT_INJECTION):
 *                         its Nth fault-injection point (failslab,
 *                         fail_page_alloc) fails.  The run takes the value
 *                         (the file reads 0 again) and leaves what was
 *                         left of it in fail_nth_reset_left or
 *                         fail_nth_scan_left: 0 when the Nth point was
 *                         reached.  How the allocation-failure sweeps
 *                         reach what runs in cnvme's workqueue.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>

#include "cnvme.h"

static struct dentry *cnvme_debugfs_root;
static u32 cnvme_fault_probe_enables;
static u32 cnvme_fault_join_delay_ms;
static u32 cnvme_fault_nth[CNVME_FAULT_WORKS];
static u32 cnvme_fault_nth_left[CNVME_FAULT_WORKS];

void cnvme_fault_init(void)
{
	cnvme_debugfs_root = debugfs_create_dir(CNVME_NAME, NULL);
	debugfs_create_u32("fail_probe_enables", 0600, cnvme_debugfs_root,
			   &cnvme_fault_probe_enables);
	debugfs_create_u32("path_join_delay_ms", 0600, cnvme_debugfs_root,
			   &cnvme_fault_join_delay_ms);
	debugfs_create_u32("fail_nth_reset_work", 0600, cnvme_debugfs_root,
			   &cnvme_fault_nth[CNVME_FAULT_WORK_RESET]);
	debugfs_create_u32("fail_nth_reset_left", 0600, cnvme_debugfs_root,
			   &cnvme_fault_nth_left[CNVME_FAULT_WORK_RESET]);
	debugfs_create_u32("fail_nth_scan_work", 0600, cnvme_debugfs_root,
			   &cnvme_fault_nth[CNVME_FAULT_WORK_SCAN]);
	debugfs_create_u32("fail_nth_scan_left", 0600, cnvme_debugfs_root,
			   &cnvme_fault_nth_left[CNVME_FAULT_WORK_SCAN]);
	pr_warn("cnvme: built with fault injection (debugfs %s/); not for production\n",
		CNVME_NAME);
}

void cnvme_fault_exit(void)
{
	debugfs_remove_recursive(cnvme_debugfs_root);
}

void cnvme_fault_ctrl_add(struct cnvme_ctrl *ctrl)
{
	struct dentry *d = debugfs_create_dir(dev_name(&ctrl->dev),
					      cnvme_debugfs_root);

	ctrl->fault_dir = d;
	atomic_set(&ctrl->fault_fail_enable,
		   READ_ONCE(cnvme_fault_probe_enables));
	debugfs_create_atomic_t("drop_io_completions", 0600, d,
				&ctrl->fault_drop_io);
	debugfs_create_atomic_t("drop_admin_completions", 0600, d,
				&ctrl->fault_drop_admin);
	debugfs_create_atomic_t("fail_enables", 0600, d,
				&ctrl->fault_fail_enable);
	debugfs_create_atomic_t("csts_cfs", 0600, d, &ctrl->fault_cfs);
	debugfs_create_bool("regs_gone", 0600, d, &ctrl->fault_regs_gone);
	debugfs_create_atomic_t("fail_identify_ns", 0600, d,
				&ctrl->fault_identify_ns);
	debugfs_create_u32("enable_delay_ms", 0600, d,
			   &ctrl->fault_enable_delay_ms);
	debugfs_create_atomic_t("replay_io_completions", 0600, d,
				&ctrl->fault_replay_io);
	debugfs_create_u32("max_io_queues", 0600, d, &ctrl->fault_max_ioqs);
	debugfs_create_u32("disable_delay_ms", 0600, d,
			   &ctrl->fault_disable_delay_ms);
}

void cnvme_fault_ctrl_del(struct cnvme_ctrl *ctrl)
{
	debugfs_remove_recursive(ctrl->fault_dir);
	ctrl->fault_dir = NULL;
}

/*
 * A run of a work of cnvme's workqueue starts: arm the kernel's fail-nth
 * of this worker when the test asked for it.  True when armed: the run
 * must then call cnvme_fault_work_end() on its way out.
 */
bool cnvme_fault_work_begin(enum cnvme_fault_work w)
{
#ifdef CONFIG_FAULT_INJECTION
	u32 n = xchg(&cnvme_fault_nth[w], 0);

	if (!n)
		return false;
	current->fail_nth = n;
	return true;
#else
	return false;
#endif
}

void cnvme_fault_work_end(enum cnvme_fault_work w, bool armed)
{
#ifdef CONFIG_FAULT_INJECTION
	if (!armed)
		return;
	/* a worker runs other works next: never leave it armed */
	WRITE_ONCE(cnvme_fault_nth_left[w], current->fail_nth);
	current->fail_nth = 0;
#endif
}

/* Take one from a counter that is above zero. */
static bool cnvme_fault_take(atomic_t *v)
{
	return atomic_add_unless(v, -1, 0);
}

bool cnvme_fault_drop_cqe(struct cnvme_queue *q, u16 cid)
{
	struct cnvme_ctrl *ctrl = q->ctrl;

	if (!cnvme_fault_take(q->qid ? &ctrl->fault_drop_io :
			      &ctrl->fault_drop_admin))
		return false;
	dev_warn(&ctrl->dev, "fault: dropping the completion of qid %u command id %u\n",
		 q->qid, cid);
	return true;
}

bool cnvme_fault_fail_enable(struct cnvme_ctrl *ctrl)
{
	u32 delay = READ_ONCE(ctrl->fault_enable_delay_ms);

	if (delay) {
		dev_warn(&ctrl->dev, "fault: enable delayed by %u ms\n",
			 delay);
		msleep(delay);
	}
	if (!cnvme_fault_take(&ctrl->fault_fail_enable))
		return false;
	dev_warn(&ctrl->dev, "fault: failing a controller enable\n");
	return true;
}

u32 cnvme_fault_csts(struct cnvme_ctrl *ctrl, u32 csts)
{
	if (!cnvme_fault_take(&ctrl->fault_cfs))
		return csts;
	dev_warn(&ctrl->dev, "fault: CSTS %#x read as fatal\n", csts);
	return csts | NVME_CSTS_CFS;
}

bool cnvme_fault_fail_identify_ns(struct cnvme_ctrl *ctrl, u32 nsid)
{
	if (!cnvme_fault_take(&ctrl->fault_identify_ns))
		return false;
	dev_warn(&ctrl->dev, "fault: Identify Namespace %u ends as cancelled\n",
		 nsid);
	return true;
}

/*
 * Called for each new entry of @q's CQ, under the CQ's serialisation:
 * true, with @dup filled, when a completion kept earlier is to be
 * delivered again now; keeps @cqe when a replay is asked for.
 */
bool cnvme_fault_replay_cqe(struct cnvme_queue *q,
			    const struct nvme_completion *cqe,
			    struct nvme_completion *dup)
{
	bool have = q->fault_replay_valid;

	if (!q->qid)
		return false;
	if (have) {
		*dup = q->fault_replay;
		q->fault_replay_valid = false;
		dev_warn(&q->ctrl->dev, "fault: replaying the completion of qid %u command id %#x\n",
			 q->qid, dup->command_id);
	}
	if (cnvme_fault_take(&q->ctrl->fault_replay_io)) {
		q->fault_replay = *cqe;
		q->fault_replay_valid = true;
	}
	return have;
}

unsigned int cnvme_fault_max_ioqs(struct cnvme_ctrl *ctrl,
				  unsigned int granted)
{
	u32 max = READ_ONCE(ctrl->fault_max_ioqs);

	if (!max || granted <= max)
		return granted;
	dev_warn(&ctrl->dev, "fault: granting %u I/O queues, not %u\n",
		 max, granted);
	return max;
}

void cnvme_fault_disable_delay(struct cnvme_ctrl *ctrl)
{
	u32 delay = READ_ONCE(ctrl->fault_disable_delay_ms);

	if (!delay)
		return;
	dev_warn(&ctrl->dev, "fault: disable delayed by %u ms\n", delay);
	msleep(delay);
}

/*
 * The caller must hold the controller lock.  Debian's kernels have no
 * lockdep, so the fault build also compares the mutex's owner (the low
 * bits of the owner word are flags) with the running task.
 */
void cnvme_assert_locked(struct cnvme_ctrl *ctrl)
{
#ifndef CONFIG_PREEMPT_RT
	unsigned long owner = atomic_long_read(&ctrl->lock.owner) & ~0x07UL;

	WARN_ONCE(owner != (unsigned long)current,
		  "%s: controller lock not held\n", dev_name(&ctrl->dev));
#endif
	lockdep_assert_held(&ctrl->lock);
}

void cnvme_fault_path_join_delay(struct cnvme_ctrl *ctrl, u32 nsid)
{
	u32 delay = READ_ONCE(cnvme_fault_join_delay_ms);

	if (!delay)
		return;
	dev_warn(&ctrl->dev, "fault: the path to namespace %u joins its head in %u ms\n",
		 nsid, delay);
	msleep(delay);
}
