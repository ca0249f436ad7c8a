// SPDX-License-Identifier: GPL-2.0
/* blk_mq_alloc_queue() replaces blk_mq_init_queue() (6.9) */
#include <linux/blk-mq.h>

struct request_queue *probe(struct blk_mq_tag_set *set);
struct request_queue *probe(struct blk_mq_tag_set *set)
{
	return blk_mq_alloc_queue(set, NULL, NULL);
}
