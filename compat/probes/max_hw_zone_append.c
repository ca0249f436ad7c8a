// SPDX-License-Identifier: GPL-2.0
/*
 * The driver sets max_hw_zone_append_sectors; max_zone_append_sectors is
 * the block layer's (6.13)
 */
#include <linux/blkdev.h>

void probe(struct queue_limits *lim);
void probe(struct queue_limits *lim)
{
	lim->max_hw_zone_append_sectors = 0;
}
