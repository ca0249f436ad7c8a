// SPDX-License-Identifier: GPL-2.0
/*
 * struct io_uring_cmd carries the whole SQE (6.5); before, ->cmd only.
 * Its header moved to linux/io_uring/cmd.h (6.7).
 */
#include <linux/io_uring.h>
#if __has_include(<linux/io_uring/cmd.h>)
#include <linux/io_uring/cmd.h>
#endif

const void *probe(struct io_uring_cmd *c);
const void *probe(struct io_uring_cmd *c)
{
	return c->sqe;
}
