// SPDX-License-Identifier: GPL-2.0
/* queue_limits_commit_update_frozen() (6.15; Debian's 6.12 has it) */
#include <linux/blkdev.h>

int probe(struct request_queue *q, struct queue_limits *lim);
int probe(struct request_queue *q, struct queue_limits *lim)
{
	return queue_limits_commit_update_frozen(q, lim);
}
