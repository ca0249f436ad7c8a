// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of uring_unreaped.sh: submit one 4 KiB read through io_uring
 * passthrough (NVME_URING_CMD_IO) on a polled ring that defers its task
 * work (IOPOLL | DEFER_TASKRUN | SINGLE_ISSUER), then leave the
 * completion unreaped, as a process that is busy or stopped would, until
 * SIGUSR1 (or 60 s).  Then reap it and print "cqe res=R".
 *
 *   uring_hold /dev/ngXnY NSID
 *
 * Prints "submitted" once the command is in flight.  Exit 0 when a CQE
 * was reaped, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)
#endif

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = 1;
}

int main(int argc, char **argv)
{
	struct io_uring_params p = { };
	unsigned char *sq, *cq, *sqes;
	struct io_uring_sqe *sqe;
	struct nvme_uring_cmd u = { };
	struct sigaction sa = { .sa_handler = on_usr1 };
	__u32 *sq_tail, *sq_array, *cq_head, *cq_tail, head;
	struct io_uring_cqe *cqe;
	size_t sq_len, cq_len;
	void *buf;
	int rfd, fd, i;
	long ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s /dev/ngXnY NSID\n", argv[0]);
		return 2;
	}
	sigaction(SIGUSR1, &sa, NULL);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (posix_memalign(&buf, 4096, 4096))
		return 1;
	p.flags = IORING_SETUP_IOPOLL | IORING_SETUP_SQE128 |
		  IORING_SETUP_CQE32 | IORING_SETUP_SINGLE_ISSUER |
		  IORING_SETUP_DEFER_TASKRUN;
	rfd = syscall(__NR_io_uring_setup, 4, &p);
	if (rfd < 0) {
		perror("io_uring_setup");
		return 1;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(__u32);
	cq_len = p.cq_off.cqes + p.cq_entries * 32;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, rfd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, rfd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * 128, PROT_READ | PROT_WRITE,
		    MAP_SHARED, rfd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	sq_tail = (void *)(sq + p.sq_off.tail);
	sq_array = (void *)(sq + p.sq_off.array);
	cq_head = (void *)(cq + p.cq_off.head);
	cq_tail = (void *)(cq + p.cq_off.tail);

	u.opcode = 0x02;	/* Read, LBA 0, 8 blocks of 512 */
	u.nsid = atoi(argv[2]);
	u.addr = (unsigned long)buf;
	u.data_len = 4096;
	u.cdw12 = 7;
	sqe = (void *)sqes;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->user_data = 1;
	memcpy(sqe->cmd, &u, sizeof(u));
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, rfd, 1, 0, 0, NULL, 0);
	if (ret != 1) {
		fprintf(stderr, "io_uring_enter: %ld (%s)\n", ret,
			strerror(errno));
		return 1;
	}
	printf("submitted\n");
	fflush(stdout);

	for (i = 0; i < 600 && !go; i++)
		usleep(100000);

	/* reap: polls the queue and runs the deferred task work */
	for (i = 0; i < 100; i++) {
		ret = syscall(__NR_io_uring_enter, rfd, 0, 1,
			      IORING_ENTER_GETEVENTS, NULL, 0);
		head = *cq_head;
		if (head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE))
			break;
		usleep(100000);
	}
	head = *cq_head;
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		printf("no cqe (enter %ld, %s)\n", ret, strerror(errno));
		return 1;
	}
	cqe = (void *)(cq + p.cq_off.cqes +
		       (head & (p.cq_entries - 1)) * 32);
	printf("cqe res=%d\n", cqe->res);
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}
