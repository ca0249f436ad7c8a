// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of alloc_sweep.sh: run one operation with the kernel's fail-nth
 * set on this task (/proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION),
 * so that its Nth fault-injection point (failslab, fail_page_alloc, ...)
 * fails.  Everything the operation needs is opened and allocated before
 * the count is armed, so that only the operation itself is counted.
 *
 *   fail_nth N write PATH VALUE      write(2) VALUE to PATH (sysfs)
 *   fail_nth N admin /dev/nvmeX      Identify Controller, ADMIN_CMD
 *   fail_nth N admin64 /dev/nvmeX    the same, ADMIN64_CMD
 *   fail_nth N io DEV NSID BS        Read of one block, IO_CMD
 *   fail_nth N io64 DEV NSID BS      the same, IO64_CMD
 *   fail_nth N io64vec DEV NSID BS   the same, IO64_CMD_VEC (one iovec)
 *   fail_nth N submit DEV BS         the same, SUBMIT_IO
 *   fail_nth N id|reset|rescan DEV   NVME_IOCTL_ID, _RESET, _RESCAN
 *   fail_nth N uring DEV NSID BS     Read of one block, URING_CMD_IO
 *   fail_nth N uring-admin /dev/nvmeX  Identify Controller, URING_CMD_ADMIN
 *   fail_nth N finit KO PARAMS       finit_module(2)
 *
 * Prints "fired ret=R errno=E" when the Nth point was reached (and
 * failed), else "unreached left=L ret=R errno=E": the operation made
 * fewer than N calls.  Exit 0 either way, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

static int nth_fd = -1;
static void *buf;
static struct iovec iov;

static void die(const char *what)
{
	fprintf(stderr, "fail_nth: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void arm(unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (pwrite(nth_fd, s, len, 0) != len)
		die("arming fail-nth");
}

/* what is left of the count: 0 when the Nth point was reached */
static unsigned int left(void)
{
	char s[16] = "";

	if (pread(nth_fd, s, sizeof(s) - 1, 0) <= 0)
		die("reading fail-nth");
	return strtoul(s, NULL, 0);
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

/* a Read of one block at LBA 0 (Identify Controller on the admin queue) */
static void fill(struct nvme_passthru_cmd64 *c, unsigned int nsid,
		 unsigned int bs)
{
	memset(c, 0, sizeof(*c));
	if (nsid) {
		c->opcode = 0x02;
		c->nsid = nsid;
		c->data_len = bs;
	} else {
		c->opcode = 0x06;
		c->cdw10 = 1;
		c->data_len = 4096;
	}
	c->addr = (unsigned long)buf;
}

static void to32(struct nvme_passthru_cmd *d,
		 const struct nvme_passthru_cmd64 *s)
{
	memset(d, 0, sizeof(*d));
	d->opcode = s->opcode;
	d->nsid = s->nsid;
	d->addr = s->addr;
	d->data_len = s->data_len;
	d->cdw10 = s->cdw10;
}

struct ring {
	int fd;
	struct io_uring_params p;
	unsigned char *sq, *cq, *sqes;
};

static void ring_setup(struct ring *r)
{
	memset(&r->p, 0, sizeof(r->p));
	r->p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	r->fd = syscall(__NR_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		die("io_uring_setup");
	r->sq = mmap(NULL, r->p.sq_off.array + r->p.sq_entries * 4,
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->p.cq_off.cqes + r->p.cq_entries * 32,
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->p.sq_entries * 128, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED ||
	    r->sqes == MAP_FAILED)
		die("mmap of the ring");
}

/* submit the prepared SQE and wait for its CQE: the CQE's res */
static long ring_run(struct ring *r, int *res)
{
	unsigned int *sq_tail = (void *)(r->sq + r->p.sq_off.tail);
	unsigned int *sq_array = (void *)(r->sq + r->p.sq_off.array);
	unsigned int *cq_head = (void *)(r->cq + r->p.cq_off.head);
	unsigned int *cq_tail = (void *)(r->cq + r->p.cq_off.tail);
	struct io_uring_cqe *cqe;
	long ret;

	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, r->fd, 1, 1,
		      IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0)
		return ret;
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		errno = EAGAIN;	/* woken with no completion */
		return -1;
	}
	cqe = (void *)(r->cq + r->p.cq_off.cqes);
	*res = cqe->res;
	(*cq_head)++;
	return ret;
}

int main(int argc, char **argv)
{
	struct nvme_passthru_cmd64 c64;
	struct nvme_passthru_cmd c32;
	struct nvme_user_io uio;
	struct nvme_uring_cmd ucmd;
	struct io_uring_sqe *sqe;
	struct ring r;
	unsigned int n, nsid = 0, bs = 4096, l;
	const char *op;
	long ret = -1;
	int fd = -1, res = 0, err;

	if (argc < 4) {
		fprintf(stderr, "usage: fail_nth N OP ARGS... (see the source)\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	op = argv[2];
	if (!n)
		die("N must be 1 or more");
	if (posix_memalign(&buf, 4096, 1 << 20))
		die("posix_memalign");
	memset(buf, 0, 1 << 20);
	nth_fd = open_or_die("/proc/thread-self/fail-nth", O_RDWR);

	if (!strcmp(op, "write") && argc == 5) {
		fd = open_or_die(argv[3], O_WRONLY);
		arm(n);
		ret = write(fd, argv[4], strlen(argv[4]));
	} else if (!strcmp(op, "finit") && argc >= 4) {
		fd = open_or_die(argv[3], O_RDONLY | O_CLOEXEC);
		arm(n);
		ret = syscall(__NR_finit_module, fd, argc > 4 ? argv[4] : "",
			      0);
	} else if (!strcmp(op, "uring") || !strcmp(op, "uring-admin")) {
		fd = open_or_die(argv[3], O_RDONLY);
		if (!strcmp(op, "uring") && argc == 6) {
			nsid = strtoul(argv[4], NULL, 0);
			bs = strtoul(argv[5], NULL, 0);
		}
		fill(&c64, nsid, bs);
		memset(&ucmd, 0, sizeof(ucmd));
		ucmd.opcode = c64.opcode;
		ucmd.nsid = c64.nsid;
		ucmd.addr = c64.addr;
		ucmd.data_len = c64.data_len;
		ucmd.cdw10 = c64.cdw10;
		ring_setup(&r);
		sqe = (void *)r.sqes;
		memset(sqe, 0, 128);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = fd;
		sqe->cmd_op = nsid ? NVME_URING_CMD_IO : NVME_URING_CMD_ADMIN;
		sqe->user_data = 1;
		memcpy(sqe->cmd, &ucmd, sizeof(ucmd));
		arm(n);
		ret = ring_run(&r, &res);
		if (ret >= 0) {
			/* the command's own result: -errno or NVMe status */
			ret = res;
			if (res < 0)
				errno = -res;
		}
	} else {
		fd = open_or_die(argv[3], O_RDONLY);
		if (argc == 6) {
			nsid = strtoul(argv[4], NULL, 0);
			bs = strtoul(argv[5], NULL, 0);
		} else if (argc == 5) {
			bs = strtoul(argv[4], NULL, 0);
		}
		fill(&c64, nsid, bs);
		to32(&c32, &c64);
		memset(&uio, 0, sizeof(uio));
		uio.opcode = 0x02;
		uio.addr = (unsigned long)buf;
		iov.iov_base = buf;
		iov.iov_len = bs;
		if (!strcmp(op, "admin")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c32);
		} else if (!strcmp(op, "admin64")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_ADMIN64_CMD, &c64);
		} else if (!strcmp(op, "io") && nsid) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_IO_CMD, &c32);
		} else if (!strcmp(op, "io64") && nsid) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_IO64_CMD, &c64);
		} else if (!strcmp(op, "io64vec") && nsid) {
			c64.addr = (unsigned long)&iov;
			c64.data_len = 1;
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_IO64_CMD_VEC, &c64);
		} else if (!strcmp(op, "submit")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio);
		} else if (!strcmp(op, "id")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_ID);
		} else if (!strcmp(op, "reset")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_RESET);
		} else if (!strcmp(op, "rescan")) {
			arm(n);
			ret = ioctl(fd, NVME_IOCTL_RESCAN);
		} else {
			fprintf(stderr, "fail_nth: unknown operation %s\n", op);
			return 2;
		}
	}
	err = ret < 0 ? errno : 0;
	l = left();
	arm(0);
	if (l)
		printf("unreached left=%u ret=%ld errno=%d\n", l, ret, err);
	else
		printf("fired ret=%ld errno=%d\n", ret, err);
	return 0;
}
