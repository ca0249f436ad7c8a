// SPDX-License-Identifier: GPL-2.0
/* io_uring's command interface has a header of its own (6.7) */
#include <linux/io_uring/cmd.h>

int probe(struct io_uring_cmd *c);
int probe(struct io_uring_cmd *c)
{
	return c ? 1 : 0;
}
