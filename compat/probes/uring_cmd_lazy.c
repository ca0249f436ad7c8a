// SPDX-License-Identifier: GPL-2.0
/* io_uring_cmd_do_in_task_lazy(): task work with lazy wake-ups (6.5) */
#include <linux/io_uring.h>
#if __has_include(<linux/io_uring/cmd.h>)
#include <linux/io_uring/cmd.h>
#endif

void probe(struct io_uring_cmd *c, void (*cb)(struct io_uring_cmd *, unsigned int));
void probe(struct io_uring_cmd *c, void (*cb)(struct io_uring_cmd *, unsigned int))
{
	io_uring_cmd_do_in_task_lazy(c, cb);
}
