// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: interrupt vectors and I/O queues.
 *
 * Vector 0 is the admin queue's.  The interrupt-driven I/O queues get one
 * vector each, spread over the CPUs by the irq core (default queues, then
 * read queues when write_queues splits them); polled queues get none.
 * With a single vector every queue shares it.
 */
#include <linux/interrupt.h>
#include <linux/slab.h>

#include "cnvme.h"

static int cnvme_request_queue_irq(struct cnvme_ctrl *ctrl,
				   struct cnvme_queue *q, int vector)
{
	int ret;

	ret = pci_request_irq(ctrl->pdev, vector, cnvme_irq, NULL, q,
			      "nvme%dq%d", ctrl->instance, q->qid);
	if (!ret)
		q->vector = vector;
	return ret;
}

static void cnvme_free_queue_irq(struct cnvme_ctrl *ctrl,
				 struct cnvme_queue *q)
{
	if (q->vector < 0)
		return;
	pci_free_irq(ctrl->pdev, q->vector, q);
	q->vector = -1;
}

int cnvme_setup_admin_irq(struct cnvme_ctrl *ctrl)
{
	int ret;

	ret = pci_alloc_irq_vectors(ctrl->pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	ctrl->nr_vecs = ret;
	ret = cnvme_request_queue_irq(ctrl, &ctrl->adminq, 0);
	if (ret) {
		pci_free_irq_vectors(ctrl->pdev);
		ctrl->nr_vecs = 0;
	}
	return ret;
}

void cnvme_free_irqs(struct cnvme_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < ctrl->max_ioqs; i++)
		cnvme_free_queue_irq(ctrl, &ctrl->ioqs[i]);
	cnvme_free_queue_irq(ctrl, &ctrl->adminq);
	if (ctrl->nr_vecs)
		pci_free_irq_vectors(ctrl->pdev);
	ctrl->nr_vecs = 0;
}

void cnvme_sync_io_irqs(struct cnvme_ctrl *ctrl)
{
	unsigned int i;

	if (ctrl->adminq.vector >= 0)
		synchronize_irq(pci_irq_vector(ctrl->pdev,
					       ctrl->adminq.vector));
	for (i = 0; i < ctrl->max_ioqs; i++)
		if (ctrl->ioqs[i].vector >= 0)
			synchronize_irq(pci_irq_vector(ctrl->pdev,
						       ctrl->ioqs[i].vector));
}

static void cnvme_calc_irq_sets(struct irq_affinity *affd, unsigned int nvecs)
{
	unsigned int nr_default = nvecs, nr_read = 0;

	if (cnvme_write_queues && nvecs > 1) {
		nr_default = min(cnvme_write_queues, nvecs - 1);
		nr_read = nvecs - nr_default;
	}
	affd->set_size[HCTX_TYPE_DEFAULT] = nr_default;
	affd->set_size[HCTX_TYPE_READ] = nr_read;
	affd->nr_sets = nr_read ? 2 : 1;
}

/* Give vector 0 back and take vectors for the admin queue + irq_queues. */
static int cnvme_alloc_io_vectors(struct cnvme_ctrl *ctrl,
				  unsigned int irq_queues)
{
	struct irq_affinity affd = {
		.pre_vectors = 1,
		.calc_sets = cnvme_calc_irq_sets,
	};
	struct pci_dev *pdev = ctrl->pdev;
	unsigned int i;
	int vecs, ret;

	/* after a reset, the I/O queues still hold their old vectors */
	for (i = 0; i < ctrl->max_ioqs; i++)
		cnvme_free_queue_irq(ctrl, &ctrl->ioqs[i]);
	cnvme_free_queue_irq(ctrl, &ctrl->adminq);
	pci_free_irq_vectors(pdev);
	ctrl->nr_vecs = 0;

	vecs = pci_alloc_irq_vectors_affinity(pdev, 1, irq_queues + 1,
					      PCI_IRQ_ALL_TYPES |
					      PCI_IRQ_AFFINITY, &affd);
	if (vecs < 0)
		return cnvme_setup_admin_irq(ctrl) ?: vecs;
	ctrl->nr_vecs = vecs;
	ret = cnvme_request_queue_irq(ctrl, &ctrl->adminq, 0);
	if (ret)
		return ret;

	if (vecs == 1) {
		ctrl->nr_maps[HCTX_TYPE_DEFAULT] = 1;
		ctrl->nr_maps[HCTX_TYPE_READ] = 0;
	} else {
		ctrl->nr_maps[HCTX_TYPE_DEFAULT] =
			affd.set_size[HCTX_TYPE_DEFAULT];
		ctrl->nr_maps[HCTX_TYPE_READ] =
			affd.nr_sets > 1 ? affd.set_size[HCTX_TYPE_READ] : 0;
	}
	return 0;
}

static int cnvme_create_cq(struct cnvme_ctrl *ctrl, struct cnvme_queue *q)
{
	struct nvme_command cmd = { };
	u16 flags = NVME_QUEUE_PHYS_CONTIG;

	if (!q->polled)
		flags |= NVME_CQ_IRQ_ENABLED;
	cmd.create_cq.opcode = nvme_admin_create_cq;
	cmd.create_cq.prp1 = cpu_to_le64(q->cq_dma);
	cmd.create_cq.cqid = cpu_to_le16(q->qid);
	cmd.create_cq.qsize = cpu_to_le16(q->cq_depth - 1);
	cmd.create_cq.cq_flags = cpu_to_le16(flags);
	cmd.create_cq.irq_vector = cpu_to_le16(q->polled ? 0 :
					       (ctrl->nr_vecs == 1 ? 0 : q->qid));
	return cnvme_admin_exec(ctrl, &cmd, NULL, 0, NULL);
}

static int cnvme_create_sq(struct cnvme_ctrl *ctrl, struct cnvme_queue *q)
{
	struct nvme_command cmd = { };

	cmd.create_sq.opcode = nvme_admin_create_sq;
	cmd.create_sq.prp1 = cpu_to_le64(q->sq_dma);
	cmd.create_sq.sqid = cpu_to_le16(q->qid);
	cmd.create_sq.qsize = cpu_to_le16(q->depth - 1);
	cmd.create_sq.sq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG);
	cmd.create_sq.cqid = cpu_to_le16(q->qid);
	return cnvme_admin_exec(ctrl, &cmd, NULL, 0, NULL);
}

static int cnvme_delete_queue(struct cnvme_ctrl *ctrl, u8 opcode, u16 qid)
{
	struct nvme_command cmd = { };

	cmd.delete_queue.opcode = opcode;
	cmd.delete_queue.qid = cpu_to_le16(qid);
	return cnvme_admin_exec(ctrl, &cmd, NULL, 0, NULL);
}

static int cnvme_create_io_queue(struct cnvme_ctrl *ctrl, unsigned int idx,
				 bool polled)
{
	struct cnvme_queue *q = &ctrl->ioqs[idx];
	int ret;

	if (!q->sqes || q->depth != ctrl->io_depth ||
	    q->cq_depth != ctrl->io_cq_depth) {
		/* an io_uring poller may still be reading the old CQ */
		if (q->sqes)
			synchronize_rcu();
		cnvme_queue_free(q);
		ret = cnvme_queue_alloc(ctrl, q, idx + 1, ctrl->io_depth,
					ctrl->io_cq_depth);
		if (ret)
			return ret;
	} else {
		cnvme_queue_reset(q);
	}
	q->polled = polled;
	cnvme_dbbuf_init_queue(ctrl, q);

	ret = cnvme_create_cq(ctrl, q);
	if (ret)
		goto fail;
	ret = cnvme_create_sq(ctrl, q);
	if (ret) {
		cnvme_delete_queue(ctrl, nvme_admin_delete_cq, q->qid);
		goto fail;
	}
	if (!polled) {
		ret = cnvme_request_queue_irq(ctrl, q, ctrl->nr_vecs == 1 ?
					      0 : q->qid);
		if (ret) {
			cnvme_delete_queue(ctrl, nvme_admin_delete_sq, q->qid);
			cnvme_delete_queue(ctrl, nvme_admin_delete_cq, q->qid);
			goto fail;
		}
	}
	WRITE_ONCE(q->live, true);
	return 0;

fail:
	dev_err(&ctrl->dev, "cannot create I/O queue %u (%d)\n",
		q->qid, ret);
	return ret > 0 ? -EIO : ret;
}

/*
 * The I/O CQs get slack beyond io_depth, so that their head is reported
 * only every so many entries (cnvme_reap_cq): enough to fill the CQ's
 * last page, at least CNVME_CQ_MIN_SLACK, within CAP.MQES.  Only with
 * MSI-X, whose interrupts are edges.
 */
static u16 cnvme_io_cq_depth(struct cnvme_ctrl *ctrl)
{
	u32 per_page = PAGE_SIZE / sizeof(struct nvme_completion);
	u32 depth = round_up(ctrl->io_depth + CNVME_CQ_MIN_SLACK, per_page);

	if (!ctrl->pdev->msix_enabled)
		return ctrl->io_depth;
	depth = min_t(u32, depth, NVME_CAP_MQES(ctrl->cap) + 1);
	if (depth < ctrl->io_depth + CNVME_CQ_MIN_SLACK)
		return ctrl->io_depth;
	return depth;
}

/*
 * Ask for the queues, take the vectors, create the queues.  A controller
 * that grants no I/O queue stays usable through its admin queue.
 */
int cnvme_setup_io_queues(struct cnvme_ctrl *ctrl)
{
	unsigned int want, granted, nr, nr_poll, i;
	u32 result = 0;
	int ret;

	if (!ctrl->ioqs) {
		ctrl->max_ioqs = min(num_possible_cpus() + cnvme_write_queues +
				     cnvme_poll_queues, 65535U);
		ctrl->ioqs = kcalloc_node(ctrl->max_ioqs, sizeof(*ctrl->ioqs),
					  GFP_KERNEL,
					  dev_to_node(&ctrl->pdev->dev));
		if (!ctrl->ioqs)
			return -ENOMEM;
		for (i = 0; i < ctrl->max_ioqs; i++)
			ctrl->ioqs[i].vector = -1;
	}
	want = ctrl->max_ioqs;
	ctrl->io_depth = min_t(u32, cnvme_io_queue_depth,
			       NVME_CAP_MQES(ctrl->cap) + 1);

	ret = cnvme_set_features(ctrl, NVME_FEAT_NUM_QUEUES,
				 (want - 1) | ((want - 1) << 16), &result);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		dev_err(&ctrl->dev,
			"Set Features Number of Queues failed (status %#x): admin queue only\n",
			ret);
		granted = 0;
	} else {
		granted = min(result & 0xffff, result >> 16) + 1;
		granted = cnvme_fault_max_ioqs(ctrl, granted);
	}
	nr = min(want, granted);
	ctrl->nr_ioqs = 0;
	memset(ctrl->nr_maps, 0, sizeof(ctrl->nr_maps));
	if (!nr)
		return 0;

	nr_poll = nr > 1 ? min(cnvme_poll_queues, nr - 1) : 0;
	ret = cnvme_alloc_io_vectors(ctrl, nr - nr_poll);
	if (ret)
		return ret;
	ctrl->nr_maps[HCTX_TYPE_POLL] = nr_poll;
	nr = ctrl->nr_maps[HCTX_TYPE_DEFAULT] + ctrl->nr_maps[HCTX_TYPE_READ] +
	     nr_poll;
	ctrl->io_cq_depth = cnvme_io_cq_depth(ctrl);

	cnvme_dbbuf_setup(ctrl);
	for (i = 0; i < nr; i++) {
		ret = cnvme_create_io_queue(ctrl, i, i >= nr - nr_poll);
		if (ret)
			return ret;
		ctrl->nr_ioqs = i + 1;
	}
	/* the in-kernel driver's line; the rest for dynamic debug */
	dev_info(&ctrl->dev, "%d/%d/%d default/read/poll queues\n",
		 ctrl->nr_maps[HCTX_TYPE_DEFAULT],
		 ctrl->nr_maps[HCTX_TYPE_READ], nr_poll);
	dev_dbg(&ctrl->dev, "queue depth %u (CQ %u)%s\n", ctrl->io_depth,
		ctrl->io_cq_depth, ctrl->dbbuf_dbs ? ", shadow doorbells" : "");
	return 0;
}

/* Orderly deletion, newest first, while the controller still runs. */
void cnvme_delete_io_queues(struct cnvme_ctrl *ctrl)
{
	int i;

	for (i = ctrl->nr_ioqs - 1; i >= 0; i--) {
		struct cnvme_queue *q = &ctrl->ioqs[i];

		if (!q->live)
			continue;
		if (cnvme_delete_queue(ctrl, nvme_admin_delete_sq, q->qid) ||
		    cnvme_delete_queue(ctrl, nvme_admin_delete_cq, q->qid))
			break;
		WRITE_ONCE(q->live, false);
	}
}

/* Give back the memory of every queue ever created. */
void cnvme_free_io_queues(struct cnvme_ctrl *ctrl)
{
	unsigned int i;

	if (!ctrl->ioqs)
		return;
	/* io_uring pollers read a queue under RCU (uring.c) */
	synchronize_rcu();
	for (i = 0; i < ctrl->max_ioqs; i++) {
		cnvme_free_queue_irq(ctrl, &ctrl->ioqs[i]);
		if (ctrl->ioqs[i].sqes)
			cnvme_queue_free(&ctrl->ioqs[i]);
	}
	kfree(ctrl->ioqs);
	ctrl->ioqs = NULL;
	cnvme_dbbuf_free(ctrl);
	ctrl->max_ioqs = 0;
	ctrl->nr_ioqs = 0;
}
