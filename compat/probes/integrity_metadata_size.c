// SPDX-License-Identifier: GPL-2.0
/*
 * The integrity limits name the metadata bytes per interval
 * metadata_size (tuple_size before) and say where the PI tuple is
 * (pi_offset, pi_tuple_size) (6.13, 6.14)
 */
#include <linux/blkdev.h>

void probe(struct queue_limits *lim);
void probe(struct queue_limits *lim)
{
	lim->integrity.metadata_size = 8;
	lim->integrity.pi_offset = 0;
	lim->integrity.pi_tuple_size = 8;
}
