// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_cmd_done() posts res only; io_uring_cmd_done32() posts res2
 * in a big CQE (after 6.12)
 */
#include <linux/io_uring/cmd.h>

void probe(struct io_uring_cmd *c, unsigned int flags);
void probe(struct io_uring_cmd *c, unsigned int flags)
{
	io_uring_cmd_done32(c, 0, 0, flags);
}
