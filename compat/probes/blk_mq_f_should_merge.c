// SPDX-License-Identifier: GPL-2.0
/*
 * A tag set asks for bio merging with BLK_MQ_F_SHOULD_MERGE; 6.14 made
 * merging the default and took the flag away
 */
#include <linux/blk-mq.h>

void probe(struct blk_mq_tag_set *set);
void probe(struct blk_mq_tag_set *set)
{
	set->flags = BLK_MQ_F_SHOULD_MERGE;
}
