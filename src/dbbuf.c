// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: shadow doorbells (Doorbell Buffer Config, admin opcode 7Ch).
 *
 * The host keeps each I/O queue's SQ tail and CQ head in a page of host
 * memory the controller reads; the controller keeps, in a second page, an
 * event index per doorbell: the value past which it wants an MMIO write
 * again.  A doorbell register is written only when the new value passes
 * the event index, which saves most MMIO writes (costly traps on an
 * emulated controller, and posted writes on real ones).  The admin queue
 * always uses its registers.  The controller forgets the buffers on a
 * reset, so they are cleared and given again each time the I/O queues
 * are set up.
 */
#include <linux/dma-mapping.h>

#include "cnvme.h"

static size_t cnvme_dbbuf_bytes(struct cnvme_ctrl *ctrl)
{
	/* an SQ and a CQ doorbell per queue, admin queue included */
	return PAGE_ALIGN((ctrl->max_ioqs + 1) * 2 * ctrl->db_stride *
			  sizeof(u32));
}

void cnvme_dbbuf_free(struct cnvme_ctrl *ctrl)
{
	struct device *dev = &ctrl->pdev->dev;
	size_t bytes = ctrl->dbbuf_bytes;

	if (ctrl->dbbuf_dbs)
		dma_free_coherent(dev, bytes, ctrl->dbbuf_dbs,
				  ctrl->dbbuf_dbs_dma);
	if (ctrl->dbbuf_eis)
		dma_free_coherent(dev, bytes, ctrl->dbbuf_eis,
				  ctrl->dbbuf_eis_dma);
	ctrl->dbbuf_dbs = NULL;
	ctrl->dbbuf_eis = NULL;
}

/*
 * Before the I/O queues are created: give the controller the buffers, if
 * it takes them.  Without them the queues use their registers.
 */
void cnvme_dbbuf_setup(struct cnvme_ctrl *ctrl)
{
	struct device *dev = &ctrl->pdev->dev;
	struct nvme_command cmd = { };
	int ret;

	if (!(le16_to_cpu(ctrl->id->oacs) & NVME_CTRL_OACS_DBBUF_SUPP))
		return;
	if (ctrl->dbbuf_dbs && ctrl->dbbuf_bytes != cnvme_dbbuf_bytes(ctrl))
		cnvme_dbbuf_free(ctrl);
	if (!ctrl->dbbuf_dbs) {
		ctrl->dbbuf_bytes = cnvme_dbbuf_bytes(ctrl);
		ctrl->dbbuf_dbs = dma_alloc_coherent(dev, ctrl->dbbuf_bytes,
						     &ctrl->dbbuf_dbs_dma,
						     GFP_KERNEL);
		ctrl->dbbuf_eis = dma_alloc_coherent(dev, ctrl->dbbuf_bytes,
						     &ctrl->dbbuf_eis_dma,
						     GFP_KERNEL);
		if (!ctrl->dbbuf_dbs || !ctrl->dbbuf_eis) {
			cnvme_dbbuf_free(ctrl);
			return;
		}
	} else {
		memset(ctrl->dbbuf_dbs, 0, ctrl->dbbuf_bytes);
		memset(ctrl->dbbuf_eis, 0, ctrl->dbbuf_bytes);
	}

	cmd.dbbuf.opcode = nvme_admin_dbbuf;
	cmd.dbbuf.prp1 = cpu_to_le64(ctrl->dbbuf_dbs_dma);
	cmd.dbbuf.prp2 = cpu_to_le64(ctrl->dbbuf_eis_dma);
	ret = cnvme_admin_exec(ctrl, &cmd, NULL, 0, NULL);
	if (ret) {
		dev_info(&ctrl->dev, "no shadow doorbells (Doorbell Buffer Config: %d)\n",
			 ret);
		cnvme_dbbuf_free(ctrl);
	}
}

/* Point a queue at its shadow doorbells, or at none. */
void cnvme_dbbuf_init_queue(struct cnvme_ctrl *ctrl, struct cnvme_queue *q)
{
	u32 sq = 2 * q->qid * ctrl->db_stride;
	u32 cq = sq + ctrl->db_stride;

	if (!ctrl->dbbuf_dbs || !q->qid) {
		q->dbbuf_sq_db = NULL;
		q->dbbuf_cq_db = NULL;
		q->dbbuf_sq_ei = NULL;
		q->dbbuf_cq_ei = NULL;
		return;
	}
	q->dbbuf_sq_db = &ctrl->dbbuf_dbs[sq];
	q->dbbuf_cq_db = &ctrl->dbbuf_dbs[cq];
	q->dbbuf_sq_ei = &ctrl->dbbuf_eis[sq];
	q->dbbuf_cq_ei = &ctrl->dbbuf_eis[cq];
}
