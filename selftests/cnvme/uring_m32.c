// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit process (built with -m32: the name ends in _m32) passing
 * pointers with garbage in their upper 32 bits, as a 32-bit program
 * that fills a __u64 field from a pointer without clearing it may: the
 * in-kernel driver truncates user pointers of a compat caller to 32
 * bits, for io_uring passthrough as for the ioctls.  Before, cnvme did
 * so for the metadata pointer and the ioctls only, and an io_uring
 * read with such a data pointer failed with EFAULT.
 *
 * File topology (namespace 1, no metadata); both drivers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>
#include "tap_plain.h"

#define GARBAGE	(0xdeadbeefULL << 32)


/* /dev/ngXnY of namespace 1 */
static int find_ng(char *out, int len)
{
	struct dirent *e;
	char path[300], v[32];
	DIR *d = opendir("/sys/block");
	int fd, r;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "nvme", 4) || strchr(e->d_name + 4, 'c'))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/nsid", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		r = read(fd, v, sizeof(v) - 1);
		close(fd);
		if (r <= 0)
			continue;
		v[r] = 0;
		if (atoi(v) != 1)
			continue;
		snprintf(out, len, "/dev/ng%s", e->d_name + 4);
		closedir(d);
		return 0;
	}
	closedir(d);
	return -1;
}

static void read_cmd(struct nvme_uring_cmd *u, void *buf)
{
	memset(u, 0, sizeof(*u));
	u->opcode = 0x02;	/* Read LBA 0, 8 blocks of 512 */
	u->nsid = 1;
	u->addr = (uintptr_t)buf | GARBAGE;
	u->data_len = 4096;
	u->cdw12 = 7;
}

static int uring_read(int fd, void *buf, char *why, int len)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQE128 |
					      IORING_SETUP_CQE32 };
	unsigned char *sq, *cq, *sqes;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct nvme_uring_cmd u;
	unsigned int *tail, *head, *ctail;
	int rfd, ret;

	rfd = syscall(__NR_io_uring_setup, 4, &p);
	if (rfd < 0) {
		snprintf(why, len, "io_uring_setup: %s", strerror(errno));
		return -1;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * 4,
		  PROT_READ | PROT_WRITE, MAP_SHARED, rfd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * 32,
		  PROT_READ | PROT_WRITE, MAP_SHARED, rfd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * 128, PROT_READ | PROT_WRITE,
		    MAP_SHARED, rfd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return -1;
	}
	read_cmd(&u, buf);
	sqe = (void *)sqes;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	memcpy(sqe->cmd, &u, sizeof(u));
	((unsigned int *)(sq + p.sq_off.array))[0] = 0;
	tail = (void *)(sq + p.sq_off.tail);
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, rfd, 1, 1, IORING_ENTER_GETEVENTS,
		      NULL, 0);
	if (ret < 0) {
		snprintf(why, len, "io_uring_enter: %s", strerror(errno));
		return -1;
	}
	head = (void *)(cq + p.cq_off.head);
	ctail = (void *)(cq + p.cq_off.tail);
	if (*head == __atomic_load_n(ctail, __ATOMIC_ACQUIRE)) {
		snprintf(why, len, "no completion");
		return -1;
	}
	cqe = (void *)(cq + p.cq_off.cqes);
	snprintf(why, len, "cqe res %d (%s)", cqe->res,
		 cqe->res < 0 ? strerror(-cqe->res) : "-");
	close(rfd);
	return cqe->res;
}

int main(void)
{
	const char *topo = getenv("TOPO");
	struct nvme_passthru_cmd64 c;
	char ng[64], why[160];
	void *buf;
	int fd, r;

	printf("TAP version 13\n1..2\n");
	if (!topo || strcmp(topo, "file") || find_ng(ng, sizeof(ng))) {
		printf("ok 1 # SKIP needs the file topology's namespace 1\n");
		printf("ok 2 # SKIP needs the file topology's namespace 1\n");
		return 4;
	}
	fd = open(ng, O_RDONLY);
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || buf == MAP_FAILED) {
		snprintf(why, sizeof(why), "open %s: %s", ng, strerror(errno));
		tap(0, "io_uring read, data pointer with high garbage", why);
		tap(0, "IO64 ioctl read, data pointer with high garbage", why);
		return 1;
	}
	r = uring_read(fd, buf, why, sizeof(why));
	tap(r == 0, "io_uring read, data pointer with high garbage", why);

	memset(&c, 0, sizeof(c));
	c.opcode = 0x02;
	c.nsid = 1;
	c.addr = (uintptr_t)buf | GARBAGE;
	c.data_len = 4096;
	c.cdw12 = 7;
	r = ioctl(fd, NVME_IOCTL_IO64_CMD, &c);
	snprintf(why, sizeof(why), "ret %d (%s)", r, r < 0 ? strerror(errno) : "-");
	tap(r == 0, "IO64 ioctl read, data pointer with high garbage", why);
	close(fd);
	return tap_failed ? 1 : 0;
}
