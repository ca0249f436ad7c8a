// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: queue limits.  Kernels with atomic queue limits (6.9, features
 * in the limits 6.11) take them as a struct queue_limits at allocation
 * and through an update; older ones through the blk_queue_* setters and a
 * separately registered integrity profile.
 */
#include <linux/blk-integrity.h>
#include <linux/blk-mq.h>
#include <linux/nvme.h>
#include <linux/t10-pi.h>

#include "compat.h"
#include "limits.h"

#ifdef CNVME_HAVE_QUEUE_LIMITS_FEATURES
static void cnvme_fill_integrity(struct queue_limits *lim,
				 const struct cnvme_limits *cl)
{
	struct blk_integrity *bi = &lim->integrity;

	/* one metadata segment, shown even where there is no metadata */
	memset(bi, 0, sizeof(*bi));
	lim->max_integrity_segments = 1;
	if (!cl->integrity)
		return;
	bi->interval_exp = cl->interval_exp;
#ifdef CNVME_HAVE_INTEGRITY_METADATA_SIZE
	bi->metadata_size = cl->meta_size;
#else
	bi->tuple_size = cl->meta_size;
#endif
	switch (cl->pi_type) {
	case NVME_NS_DPS_PI_TYPE1:
	case NVME_NS_DPS_PI_TYPE2:
		bi->csum_type = BLK_INTEGRITY_CSUM_CRC;
		bi->tag_size = sizeof(u16);
		bi->flags = BLK_INTEGRITY_DEVICE_CAPABLE |
			    BLK_INTEGRITY_REF_TAG;
		break;
	case NVME_NS_DPS_PI_TYPE3:
		bi->csum_type = BLK_INTEGRITY_CSUM_CRC;
		bi->tag_size = sizeof(u16) + sizeof(u32);
		bi->flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	default:
		bi->csum_type = BLK_INTEGRITY_CSUM_NONE;
		return;
	}
#ifdef CNVME_HAVE_INTEGRITY_METADATA_SIZE
	/* the 8-byte tuple, first in the metadata */
	bi->pi_tuple_size = sizeof(struct t10_pi_tuple);
	bi->pi_offset = 0;
#endif
}

static void cnvme_fill_queue_limits(struct queue_limits *lim,
				    const struct cnvme_limits *cl)
{
	lim->logical_block_size = cl->logical_block_size;
	lim->physical_block_size = cl->physical_block_size;
	lim->io_min = cl->io_min;
	lim->io_opt = cl->io_opt;
	lim->max_hw_sectors = cl->max_hw_sectors;
	lim->max_segments = cl->max_segments;
	lim->virt_boundary_mask = cl->virt_boundary_mask;
	lim->dma_alignment = cl->dma_alignment;
	lim->max_hw_discard_sectors = cl->max_discard_sectors;
	lim->max_discard_segments = cl->max_discard_segments;
	lim->discard_granularity = cl->discard_granularity;
	lim->max_write_zeroes_sectors = cl->max_write_zeroes_sectors;
#ifdef CNVME_HAVE_MAX_HW_WZEROES_UNMAP
	/* all or nothing of Write Zeroes (the stacking default is all) */
	lim->max_hw_wzeroes_unmap_sectors = cl->write_zeroes_unmap ?
					    cl->max_write_zeroes_sectors : 0;
#endif
	lim->atomic_write_hw_max = cl->atomic_max;
	lim->atomic_write_hw_boundary = cl->atomic_boundary;
	lim->atomic_write_hw_unit_min = cl->atomic_unit_min;
	lim->atomic_write_hw_unit_max = cl->atomic_unit_max;
	lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			   BLK_FEAT_ROTATIONAL | BLK_FEAT_ADD_RANDOM);
	if (cl->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (cl->fua)
		lim->features |= BLK_FEAT_FUA;
#ifdef BLK_FEAT_ATOMIC_WRITES
	/* the atomic-write limits count only with this feature (6.15) */
	lim->features &= ~BLK_FEAT_ATOMIC_WRITES;
	if (cl->atomic_max)
		lim->features |= BLK_FEAT_ATOMIC_WRITES;
#endif
	cnvme_fill_integrity(lim, cl);
}

struct gendisk *cnvme_limits_alloc_disk(struct blk_mq_tag_set *set,
					const struct cnvme_limits *cl,
					void *queuedata)
{
	struct queue_limits lim = { };

	cnvme_fill_queue_limits(&lim, cl);
	return blk_mq_alloc_disk(set, &lim, queuedata);
}

/*
 * A multipath head's disk: bio-based, stacking limits, then the path's
 * (without integrity); nowait, polling when the path's controller has
 * poll queues, I/O statistics (as nvme_core's heads on these kernels).
 */
struct gendisk *cnvme_limits_alloc_head_disk(const struct cnvme_limits *cl,
					     int node, bool poll)
{
	struct queue_limits lim;

	blk_set_stacking_limits(&lim);
	/* not zoned */
#ifdef CNVME_HAVE_MAX_HW_ZONE_APPEND
	lim.max_hw_zone_append_sectors = 0;
#else
	lim.max_zone_append_sectors = 0;
#endif
	cnvme_fill_queue_limits(&lim, cl);
	lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT;
	if (poll)
		lim.features |= BLK_FEAT_POLL;
	return blk_alloc_disk(&lim, node);
}

int cnvme_limits_update(struct gendisk *disk, const struct cnvme_limits *cl)
{
	struct queue_limits lim = queue_limits_start_update(disk->queue);
#ifndef CNVME_HAVE_QUEUE_LIMITS_COMMIT_FROZEN
	unsigned int memflags;
	int ret;
#endif

	cnvme_fill_queue_limits(&lim, cl);
#ifdef CNVME_HAVE_QUEUE_LIMITS_COMMIT_FROZEN
	return queue_limits_commit_update_frozen(disk->queue, &lim);
#else
	memflags = cnvme_freeze_queue(disk->queue);
	ret = queue_limits_commit_update(disk->queue, &lim);
	cnvme_unfreeze_queue(disk->queue, memflags);
	return ret;
#endif
}

/*
 * Limits of the admin queue, once Identify Controller gave MDTS: user
 * passthrough maps its buffers as PRPs under these.
 */
int cnvme_limits_admin(struct request_queue *q, unsigned int max_hw_sectors,
		       unsigned short max_segments,
		       unsigned long virt_boundary)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_sectors = max_hw_sectors;
	lim.max_segments = max_segments;
	lim.virt_boundary_mask = virt_boundary;
	lim.dma_alignment = 3;
	return queue_limits_commit_update(q, &lim);
}
#else
static void cnvme_set_integrity(struct gendisk *disk,
				const struct cnvme_limits *cl)
{
	struct blk_integrity bi = { };

	if (!cl->integrity) {
		if (blk_get_integrity(disk))
			blk_integrity_unregister(disk);
		blk_queue_max_integrity_segments(disk->queue, 0);
		return;
	}
	switch (cl->pi_type) {
	case NVME_NS_DPS_PI_TYPE1:
	case NVME_NS_DPS_PI_TYPE2:
		bi.profile = &t10_pi_type1_crc;
		bi.tag_size = sizeof(u16);
		bi.flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	case NVME_NS_DPS_PI_TYPE3:
		bi.profile = &t10_pi_type3_crc;
		bi.tag_size = sizeof(u16) + sizeof(u32);
		bi.flags = BLK_INTEGRITY_DEVICE_CAPABLE;
		break;
	default:
		break;	/* the block layer's "nop" profile */
	}
	bi.tuple_size = cl->meta_size;
	bi.interval_exp = cl->interval_exp;
	blk_integrity_register(disk, &bi);
	blk_queue_max_integrity_segments(disk->queue, 1);
}

static void cnvme_set_queue_limits(struct request_queue *q,
				   const struct cnvme_limits *cl)
{
	blk_queue_logical_block_size(q, cl->logical_block_size);
	blk_queue_physical_block_size(q, cl->physical_block_size);
	blk_queue_io_min(q, cl->io_min);
	blk_queue_io_opt(q, cl->io_opt);
	blk_queue_max_hw_sectors(q, cl->max_hw_sectors);
	blk_queue_max_segments(q, cl->max_segments);
	/* sets max_segment_size too; no setter of it may follow */
	blk_queue_virt_boundary(q, cl->virt_boundary_mask);
	blk_queue_dma_alignment(q, cl->dma_alignment);
	blk_queue_max_discard_sectors(q, cl->max_discard_sectors);
	blk_queue_max_discard_segments(q, cl->max_discard_segments);
	q->limits.discard_granularity = cl->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, cl->max_write_zeroes_sectors);
	blk_queue_write_cache(q, cl->write_cache, cl->fua);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
}

struct gendisk *cnvme_limits_alloc_disk(struct blk_mq_tag_set *set,
					const struct cnvme_limits *cl,
					void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(disk)) {
		cnvme_set_queue_limits(disk->queue, cl);
		cnvme_set_integrity(disk, cl);
	}
	return disk;
}

struct gendisk *cnvme_limits_alloc_head_disk(const struct cnvme_limits *cl,
					     int node, bool poll)
{
	struct gendisk *disk = blk_alloc_disk(node);

	if (IS_ERR(disk))
		return disk;
	blk_set_stacking_limits(&disk->queue->limits);
	disk->queue->limits.max_zone_append_sectors = 0;	/* not zoned */
	cnvme_set_queue_limits(disk->queue, cl);
	/* these kernels' heads keep no I/O statistics of their own */
	blk_queue_flag_clear(QUEUE_FLAG_IO_STAT, disk->queue);
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	if (poll)
		blk_queue_flag_set(QUEUE_FLAG_POLL, disk->queue);
	return disk;
}

int cnvme_limits_update(struct gendisk *disk, const struct cnvme_limits *cl)
{
	unsigned int memflags = cnvme_freeze_queue(disk->queue);

	cnvme_set_queue_limits(disk->queue, cl);
	cnvme_set_integrity(disk, cl);
	cnvme_unfreeze_queue(disk->queue, memflags);
	return 0;
}

int cnvme_limits_admin(struct request_queue *q, unsigned int max_hw_sectors,
		       unsigned short max_segments,
		       unsigned long virt_boundary)
{
	blk_queue_max_hw_sectors(q, max_hw_sectors);
	blk_queue_max_segments(q, max_segments);
	blk_queue_virt_boundary(q, virt_boundary);
	blk_queue_dma_alignment(q, 3);
	return 0;
}
#endif
