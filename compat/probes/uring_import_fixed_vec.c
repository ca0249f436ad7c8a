// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_cmd_import_fixed_vec(): a vector of registered buffers for a
 * command (6.15)
 */
#include <linux/io_uring/cmd.h>

int probe(struct io_uring_cmd *c, const struct iovec __user *v, size_t n,
	  struct iov_iter *it, unsigned int f);
int probe(struct io_uring_cmd *c, const struct iovec __user *v, size_t n,
	  struct iov_iter *it, unsigned int f)
{
	return io_uring_cmd_import_fixed_vec(c, v, n, 0, it, f);
}
