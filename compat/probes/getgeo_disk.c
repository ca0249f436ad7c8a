// SPDX-License-Identifier: GPL-2.0
/* ->getgeo() is given the gendisk, not a block device (after 6.12) */
#include <linux/blkdev.h>

static int getgeo(struct gendisk *disk, struct hd_geometry *geo)
{
	return 0;
}

const struct block_device_operations probe_fops = {
	.getgeo = getgeo,
};
