// SPDX-License-Identifier: GPL-2.0
/*
 * The limits say how much a Write Zeroes that unmaps may cover
 * (max_hw_wzeroes_unmap_sectors, 6.17); 0, or max_write_zeroes_sectors
 */
#include <linux/blkdev.h>

void probe(struct queue_limits *lim);
void probe(struct queue_limits *lim)
{
	lim->max_hw_wzeroes_unmap_sectors = 0;
}
