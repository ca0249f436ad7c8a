// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of faults.sh: send COUNT admin commands of OPCODE (no data)
 * through io_uring passthrough (NVME_URING_CMD_ADMIN) on /dev/nvmeN, one
 * at a time, and print how many CQEs carried each result; with COUNT2,
 * print "waiting", wait for SIGUSR1 (at most 60 s) and do it again with
 * COUNT2 commands on the same open file (/dev/nvmeN opens only while the
 * controller is live):
 *
 *   uring_status /dev/nvmeN OPCODE COUNT [COUNT2]
 *
 * prints lines "res=R count=C", one per distinct CQE result, in the
 * order first seen.  Exit 0 when every command got a CQE, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

#define MAX_SEEN 16

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = 1;
}

static struct io_uring_params p;
static unsigned char *sq, *cq, *sqes;
static int rfd, fd;

/* Send @n commands of @opcode one by one; print the results seen. */
static int run(long opcode, long n)
{
	struct nvme_uring_cmd u = { };
	__u32 *sq_tail, *sq_array, *cq_head, *cq_tail, head;
	int res[MAX_SEEN], count[MAX_SEEN], seen = 0;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	long i, ret;
	int j;

	sq_tail = (void *)(sq + p.sq_off.tail);
	sq_array = (void *)(sq + p.sq_off.array);
	cq_head = (void *)(cq + p.cq_off.head);
	cq_tail = (void *)(cq + p.cq_off.tail);

	u.opcode = opcode;
	for (i = 0; i < n; i++) {
		__u32 tail = *sq_tail;
		__u32 slot = tail & (p.sq_entries - 1);

		sqe = (void *)(sqes + slot * 128);
		memset(sqe, 0, 128);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = fd;
		sqe->cmd_op = NVME_URING_CMD_ADMIN;
		sqe->user_data = i + 1;
		memcpy(sqe->cmd, &u, sizeof(u));
		sq_array[slot] = slot;
		__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
		ret = syscall(__NR_io_uring_enter, rfd, 1, 1,
			      IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret != 1) {
			fprintf(stderr, "io_uring_enter: %ld (%s)\n", ret,
				strerror(errno));
			return 1;
		}
		head = *cq_head;
		if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
			fprintf(stderr, "command %ld: no cqe\n", i + 1);
			return 1;
		}
		cqe = (void *)(cq + p.cq_off.cqes +
			       (head & (p.cq_entries - 1)) * 32);
		for (j = 0; j < seen && res[j] != cqe->res; j++)
			;
		if (j == seen && seen < MAX_SEEN) {
			res[seen] = cqe->res;
			count[seen++] = 0;
		}
		if (j < seen)
			count[j]++;
		__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	}
	for (j = 0; j < seen; j++)
		printf("res=%d count=%d\n", res[j], count[j]);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long opcode;
	int i;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s /dev/nvmeN OPCODE COUNT [COUNT2]\n",
			argv[0]);
		return 2;
	}
	sigaction(SIGUSR1, &sa, NULL);
	opcode = strtol(argv[2], NULL, 0);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	rfd = syscall(__NR_io_uring_setup, 4, &p);
	if (rfd < 0) {
		perror("io_uring_setup");
		return 1;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(__u32),
		  PROT_READ | PROT_WRITE, MAP_SHARED, rfd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * 32,
		  PROT_READ | PROT_WRITE, MAP_SHARED, rfd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * 128, PROT_READ | PROT_WRITE,
		    MAP_SHARED, rfd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (run(opcode, strtol(argv[3], NULL, 0)))
		return 1;
	if (argc == 4)
		return 0;
	printf("waiting\n");
	fflush(stdout);
	for (i = 0; i < 600 && !go; i++)
		usleep(100000);
	return run(opcode, strtol(argv[4], NULL, 0));
}
