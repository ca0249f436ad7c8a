/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: the submission path's inline part of request mapping (dma.c).
 *
 * A request of one segment within two controller pages and without
 * metadata, nearly every small I/O, is mapped here, in the caller's own
 * frame: two PRPs in the command, no list, no scatterlist.  Everything
 * else goes to cnvme_map_data().
 */
#ifndef CNVME_DMA_H
#define CNVME_DMA_H

#include <linux/blk-integrity.h>
#include <linux/dma-mapping.h>

#include "cnvme.h"

/* Map one segment that spans at most two controller pages as PRPs. */
static __always_inline blk_status_t
cnvme_map_one_bvec(struct cnvme_ctrl *ctrl, struct request *rq,
		   struct bio_vec *bv)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	unsigned int first = CNVME_CTRL_PAGE_SIZE -
			     (bv->bv_offset & (CNVME_CTRL_PAGE_SIZE - 1));

	iod->bvec_dma = dma_map_bvec(&ctrl->pdev->dev, bv, rq_dma_dir(rq), 0);
	if (dma_mapping_error(&ctrl->pdev->dev, iod->bvec_dma))
		return BLK_STS_RESOURCE;
	iod->bvec_len = bv->bv_len;
	iod->cmd.rw.dptr.prp1 = cpu_to_le64(iod->bvec_dma);
	iod->cmd.rw.dptr.prp2 = 0;
	if (bv->bv_len > first)
		iod->cmd.rw.dptr.prp2 = cpu_to_le64(iod->bvec_dma + first);
	return BLK_STS_OK;
}

/* Map the data of a file system or passthrough request of an I/O queue. */
static __always_inline blk_status_t cnvme_map_io(struct cnvme_ctrl *ctrl,
						 struct request *rq)
{
	struct bio_vec bv;

	if (blk_rq_nr_phys_segments(rq) != 1 || blk_integrity_rq(rq))
		return cnvme_map_data(ctrl, rq, true);
	bv = req_bvec(rq);
	if ((bv.bv_offset & (CNVME_CTRL_PAGE_SIZE - 1)) + bv.bv_len >
	    2 * CNVME_CTRL_PAGE_SIZE)
		return cnvme_map_data(ctrl, rq, true);
	return cnvme_map_one_bvec(ctrl, rq, &bv);
}

/*
 * Undo the mapping of a request: the single-segment case here, the rest
 * in cnvme_unmap_data().
 */
static __always_inline void cnvme_unmap_io(struct cnvme_ctrl *ctrl,
					   struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	if (likely(iod->bvec_len && !iod->meta_dma)) {
		dma_unmap_page(&ctrl->pdev->dev, iod->bvec_dma, iod->bvec_len,
			       rq_dma_dir(rq));
		iod->bvec_len = 0;
		return;
	}
	cnvme_unmap_data(ctrl, rq);
}

#endif /* CNVME_DMA_H */
