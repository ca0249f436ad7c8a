// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_cmd_import_fixed() takes the issue flags after the command
 * (6.15)
 */
#include <linux/io_uring/cmd.h>

int probe(u64 a, unsigned long l, struct iov_iter *it,
	  struct io_uring_cmd *c, unsigned int f);
int probe(u64 a, unsigned long l, struct iov_iter *it,
	  struct io_uring_cmd *c, unsigned int f)
{
	return io_uring_cmd_import_fixed(a, l, 0, it, c, f);
}
