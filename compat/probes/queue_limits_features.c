// SPDX-License-Identifier: GPL-2.0
/*
 * struct queue_limits carries the features (BLK_FEAT_*), the integrity
 * profile and the atomic-write limits, given at allocation and changed
 * through queue_limits_start_update() (6.9, 6.11)
 */
#include <linux/blkdev.h>

int probe(struct request_queue *q);
int probe(struct request_queue *q)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.features |= BLK_FEAT_WRITE_CACHE;
	lim.integrity.csum_type = BLK_INTEGRITY_CSUM_CRC;
	lim.atomic_write_hw_max = 0;
	return queue_limits_commit_update(q, &lim);
}
