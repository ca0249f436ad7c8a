// SPDX-License-Identifier: GPL-2.0
/*
 * blk_mq_map_hw_queues() maps by the device's interrupt affinity (6.14);
 * blk-mq-pci.h and blk_mq_pci_map_queues() went away after it
 */
#include <linux/blk-mq.h>

void probe(struct blk_mq_queue_map *map, struct device *dev);
void probe(struct blk_mq_queue_map *map, struct device *dev)
{
	blk_mq_map_hw_queues(map, dev, 0);
}
