// SPDX-License-Identifier: GPL-2.0
/* ->queue_rqs() takes a struct rq_list (6.13; Debian's 6.12 has it) */
#include <linux/blk-mq.h>

void probe(struct rq_list *l, struct request *rq);
void probe(struct rq_list *l, struct request *rq)
{
	rq_list_add_tail(l, rq);
}
