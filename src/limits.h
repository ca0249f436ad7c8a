/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: what the driver sets on its queues, in one kernel-neutral
 * structure, and the helpers that apply it with whichever queue-limits
 * API the kernel has (limits.c).
 */
#ifndef CNVME_LIMITS_H
#define CNVME_LIMITS_H

#include <linux/blkdev.h>
#include <linux/types.h>

struct blk_mq_tag_set;

struct cnvme_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int io_min;
	unsigned int io_opt;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned long virt_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	unsigned short max_discard_segments;
	unsigned int discard_granularity;
	unsigned int max_write_zeroes_sectors;
	/* Write Zeroes deallocates, and reads of deallocated blocks zeroes */
	bool write_zeroes_unmap;
	/* atomic writes (kernels with atomic queue limits only): bytes */
	unsigned int atomic_max;
	unsigned int atomic_boundary;
	unsigned int atomic_unit_min;
	unsigned int atomic_unit_max;
	bool write_cache;
	bool fua;
	/* block integrity: metadata through a separate buffer (MPTR) */
	bool integrity;
	unsigned char meta_size;	/* bytes of metadata per block */
	unsigned char interval_exp;	/* log2 of the block size */
	unsigned char pi_type;		/* 0: metadata without PI */
};

struct gendisk *cnvme_limits_alloc_disk(struct blk_mq_tag_set *set,
					const struct cnvme_limits *cl,
					void *queuedata);
struct gendisk *cnvme_limits_alloc_head_disk(const struct cnvme_limits *cl,
					     int node, bool poll);
int cnvme_limits_update(struct gendisk *disk, const struct cnvme_limits *cl);
int cnvme_limits_admin(struct request_queue *q, unsigned int max_hw_sectors,
		       unsigned short max_segments,
		       unsigned long virt_boundary);

#endif /* CNVME_LIMITS_H */
