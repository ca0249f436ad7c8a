// SPDX-License-Identifier: GPL-2.0
/*
 * Not a feature: compiles on every kernel.  If it does not, the probes
 * cannot tell anything (a broken toolchain or kernel tree).
 */
#include <linux/blkdev.h>

int probe(struct request_queue *q);
int probe(struct request_queue *q)
{
	return q ? 1 : 0;
}
