// SPDX-License-Identifier: GPL-2.0
/*
 * blk_freeze_queue_start_non_owner() and blk_mq_unfreeze_queue_non_owner():
 * a freeze that lockdep does not hold against the task that began it (6.14)
 */
#include <linux/blk-mq.h>

void probe(struct request_queue *q);
void probe(struct request_queue *q)
{
	blk_freeze_queue_start_non_owner(q);
	blk_mq_unfreeze_queue_non_owner(q);
}
