// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: mapping request data for the controller: PRPs (with a
 * single-segment fast path that needs no list) and SGLs, from DMA pools
 * and a mempool of scatterlists, so submission never allocates beyond
 * them.
 */
#include <linux/blk-integrity.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "cnvme.h"
#include "compat.h"
#include "dma.h"

#define CNVME_SG_BYTES	(CNVME_MAX_SEGMENTS * sizeof(struct scatterlist))

static struct kmem_cache *cnvme_sg_cache;

int cnvme_slab_init(void)
{
	cnvme_sg_cache = kmem_cache_create("cnvme_sg", CNVME_SG_BYTES, 0, 0,
					   NULL);
	return cnvme_sg_cache ? 0 : -ENOMEM;
}

void cnvme_slab_exit(void)
{
	kmem_cache_destroy(cnvme_sg_cache);
}

int cnvme_dma_init(struct cnvme_ctrl *ctrl)
{
	struct device *dev = &ctrl->pdev->dev;

	ctrl->page_pool = dma_pool_create("cnvme prp list page", dev,
					  CNVME_CTRL_PAGE_SIZE,
					  CNVME_CTRL_PAGE_SIZE, 0);
	if (!ctrl->page_pool)
		return -ENOMEM;
	ctrl->small_pool = dma_pool_create("cnvme prp list 256", dev,
					   CNVME_SMALL_POOL_SIZE,
					   CNVME_SMALL_POOL_SIZE, 0);
	if (!ctrl->small_pool)
		goto free_page_pool;
	ctrl->sg_pool = mempool_create_node(1, mempool_alloc_slab,
					    mempool_free_slab, cnvme_sg_cache,
					    GFP_KERNEL,
					    dev_to_node(dev));
	if (!ctrl->sg_pool)
		goto free_small_pool;
	return 0;

free_small_pool:
	dma_pool_destroy(ctrl->small_pool);
free_page_pool:
	dma_pool_destroy(ctrl->page_pool);
	return -ENOMEM;
}

void cnvme_dma_exit(struct cnvme_ctrl *ctrl)
{
	mempool_destroy(ctrl->sg_pool);
	dma_pool_destroy(ctrl->small_pool);
	dma_pool_destroy(ctrl->page_pool);
	ctrl->sg_pool = NULL;
	ctrl->small_pool = NULL;
	ctrl->page_pool = NULL;
}

/* A list from the small pool when it fits, else a whole page. */
void *cnvme_alloc_list(struct cnvme_ctrl *ctrl, struct cnvme_iod *iod,
		       size_t bytes)
{
	iod->small_list = bytes <= CNVME_SMALL_POOL_SIZE;
	iod->list = dma_pool_alloc(iod->small_list ? ctrl->small_pool :
				   ctrl->page_pool, GFP_ATOMIC, &iod->list_dma);
	return iod->list;
}

static void cnvme_free_list(struct cnvme_ctrl *ctrl, struct cnvme_iod *iod)
{
	if (!iod->list)
		return;
	dma_pool_free(iod->small_list ? ctrl->small_pool : ctrl->page_pool,
		      iod->list, iod->list_dma);
	iod->list = NULL;
}

/*
 * One segment too long for two PRPs, as one SGL data block in the command
 * itself: no list for the controller to fetch.
 */
static blk_status_t cnvme_map_one_bvec_sgl(struct cnvme_ctrl *ctrl,
					   struct request *rq,
					   struct bio_vec *bv)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct nvme_sgl_desc *d = &iod->cmd.common.dptr.sgl;

	iod->bvec_dma = dma_map_bvec(&ctrl->pdev->dev, bv, rq_dma_dir(rq), 0);
	if (dma_mapping_error(&ctrl->pdev->dev, iod->bvec_dma))
		return BLK_STS_RESOURCE;
	iod->bvec_len = bv->bv_len;
	iod->cmd.common.flags |= NVME_CMD_SGL_METABUF;
	d->addr = cpu_to_le64(iod->bvec_dma);
	d->length = cpu_to_le32(bv->bv_len);
	d->type = NVME_SGL_FMT_DATA_DESC << 4;
	return BLK_STS_OK;
}

/*
 * PRPs for a mapped scatterlist.  The virt boundary guarantees every
 * segment but the first starts on a controller page and every segment
 * but the last ends on one.
 */
static blk_status_t cnvme_setup_prps(struct cnvme_ctrl *ctrl,
				     struct request *rq, int nents)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	const u32 ps = CNVME_CTRL_PAGE_SIZE;
	struct scatterlist *sg = iod->sgl;
	int length = blk_rq_payload_bytes(rq);
	u64 dma = sg_dma_address(sg);
	int dma_len = sg_dma_len(sg);
	u32 off = dma & (ps - 1);
	__le64 *prps;
	int nprps, i;

	iod->cmd.rw.dptr.prp1 = cpu_to_le64(dma);
	iod->cmd.rw.dptr.prp2 = 0;
	length -= ps - off;
	if (length <= 0)
		return BLK_STS_OK;

	dma_len -= ps - off;
	if (dma_len > 0) {
		dma += ps - off;
	} else {
		sg = sg_next(sg);
		dma = sg_dma_address(sg);
		dma_len = sg_dma_len(sg);
	}
	if (length <= ps) {
		iod->cmd.rw.dptr.prp2 = cpu_to_le64(dma);
		return BLK_STS_OK;
	}

	nprps = DIV_ROUND_UP(length, ps);
	if (WARN_ON_ONCE(nprps > ps / sizeof(__le64)))
		return BLK_STS_IOERR;
	prps = cnvme_alloc_list(ctrl, iod, nprps * sizeof(__le64));
	if (!prps)
		return BLK_STS_RESOURCE;

	for (i = 0; ; ) {
		prps[i++] = cpu_to_le64(dma);
		length -= ps;
		if (length <= 0)
			break;
		dma_len -= ps;
		if (dma_len > 0) {
			dma += ps;
			continue;
		}
		if (WARN_ON_ONCE(dma_len < 0 || !sg_next(sg)))
			goto bad_sgl;
		sg = sg_next(sg);
		dma = sg_dma_address(sg);
		dma_len = sg_dma_len(sg);
	}
	iod->cmd.rw.dptr.prp2 = cpu_to_le64(iod->list_dma);
	return BLK_STS_OK;

bad_sgl:
	dev_err_ratelimited(&ctrl->dev,
			    "scatterlist of %d entries does not fit PRPs (%u bytes)\n",
			    nents, blk_rq_payload_bytes(rq));
	cnvme_free_list(ctrl, iod);
	return BLK_STS_IOERR;
}

static void cnvme_sgl_desc(struct nvme_sgl_desc *d, struct scatterlist *sg)
{
	d->addr = cpu_to_le64(sg_dma_address(sg));
	d->length = cpu_to_le32(sg_dma_len(sg));
	d->type = NVME_SGL_FMT_DATA_DESC << 4;
}

static blk_status_t cnvme_setup_sgls(struct cnvme_ctrl *ctrl,
				     struct request *rq, int nents)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct nvme_sgl_desc *descs;
	struct scatterlist *sg;
	int i;

	iod->cmd.common.flags |= NVME_CMD_SGL_METABUF;
	if (nents == 1) {
		cnvme_sgl_desc(&iod->cmd.common.dptr.sgl, iod->sgl);
		return BLK_STS_OK;
	}
	descs = cnvme_alloc_list(ctrl, iod, nents * sizeof(*descs));
	if (!descs)
		return BLK_STS_RESOURCE;
	iod->cmd.common.dptr.sgl.addr = cpu_to_le64(iod->list_dma);
	iod->cmd.common.dptr.sgl.length = cpu_to_le32(nents * sizeof(*descs));
	iod->cmd.common.dptr.sgl.type = NVME_SGL_FMT_LAST_SEG_DESC << 4;
	for_each_sg(iod->sgl, sg, nents, i)
		cnvme_sgl_desc(&descs[i], sg);
	return BLK_STS_OK;
}

/* SGLs pay off for large average segments, when the controller has them. */
static bool cnvme_want_sgl(struct cnvme_ctrl *ctrl, struct request *rq)
{
	unsigned int nseg = blk_rq_nr_phys_segments(rq);

	if (!ctrl->sgls || !cnvme_sgl_threshold || nseg < 2)
		return false;
	return blk_rq_payload_bytes(rq) / nseg >= cnvme_sgl_threshold;
}

/* The separate metadata buffer (MPTR): one segment, as the queue limits ask. */
static blk_status_t cnvme_map_meta(struct cnvme_ctrl *ctrl, struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct bio_vec bv = rq_integrity_vec(rq);

	iod->meta_dma = dma_map_bvec(&ctrl->pdev->dev, &bv, rq_dma_dir(rq), 0);
	if (dma_mapping_error(&ctrl->pdev->dev, iod->meta_dma)) {
		iod->meta_dma = 0;
		return BLK_STS_IOERR;
	}
	iod->meta_len = bv.bv_len;
	iod->cmd.rw.metadata = cpu_to_le64(iod->meta_dma);
	return BLK_STS_OK;
}

blk_status_t cnvme_map_data(struct cnvme_ctrl *ctrl, struct request *rq,
			    bool sgl_ok)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	blk_status_t ret;
	int nents, mapped;

	if (blk_rq_nr_phys_segments(rq) == 1) {
		struct bio_vec bv = req_bvec(rq);
		unsigned int off = bv.bv_offset & (CNVME_CTRL_PAGE_SIZE - 1);

		if (off + bv.bv_len <= 2 * CNVME_CTRL_PAGE_SIZE) {
			ret = cnvme_map_one_bvec(ctrl, rq, &bv);
			goto meta;
		}
		if (sgl_ok && ctrl->sgls && cnvme_sgl_threshold) {
			ret = cnvme_map_one_bvec_sgl(ctrl, rq, &bv);
			goto meta;
		}
	}

	iod->sgl = mempool_alloc(ctrl->sg_pool, GFP_ATOMIC);
	if (!iod->sgl)
		return BLK_STS_RESOURCE;
	sg_init_table(iod->sgl, blk_rq_nr_phys_segments(rq));
	nents = cnvme_rq_map_sg(rq, iod->sgl);
	if (!nents) {
		ret = BLK_STS_IOERR;
		goto free_sgl;
	}
	mapped = dma_map_sg_attrs(&ctrl->pdev->dev, iod->sgl, nents,
				  rq_dma_dir(rq), DMA_ATTR_NO_WARN);
	if (!mapped) {
		ret = BLK_STS_RESOURCE;
		goto free_sgl;
	}
	iod->nr_mapped = nents;
	if (sgl_ok && cnvme_want_sgl(ctrl, rq))
		ret = cnvme_setup_sgls(ctrl, rq, mapped);
	else
		ret = cnvme_setup_prps(ctrl, rq, mapped);
	if (ret)
		goto unmap;
meta:
	if (ret == BLK_STS_OK && blk_integrity_rq(rq)) {
		ret = cnvme_map_meta(ctrl, rq);
		if (ret) {
			cnvme_unmap_data(ctrl, rq);
			return ret;
		}
	}
	return ret;

unmap:
	dma_unmap_sg(&ctrl->pdev->dev, iod->sgl, nents, rq_dma_dir(rq));
	iod->nr_mapped = 0;
free_sgl:
	mempool_free(iod->sgl, ctrl->sg_pool);
	iod->sgl = NULL;
	return ret;
}

void cnvme_unmap_data(struct cnvme_ctrl *ctrl, struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct device *dev = &ctrl->pdev->dev;

	if (iod->bvec_len) {
		/* the single-segment path holds no list and no scatterlist */
		dma_unmap_page(dev, iod->bvec_dma, iod->bvec_len,
			       rq_dma_dir(rq));
		iod->bvec_len = 0;
	} else {
		cnvme_free_list(ctrl, iod);
		if (iod->nr_mapped) {
			dma_unmap_sg(dev, iod->sgl, iod->nr_mapped,
				     rq_dma_dir(rq));
			iod->nr_mapped = 0;
		}
		if (iod->sgl) {
			mempool_free(iod->sgl, ctrl->sg_pool);
			iod->sgl = NULL;
		}
	}
	if (unlikely(iod->meta_dma)) {
		dma_unmap_page(dev, iod->meta_dma, iod->meta_len,
			       rq_dma_dir(rq));
		iod->meta_dma = 0;
	}
}
