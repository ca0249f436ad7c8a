// SPDX-License-Identifier: GPL-2.0
/*
 * Task-work callbacks take a struct io_tw_req and an io_tw_token_t and
 * find their command with io_uring_cmd_from_tw() (after 6.12)
 */
#include <linux/io_uring/cmd.h>

void probe(struct io_uring_cmd *c, void (*cb)(struct io_tw_req, io_tw_token_t));
void probe(struct io_uring_cmd *c, void (*cb)(struct io_tw_req, io_tw_token_t))
{
	io_uring_cmd_do_in_task_lazy(c, cb);
}
