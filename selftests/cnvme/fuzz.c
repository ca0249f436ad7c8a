// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input: a seeded, bounded fuzzer for the NVMe ioctls, io_uring
 * passthrough and the driver's sysfs attributes.  Every call must come
 * back with an errno or an NVMe status; a call that does not within
 * FUZZ_CALL_TIMEOUT seconds is a hang and fails the test, and a kernel
 * log line that a test must never cause (BUG, WARNING, oops, KFENCE...)
 * fails the phase during which it appeared, naming the calls then running.
 *
 * Phases, one TAP case each: ctrl-ioctl (/dev/nvmeN), ns-ioctl
 * (/dev/nvmeXnY), ng-ioctl (/dev/ngXnY), io_uring (raw syscalls; rings
 * with and without SQE128|CQE32, and IOPOLL), sysfs (writes of valid
 * and junk values to every attribute of the controller, its subsystem and
 * the namespace), under-reset (ioctls and io_uring while a second process
 * resets the controller through sysfs in a loop), then three checks that
 * the controller survived: it is live, a few blocks write, read back and
 * compare (read only on null-co topologies), and "nvme id-ctrl" works.
 *
 * Environment (from the kernel command line in the test VM: run.sh
 * APPEND="FUZZ_SEED=1234"):
 *   FUZZ_SEED         64-bit seed; default from the clock; always printed
 *   FUZZ_ITERS        total calls, shared out between phases (100000)
 *   FUZZ_SECONDS      total time, shared out likewise (150)
 *   FUZZ_PHASES       comma separated phase names to run (all)
 *   FUZZ_CALL_TIMEOUT seconds a single call may take (75, above the
 *                     60 s admin timeout after which a driver recovers)
 *   FUZZ_RESETS       controller resets per phase at most (8)
 *   FUZZ_RESCANS      namespace rescans per phase at most (50)
 * Each phase has its own generator, seeded from FUZZ_SEED and the phase,
 * so FUZZ_PHASES=ns-ioctl with the same seed replays that phase.
 *
 * What is never sent, so that the fuzzer cannot damage the emulated
 * controller, its namespaces or the guest for the tests after it:
 *  - admin opcodes Delete/Create I/O SQ/CQ (0x00/0x01/0x04/0x05: would
 *    take the driver's queues away or point the controller at user
 *    memory), Asynchronous Event Request (0x0c: never completes by
 *    design), Namespace Management (0x0d), Firmware Commit/Download
 *    (0x10/0x11), Namespace Attachment (0x15), Virtualization Management
 *    (0x1c), Doorbell Buffer Config (0x7c: the controller would keep
 *    DMAing to the given pages), Format NVM (0x80) and Sanitize (0x84);
 *  - Set Features for Temperature Threshold (4: a threshold under the
 *    controller's temperature raises a critical warning for the rest of
 *    the boot), Error Recovery (5: DULBE makes reads of blocks never
 *    written fail, and later tests read such blocks), Number of Queues
 *    (7), Host Memory Buffer (0x0d) and Keep Alive Timer (0x0f);
 *  - the I/O opcode Write Uncorrectable (0x04);
 *  - a controller-to-host command (Identify, Get Log Page, Get Features,
 *    Read...) whose own transfer length disagrees with the buffer the
 *    driver is given, in a way that makes the controller write past it:
 *    the driver hands the controller only the pages of data_len, and a
 *    longer transfer would use PRP entries the driver never wrote.  The
 *    length is then set to the command's own (or, without a buffer, the
 *    command is cut to one page: the controller writes to address 0,
 *    the reserved first page, as with the in-kernel driver);
 *  - random ioctl numbers of the block layer (0x12), of file systems
 *    ('X', 'f', 0x94) and of the tty/file layer ('T'): they are not the
 *    driver's and could freeze or change the disk for later tests.
 * Resets (ioctl and sysfs) and rescans are capped per phase, and the
 * controller's passthru_err_log_enabled and the subsystem's iopolicy
 * are put back as found.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include <linux/nvme_ioctl.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define PAGE		4096UL
#define ARENA_SIZE	(2UL << 20)
#define RO_SIZE		(64UL << 10)
#define MAX_IOV		1100
#define NR_ERRNO	160
#define HIST_STATUS	2048
#define LAST_CALLS	8

enum node { N_CTRL, N_NS, N_NG, N_MAX };
static const char *const node_names[N_MAX] = { "ctrl", "ns", "ng" };

/* what the driver would do with a command: decides the opcode filter */
enum route { R_NONE, R_ADMIN, R_IO, R_SUBMIT };

enum ptr_kind {
	P_ALIGNED, P_MISALIGNED, P_ARENA_END, P_NULL, P_UNMAPPED, P_KERNEL,
	P_RDONLY, P_RANDOM, P_MAX
};

static const char *const ptr_names[P_MAX] = {
	"aligned", "misaligned", "arena-end", "null", "unmapped", "kernel",
	"read-only", "random"
};

/* One call, as recorded for a report: enough to see what was sent. */
struct call_rec {
	unsigned long iter;
	int node;
	int kind;		/* 0 ioctl, 1 io_uring, 2 sysfs */
	unsigned int cmd;	/* ioctl number or cmd_op */
	int arg_kind;
	int data_kind;
	unsigned int ring_flags;
	unsigned char bytes[80];
	char text[96];
};

/* Shared between the phase process, the resetter and the watchdog. */
struct shared {
	int busy;
	long long started_ms;
	unsigned long calls;
	int stop;
	int reset_busy;
	long long reset_started_ms;
	unsigned long resets_ok, resets_err;
	unsigned long hist[NR_ERRNO];
	unsigned long status_hist[HIST_STATUS];
	unsigned long ok, positive, nvme_status, log_lines;
	unsigned long real_io;
	int fatal;
	char fatal_line[256];
	struct call_rec fatal_calls[LAST_CALLS];
	int anomalies;
	char anomaly[4][256];
	struct call_rec anomaly_call[4];
	struct call_rec last[LAST_CALLS];
	unsigned long last_n;
};

static struct shared *sh;
static unsigned long long seed;
static unsigned int call_timeout = 75;
static unsigned int max_resets = 8, max_rescans = 50;
static char ctrl_name[32], ns_name[32], ctrl_sys[300], subsys_sys[300];
static char ns_sys[300], dev_path[N_MAX][64];
static unsigned int nsid, lbasz = 512;
static unsigned long long nsze;
static const char *driver = "cnvme", *topo = "";
static int kmsg_fd = -1;
static bool ref_meta_leak;

/* ---- random numbers ---------------------------------------------------- */

static unsigned long long rng;

static unsigned long long rnd64(void)
{
	unsigned long long z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)(rnd64() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static unsigned int pick(const unsigned int *v, unsigned int n)
{
	return v[rnd(n)];
}

static unsigned int rnd_u32_boundary(void)
{
	static const unsigned int b[] = {
		0, 1, 2, 3, 7, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff,
		0x80000000, 0xfffffffe, 0xffffffff
	};

	return chance(50) ? pick(b, ARRAY_SIZE(b)) : (unsigned int)rnd64();
}

/* ---- time, memory, helpers -------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned char *arena, *ro_area, *unmapped_area, *straddle, *ioarg;
static struct iovec *iovs;

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void setup_memory(void)
{
	size_t i;

	arena = map_or_die(ARENA_SIZE + PAGE, PROT_READ | PROT_WRITE);
	mprotect(arena + ARENA_SIZE, PAGE, PROT_NONE);
	for (i = 0; i < ARENA_SIZE; i += 8)
		*(unsigned long long *)(arena + i) = rnd64();
	/* real pages behind it, not the zero page: a driver that wrote into
	 * it anyway would not corrupt the kernel's shared zero page
	 */
	ro_area = map_or_die(RO_SIZE, PROT_READ | PROT_WRITE);
	memset(ro_area, 0x5a, RO_SIZE);
	mprotect(ro_area, RO_SIZE, PROT_READ);
	/* kept reserved, inaccessible: nothing else is mapped there */
	unmapped_area = map_or_die(16 * PAGE, PROT_NONE);
	/* a page whose end touches an inaccessible one */
	straddle = map_or_die(2 * PAGE, PROT_READ | PROT_WRITE);
	mprotect(straddle + PAGE, PAGE, PROT_NONE);
	iovs = map_or_die(sizeof(*iovs) * MAX_IOV + PAGE,
			  PROT_READ | PROT_WRITE);
	ioarg = map_or_die(2 * PAGE, PROT_READ | PROT_WRITE);
}

static unsigned long long kernel_addr(void)
{
	static const unsigned long long k[] = {
		0xffffffff81000000ULL, 0xffff888000000000ULL,
		0xffff888000001000ULL, 0xfffffffffffff000ULL,
		0xffffffffffffffffULL, 0x8000000000000000ULL,
		0xffffc90000000000ULL, 0xffff800000000000ULL,
	};

	return k[rnd(ARRAY_SIZE(k))];
}

/* An address of the given kind for len bytes. */
static unsigned long long rnd_ptr(int kind, unsigned long long len)
{
	unsigned long long off;

	switch (kind) {
	case P_ALIGNED:
	case P_MISALIGNED:
		if (len >= ARENA_SIZE)
			off = 0;
		else
			off = rnd((ARENA_SIZE - len) / PAGE + 1) * PAGE;
		if (kind == P_MISALIGNED && off + len + PAGE <= ARENA_SIZE)
			off += chance(50) ? 1 + rnd(3) : 1 + rnd(PAGE - 1);
		return (unsigned long long)(uintptr_t)(arena + off);
	case P_ARENA_END:
		off = len ? (len + 1) / 2 : 1;
		if (off > ARENA_SIZE)
			off = ARENA_SIZE;
		return (unsigned long long)(uintptr_t)(arena + ARENA_SIZE - off);
	case P_NULL:
		return 0;
	case P_UNMAPPED:
		/* above 47 bits: user space, unmapped, with 5-level paging
		 * (-cpu max has LA57); otherwise beyond it
		 */
		if (chance(10))
			return 0x0000800000000000ULL;
		return (unsigned long long)(uintptr_t)unmapped_area +
			rnd(16) * PAGE + (chance(20) ? rnd(PAGE) : 0);
	case P_KERNEL:
		return kernel_addr();
	case P_RDONLY:
		return (unsigned long long)(uintptr_t)ro_area +
			(len < RO_SIZE ? rnd((RO_SIZE - len) / PAGE + 1) * PAGE : 0);
	default:
		return rnd64();
	}
}

static int rnd_data_kind(void)
{
	static const unsigned int w[] = {
		P_ALIGNED, P_ALIGNED, P_ALIGNED, P_ALIGNED, P_ALIGNED,
		P_MISALIGNED, P_MISALIGNED, P_ARENA_END, P_NULL, P_NULL,
		P_UNMAPPED, P_KERNEL, P_KERNEL, P_RDONLY, P_RDONLY, P_RANDOM,
	};

	return (int)pick(w, ARRAY_SIZE(w));
}

static unsigned int rnd_len(void)
{
	static const unsigned int l[] = {
		0, 1, 3, 4, 8, 64, 511, 512, 513, 1024, 4095, 4096, 4097,
		8192, 12288, 65536, 131072, 262144, 524288, 524800, 1048576,
		2097152, 0x7fffffff, 0x80000000, 0xffffffff,
	};

	if (chance(15))
		return rnd(1 << 20);
	return pick(l, ARRAY_SIZE(l));
}

/* ---- the opcode filter and transfer lengths --------------------------- */

static bool admin_denied(unsigned char op)
{
	switch (op) {
	case 0x00: case 0x01: case 0x04: case 0x05: case 0x0c: case 0x0d:
	case 0x10: case 0x11: case 0x15: case 0x1c: case 0x7c: case 0x80:
	case 0x84:
		return true;
	}
	return false;
}

static unsigned char safe_admin_op(void)
{
	static const unsigned int ops[] = {
		0x02, 0x02, 0x02, 0x06, 0x06, 0x06, 0x06, 0x08, 0x09, 0x09,
		0x0a, 0x0a, 0x0a, 0x14, 0x18, 0x18, 0x19, 0x1a, 0x1d, 0x1e,
		0x7f, 0x81, 0x82, 0x86, 0xc0, 0xc1, 0xc2, 0xff,
	};

	return (unsigned char)pick(ops, ARRAY_SIZE(ops));
}

static unsigned char safe_io_op(void)
{
	static const unsigned int ops[] = {
		0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02,
		0x02, 0x02, 0x05, 0x08, 0x08, 0x09, 0x09, 0x0c, 0x0c, 0x0d,
		0x0e, 0x11, 0x15, 0x19, 0x19, 0x79, 0x7a, 0x7d, 0x80, 0x81,
		0x82, 0xff,
	};

	return (unsigned char)pick(ops, ARRAY_SIZE(ops));
}

static void sanitize(struct nvme_passthru_cmd64 *c, int route)
{
	unsigned int fid;

	if (route == R_ADMIN) {
		if (admin_denied(c->opcode))
			c->opcode = safe_admin_op();
		fid = c->cdw10 & 0xff;
		if (c->opcode == 0x09 &&
		    (fid == 0x04 || fid == 0x05 || fid == 0x07 ||
		     fid == 0x0d || fid == 0x0f))
			c->cdw10 = (c->cdw10 & ~0xffu) | 0x0e;
	} else if (route == R_IO) {
		if (c->opcode == 0x04)
			c->opcode = 0x02;
	}
}

/* controller to host: bits 1:0 of the opcode are 10b (or 11b) */
static bool c2h(unsigned char op)
{
	return (op & 2) != 0;
}

/* The command's own transfer length, for the controller-to-host ones. */
static unsigned long long dev_len(const struct nvme_passthru_cmd64 *c,
				  int route)
{
	unsigned long long numd;

	if (!c2h(c->opcode))
		return 0;
	if (route == R_ADMIN) {
		switch (c->opcode) {
		case 0x02:	/* Get Log Page */
			numd = ((c->cdw11 & 0xffffULL) << 16) | (c->cdw10 >> 16);
			return (numd + 1) * 4;
		case 0x06:	/* Identify */
			return 4096;
		case 0x0a:	/* Get Features: at most a page in any FID */
			return 4096;
		case 0x1a:	/* Directive Receive */
			return (c->cdw10 + 1ULL) * 4;
		case 0x82:	/* Security Receive */
			return c->cdw11;
		case 0x86:	/* Get LBA Status */
			return (c->cdw12 + 1ULL) * 4;
		case 0x1e:	/* NVMe-MI Receive */
			return c->cdw11 ? c->cdw11 : 4096;
		}
		/* others the controller refuses as invalid opcodes */
		return 0;
	}
	switch (c->opcode) {
	case 0x02:	/* Read */
		return ((c->cdw12 & 0xffffULL) + 1) * lbasz;
	case 0x0e:	/* Reservation Report */
		return (c->cdw10 + 1ULL) * 4;
	case 0x7a:	/* Zone Management Receive */
		return (c->cdw12 + 1ULL) * 4;
	}
	return 0;
}

/* Cut the command so that its own length is at most max bytes. */
static void cut_len(struct nvme_passthru_cmd64 *c, int route,
		    unsigned long long max)
{
	unsigned int d = (unsigned int)(max / 4) - 1;

	if (route == R_ADMIN) {
		switch (c->opcode) {
		case 0x02:
			c->cdw10 = (c->cdw10 & 0xffff) | ((d & 0xffff) << 16);
			c->cdw11 &= ~0xffffu;
			break;
		case 0x1a:
			c->cdw10 = d;
			break;
		case 0x82:
			c->cdw11 = (unsigned int)max;
			break;
		case 0x86:
			c->cdw12 = d;
			break;
		case 0x1e:
			c->cdw11 = (unsigned int)max;
			break;
		}
		return;
	}
	switch (c->opcode) {
	case 0x02:
		c->cdw12 = (c->cdw12 & ~0xffffu) |
			   ((unsigned int)(max / lbasz) - 1);
		break;
	case 0x0e:
		c->cdw10 = d;
		break;
	case 0x7a:
		c->cdw12 = d;
		break;
	}
}

/*
 * Make a generated command safe to reach the controller (see the header):
 * a controller-to-host transfer never goes past what the driver mapped.
 */
static void fix_lengths(struct nvme_passthru_cmd64 *c, int route, bool vec,
			int data_kind)
{
	unsigned long long l = dev_len(c, route), total = 0, off;
	unsigned int n, i, chunk;

	if (!l)
		return;
	if (!vec) {
		if (!c->addr || !c->data_len) {
			if (l > PAGE)
				cut_len(c, route, PAGE);
			return;
		}
		off = c->addr & (PAGE - 1);
		if (l <= c->data_len && off + l <= PAGE)
			return;
		if (l > 0xffffffffULL) {
			cut_len(c, route, 1ULL << 20);
			l = dev_len(c, route);
		}
		c->data_len = (unsigned int)l;
		if (data_kind == P_ALIGNED || data_kind == P_MISALIGNED)
			c->addr = rnd_ptr(data_kind, l);
		return;
	}
	n = c->data_len;
	if (!c->addr || !n) {
		if (l > PAGE)
			cut_len(c, route, PAGE);
		return;
	}
	/* the iovecs cover exactly the command's length */
	if (c->addr != (unsigned long long)(uintptr_t)iovs) {
		/* not our array: the kernel cannot read it as iovecs that
		 * point to real memory, or it is one of our read-only pages
		 */
		if (l > PAGE)
			cut_len(c, route, PAGE);
		return;
	}
	if (n > MAX_IOV)
		n = MAX_IOV;
	if (l > ARENA_SIZE) {
		cut_len(c, route, ARENA_SIZE / 2);
		l = dev_len(c, route);
	}
	for (i = 0; i < n; i++) {
		chunk = (i == n - 1) ? (unsigned int)(l - total) :
			(unsigned int)rnd((unsigned int)(l - total) + 1);
		iovs[i].iov_len = chunk;
		iovs[i].iov_base = (void *)(uintptr_t)
			rnd_ptr(chance(70) ? P_ALIGNED : P_MISALIGNED, chunk);
		total += chunk;
	}
}

/* ---- generating commands ---------------------------------------------- */

static void gen_iovecs(struct nvme_passthru_cmd64 *c)
{
	static const unsigned int counts[] = {
		0, 1, 1, 1, 2, 3, 4, 8, 16, 128, 1024, 1025, 0xffff,
		0xffffffff,
	};
	unsigned int n = pick(counts, ARRAY_SIZE(counts)), i, m;
	int kind = rnd(10);

	m = n > MAX_IOV ? MAX_IOV : n;
	for (i = 0; i < m; i++) {
		int dk = rnd_data_kind();
		unsigned int len = chance(60) ? 512 * (1 + rnd(16)) : rnd_len();

		iovs[i].iov_len = len;
		iovs[i].iov_base = (void *)(uintptr_t)rnd_ptr(dk, len);
	}
	c->data_len = n;
	if (kind < 7)
		c->addr = (unsigned long long)(uintptr_t)iovs;
	else if (kind == 7)
		c->addr = 0;
	else if (kind == 8)
		c->addr = kernel_addr();
	else
		c->addr = rnd_ptr(P_UNMAPPED, 0);
}

/*
 * Fill c for a route.  plausible: fields a real user would send (the
 * command reaches the controller); otherwise anything.
 */
static int gen_passthru(struct nvme_passthru_cmd64 *c, int route, bool vec,
			bool plausible)
{
	int data_kind = rnd_data_kind();
	unsigned long long slba;
	unsigned int nlb;

	memset(c, 0, sizeof(*c));
	if (plausible) {
		c->opcode = route == R_ADMIN ? safe_admin_op() : safe_io_op();
		c->nsid = route == R_ADMIN ? (chance(50) ? 0 : nsid) : nsid;
		if (chance(3))
			c->nsid = chance(50) ? 0xffffffff : nsid + 1;
		if (route == R_ADMIN) {
			c->cdw10 = chance(50) ? rnd(0x20) : rnd(256);
			if (c->opcode == 0x02)
				c->cdw10 = (c->cdw10 & 0xff) |
					   ((1023u & rnd(1024)) << 16);
			c->cdw11 = chance(80) ? 0 : rnd_u32_boundary();
		} else {
			slba = chance(80) ? rnd64() % (nsze ? nsze : 1) :
			       (chance(50) ? nsze : rnd64());
			nlb = chance(80) ? rnd(64) : rnd(0x10000);
			c->cdw10 = (unsigned int)slba;
			c->cdw11 = (unsigned int)(slba >> 32);
			c->cdw12 = nlb | (chance(5) ? rnd_u32_boundary() &
					  0xffff0000 : 0);
			if (c->opcode == 0x09 || c->opcode == 0x19)
				c->cdw10 = rnd(8);
		}
		c->data_len = (unsigned int)dev_len(c, route);
		if (!c->data_len)
			c->data_len = chance(50) ? 4096 : rnd_len();
		if (c->opcode == 0x01 || c->opcode == 0x05)
			c->data_len = ((c->cdw12 & 0xffff) + 1) * lbasz;
		if (c->opcode == 0x09 && route == R_IO)
			c->data_len = (c->cdw10 + 1) * 16;
		if (chance(90))
			data_kind = chance(70) ? P_ALIGNED : P_MISALIGNED;
	} else {
		c->opcode = (unsigned char)rnd64();
		c->flags = chance(80) ? 0 : (unsigned char)rnd64();
		c->rsvd1 = chance(90) ? 0 : (unsigned short)rnd64();
		c->nsid = chance(50) ? nsid : rnd_u32_boundary();
		c->cdw2 = chance(80) ? 0 : rnd_u32_boundary();
		c->cdw3 = chance(80) ? 0 : rnd_u32_boundary();
		c->cdw10 = rnd_u32_boundary();
		c->cdw11 = rnd_u32_boundary();
		c->cdw12 = rnd_u32_boundary();
		c->cdw13 = rnd_u32_boundary();
		c->cdw14 = rnd_u32_boundary();
		c->cdw15 = rnd_u32_boundary();
		c->data_len = rnd_len();
		if (chance(15) && !ref_meta_leak) {
			c->metadata = rnd_ptr(rnd_data_kind(), 64);
			c->metadata_len = rnd_len();
		}
	}
	sanitize(c, route);
	/* rare short timeouts: they send the driver down its timeout path */
	if (!chance(99))
		c->timeout_ms = chance(90) ? 1000 + rnd(60000) :
				rnd_u32_boundary();
	else if (!rnd(2000))
		c->timeout_ms = 1 + rnd(10);
	c->rsvd2 = chance(95) ? 0 : (unsigned int)rnd64();
	c->result = rnd64();
	if (vec) {
		gen_iovecs(c);
		data_kind = P_ALIGNED;
	} else {
		c->addr = rnd_ptr(data_kind, c->data_len);
	}
	fix_lengths(c, route, vec, data_kind);
	return data_kind;
}

static int gen_user_io(struct nvme_user_io *io, bool plausible)
{
	static const unsigned int ops[] = { 0x01, 0x02, 0x02, 0x05, 0x00,
					    0x04, 0x08, 0xff };
	int kind = plausible ? (chance(70) ? P_ALIGNED : P_MISALIGNED) :
		   rnd_data_kind();
	unsigned long long len;

	memset(io, 0, sizeof(*io));
	io->opcode = (unsigned char)pick(ops, ARRAY_SIZE(ops));
	if (!plausible && chance(30))
		io->opcode = (unsigned char)rnd64();
	io->flags = plausible || chance(80) ? 0 : (unsigned char)rnd64();
	io->nblocks = chance(80) ? rnd(64) : (unsigned short)rnd64();
	io->slba = chance(80) ? rnd64() % (nsze ? nsze : 1) :
		   (chance(50) ? nsze - 1 : rnd64());
	if (!plausible) {
		io->control = chance(80) ? 0 : (unsigned short)rnd64();
		io->dsmgmt = chance(80) ? 0 : (unsigned int)rnd64();
		io->reftag = (unsigned int)rnd64();
		io->apptag = (unsigned short)rnd64();
		io->appmask = (unsigned short)rnd64();
		if (chance(20))
			io->metadata = rnd_ptr(rnd_data_kind(), 512);
	}
	len = (io->nblocks + 1ULL) * lbasz;
	io->addr = rnd_ptr(kind, len);
	/* no buffer: the controller would write to address 0 */
	if (!io->addr && len > PAGE)
		io->nblocks = (unsigned short)(PAGE / lbasz - 1);
	return kind;
}

/* ---- recording, results ------------------------------------------------ */

static struct call_rec *cur;

static struct call_rec *begin_call(int node, int kind, unsigned int cmd)
{
	cur = &sh->last[sh->last_n++ % LAST_CALLS];
	memset(cur, 0, sizeof(*cur));
	cur->iter = sh->calls;
	cur->node = node;
	cur->kind = kind;
	cur->cmd = cmd;
	return cur;
}

static void check_kmsg(void);

static void start_call(void)
{
	STORE(sh->started_ms, now_ms());
	STORE(sh->busy, 1);
}

static void end_call(long ret)
{
	STORE(sh->busy, 0);
	STORE(sh->calls, sh->calls + 1);
	if (ret < 0) {
		long e = -ret;

		sh->hist[e < NR_ERRNO ? e : 0]++;
	} else if (ret == 0) {
		sh->ok++;
	} else {
		sh->positive++;
	}
	check_kmsg();
}

static void anomaly(const char *fmt, ...)
{
	va_list ap;
	int i = sh->anomalies++;

	if (i >= 4)
		return;
	sh->anomaly_call[i] = *cur;
	va_start(ap, fmt);
	vsnprintf(sh->anomaly[i], sizeof(sh->anomaly[i]), fmt, ap);
	va_end(ap);
}

static const char *const fatal_pat[] = {
	"BUG:", "WARNING:", "Oops", "Objects remaining", "general protection",
	"Call Trace", "list_add corruption", "list_del corruption",
	"hung_task", "blocked for more than", "soft lockup", "hard LOCKUP",
	"Kernel panic", "UBSAN:", "detected stall", "KFENCE",
	"completion for unknown command id",
};

static void check_kmsg(void)
{
	char buf[2048];
	ssize_t n;
	unsigned int i, j;

	if (kmsg_fd < 0)
		return;
	while ((n = read(kmsg_fd, buf, sizeof(buf) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			return;
		}
		buf[n] = 0;
		sh->log_lines++;
		for (i = 0; i < ARRAY_SIZE(fatal_pat); i++) {
			char *msg;

			if (!strstr(buf, fatal_pat[i]) || sh->fatal)
				continue;
			msg = strchr(buf, ';');
			sh->fatal = 1;
			snprintf(sh->fatal_line, sizeof(sh->fatal_line), "%s",
				 msg ? msg + 1 : buf);
			for (j = 0; j < LAST_CALLS; j++)
				sh->fatal_calls[j] =
					sh->last[(sh->last_n + j) % LAST_CALLS];
		}
	}
}

static void open_kmsg(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* ---- ioctls ------------------------------------------------------------ */

static const unsigned int known_ioctls[] = {
	NVME_IOCTL_ID, NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_SUBMIT_IO,
	NVME_IOCTL_IO_CMD, NVME_IOCTL_RESET, NVME_IOCTL_SUBSYS_RESET,
	NVME_IOCTL_RESCAN, NVME_IOCTL_ADMIN64_CMD, NVME_IOCTL_IO64_CMD,
	NVME_IOCTL_IO64_CMD_VEC,
};

static bool is_known(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_ioctls); i++)
		if (known_ioctls[i] == cmd)
			return true;
	return false;
}

static unsigned int rnd_ioctl_number(void)
{
	static const unsigned int nrs[] = {
		0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x50, 0x80, 0x81, 0x82, 0x83, 0x00, 0xff,
	};
	static const unsigned int sizes[] = { 0, 1, 4, 44, 48, 64, 72, 80,
					      88, 0x3fff };
	unsigned int cmd, type;

	do {
		if (chance(50)) {
			cmd = _IOC(rnd(4), 'N', chance(70) ? pick(nrs, ARRAY_SIZE(nrs)) : rnd(256),
				   chance(80) ? pick(sizes, ARRAY_SIZE(sizes)) : rnd(0x4000));
		} else {
			cmd = (unsigned int)rnd64();
		}
		type = _IOC_TYPE(cmd);
	} while (is_known(cmd) || type == 0x12 || type == 'X' ||
		 type == 'f' || type == 0x94 || type == 'T' ||
		 (type == 0 && _IOC_NR(cmd) < 0x20));
	return cmd;
}

static int resets_left, rescans_left;

static bool reset_like(unsigned int cmd)
{
	return _IOC_TYPE(cmd) == 'N' &&
	       (_IOC_NR(cmd) == 0x44 || _IOC_NR(cmd) == 0x45);
}

/* the route the driver would take for this number (by nr, to be safe) */
static int ioctl_route(unsigned int cmd)
{
	if (_IOC_TYPE(cmd) != 'N')
		return R_NONE;
	switch (_IOC_NR(cmd)) {
	case 0x41: case 0x47: case 0x82: case 0x83:
		return R_ADMIN;
	case 0x43: case 0x48: case 0x49: case 0x80: case 0x81:
		return R_IO;
	case 0x42:
		return R_SUBMIT;
	}
	return R_NONE;
}

static void describe_cmd(struct call_rec *r, const void *p, size_t len)
{
	memcpy(r->bytes, p, len < sizeof(r->bytes) ? len : sizeof(r->bytes));
}

static void fuzz_ioctl(int fd, int node)
{
	struct nvme_passthru_cmd64 c;
	struct nvme_user_io io;
	unsigned int cmd;
	int route, arg_kind, data_kind = P_NULL, i;
	bool plausible = chance(50), vec;
	unsigned long long arg;
	size_t size;
	void *src;
	long ret;

	if (chance(80)) {
		cmd = pick(known_ioctls, ARRAY_SIZE(known_ioctls));
		/* the admin commands are the ones with the most to say */
		if (node == N_CTRL && chance(30))
			cmd = chance(50) ? NVME_IOCTL_ADMIN_CMD :
			      NVME_IOCTL_ADMIN64_CMD;
	} else {
		cmd = rnd_ioctl_number();
	}
	if (reset_like(cmd) && resets_left <= 0)
		cmd = NVME_IOCTL_ID;
	if (_IOC_TYPE(cmd) == 'N' && _IOC_NR(cmd) == 0x46 && rescans_left <= 0)
		cmd = NVME_IOCTL_ID;
	route = ioctl_route(cmd);
	vec = _IOC_TYPE(cmd) == 'N' && (_IOC_NR(cmd) == 0x49 ||
					_IOC_NR(cmd) == 0x81 ||
					_IOC_NR(cmd) == 0x83);

	begin_call(node, 0, cmd);
	if (route == R_SUBMIT) {
		data_kind = gen_user_io(&io, plausible);
		src = &io;
		size = sizeof(io);
	} else if (route != R_NONE) {
		data_kind = gen_passthru(&c, route, vec, plausible);
		src = &c;
		size = _IOC_NR(cmd) == 0x41 || _IOC_NR(cmd) == 0x43 ?
		       sizeof(struct nvme_passthru_cmd) : sizeof(c);
	} else {
		for (i = 0; i < 128; i += 8)
			*(unsigned long long *)(ioarg + 1024 + i) = rnd64();
		src = ioarg + 1024;
		size = 128;
	}
	describe_cmd(cur, src, size);
	cur->data_kind = data_kind;

	/* where the argument lives */
	arg_kind = plausible ? 0 : (int)rnd(10);
	switch (arg_kind) {
	case 1:
		arg = 0;
		break;
	case 2:
		arg = kernel_addr();
		break;
	case 3:
		arg = rnd_ptr(P_UNMAPPED, size);
		break;
	case 4:
		/* straddles into an inaccessible page */
		memcpy(straddle + PAGE - size / 2, src, size / 2);
		arg = (unsigned long long)(uintptr_t)(straddle + PAGE - size / 2);
		break;
	case 5:
		/* read-only: the command runs, the result cannot be written */
		mprotect(ro_area, PAGE, PROT_READ | PROT_WRITE);
		memcpy(ro_area + PAGE - size, src, size);
		mprotect(ro_area, PAGE, PROT_READ);
		arg = (unsigned long long)(uintptr_t)(ro_area + PAGE - size);
		break;
	case 6:
		/* misaligned */
		arg = (unsigned long long)(uintptr_t)(ioarg + 1 + rnd(7));
		memcpy((void *)(uintptr_t)arg, src, size);
		break;
	case 7:
		arg = rnd64();
		break;
	default:
		arg_kind = 0;
		memcpy(ioarg, src, size);
		arg = (unsigned long long)(uintptr_t)ioarg;
		break;
	}
	cur->arg_kind = arg_kind;

	if (reset_like(cmd))
		resets_left--;
	if (_IOC_TYPE(cmd) == 'N' && _IOC_NR(cmd) == 0x46)
		rescans_left--;
	if (route == R_ADMIN || route == R_IO || route == R_SUBMIT)
		sh->real_io++;
	start_call();
	ret = ioctl(fd, cmd, (unsigned long)arg);
	if (ret < 0)
		ret = -errno;
	end_call(ret);
	if (ret > 0 && route != R_NONE && cmd != NVME_IOCTL_ID)
		sh->status_hist[ret & (HIST_STATUS - 1)]++;

	/* what must have failed */
	if (ret >= 0 && route != R_NONE && arg_kind >= 1 && arg_kind <= 4)
		anomaly("%s: ioctl %#x with a %s argument returned %ld",
			node_names[node], cmd,
			arg_kind == 1 ? "NULL" : arg_kind == 2 ? "kernel" :
			arg_kind == 3 ? "unmapped" : "straddling", ret);
	if (ret == 0 && route == R_NONE && !is_known(cmd) &&
	    _IOC_TYPE(cmd) == 'N')
		anomaly("%s: unknown ioctl %#x returned 0", node_names[node],
			cmd);
	if (ret >= 0 && (route == R_ADMIN || route == R_IO) && !vec &&
	    (arg_kind == 0 || arg_kind >= 5) && arg_kind != 7 &&
	    c.addr && c.data_len && data_kind == P_KERNEL)
		anomaly("%s: ioctl %#x opcode %#x with a kernel data pointer returned %ld",
			node_names[node], cmd, c.opcode, ret);
	if (cmd == NVME_IOCTL_ID && node != N_CTRL && ret != (long)nsid &&
	    ret != -EWOULDBLOCK && ret != -ENODEV)
		anomaly("%s: NVME_IOCTL_ID returned %ld, nsid is %u",
			node_names[node], ret, nsid);
}

/* ---- io_uring ---------------------------------------------------------- */

struct ring {
	int fd;
	unsigned int flags;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	unsigned char *sqes, *cqes;
	size_t sqe_size, cqe_size;
	void *sq_ptr, *cq_ptr;
	size_t sq_len, cq_len, sqes_len;
	unsigned int entries;
};

static int ring_init(struct ring *r, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	memset(r, 0, sizeof(*r));
	p.flags = flags;
	r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -errno;
	r->flags = flags;
	r->entries = p.sq_entries;
	r->sqe_size = flags & IORING_SETUP_SQE128 ? 128 : 64;
	r->cqe_size = flags & IORING_SETUP_CQE32 ? 32 : 16;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	r->cq_len = p.cq_off.cqes + p.cq_entries * r->cqe_size;
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_len > r->sq_len)
			r->sq_len = r->cq_len;
		r->cq_len = r->sq_len;
	}
	r->sq_ptr = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (r->sq_ptr == MAP_FAILED)
		goto fail;
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		r->cq_ptr = r->sq_ptr;
	} else {
		r->cq_ptr = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, r->fd,
				 IORING_OFF_CQ_RING);
		if (r->cq_ptr == MAP_FAILED)
			goto fail;
	}
	r->sqes_len = p.sq_entries * r->sqe_size;
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		goto fail;
	r->sq_head = (unsigned int *)((char *)r->sq_ptr + p.sq_off.head);
	r->sq_tail = (unsigned int *)((char *)r->sq_ptr + p.sq_off.tail);
	r->sq_mask = (unsigned int *)((char *)r->sq_ptr + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)((char *)r->sq_ptr + p.sq_off.array);
	r->cq_head = (unsigned int *)((char *)r->cq_ptr + p.cq_off.head);
	r->cq_tail = (unsigned int *)((char *)r->cq_ptr + p.cq_off.tail);
	r->cq_mask = (unsigned int *)((char *)r->cq_ptr + p.cq_off.ring_mask);
	r->cqes = (unsigned char *)r->cq_ptr + p.cq_off.cqes;
	return 0;
fail:
	close(r->fd);
	r->fd = -1;
	return -ENOMEM;
}

static void ring_exit(struct ring *r)
{
	if (r->fd < 0)
		return;
	munmap(r->sqes, r->sqes_len);
	if (r->cq_ptr != r->sq_ptr)
		munmap(r->cq_ptr, r->cq_len);
	munmap(r->sq_ptr, r->sq_len);
	close(r->fd);
	r->fd = -1;
}

static sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	STORE(alarmed, 1);
}

static const unsigned int uring_ops[] = {
	NVME_URING_CMD_IO, NVME_URING_CMD_IO_VEC, NVME_URING_CMD_ADMIN,
	NVME_URING_CMD_ADMIN_VEC,
};

#define URING_BATCH 8

static unsigned char fixed_buf_ok;

/* one batch of URING_CMDs on ring r to fd; returns false on a hang */
static bool fuzz_uring_batch(struct ring *r, int fd, int node)
{
	struct call_rec *recs[URING_BATCH];
	unsigned int n = 1 + rnd(URING_BATCH), i, tail, idx;
	int got = 0;
	struct nvme_passthru_cmd64 c;
	struct itimerval it = { { 0, 0 }, { call_timeout, 0 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	int submitted, ret;

	if (n > r->entries)
		n = r->entries;
	tail = *r->sq_tail;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe;
		unsigned int op;
		int route, dk;
		bool vec, plausible = chance(40);

		idx = (tail + i) & *r->sq_mask;
		sqe = (struct io_uring_sqe *)(r->sqes + idx * r->sqe_size);
		memset(sqe, 0, r->sqe_size);
		if (chance(85))
			op = pick(uring_ops, ARRAY_SIZE(uring_ops));
		else
			op = rnd_ioctl_number();
		if (node == N_CTRL && chance(50))
			op = chance(70) ? NVME_URING_CMD_ADMIN :
			     NVME_URING_CMD_ADMIN_VEC;
		if (reset_like(op) || (_IOC_TYPE(op) == 'N' &&
				       _IOC_NR(op) == 0x46))
			op = NVME_URING_CMD_IO;
		route = ioctl_route(op);
		if (route == R_SUBMIT || route == R_NONE)
			route = R_IO;
		vec = _IOC_NR(op) == 0x81 || _IOC_NR(op) == 0x83 ||
		      _IOC_NR(op) == 0x49;
		dk = gen_passthru(&c, route, vec, plausible);
		sqe->opcode = IORING_OP_URING_CMD;
		if (chance(3))
			sqe->opcode = (unsigned char)rnd(64);
		sqe->fd = fd;
		sqe->cmd_op = op;
		sqe->user_data = i;
		if (chance(10))
			sqe->flags = IOSQE_ASYNC;
		if (chance(15) && fixed_buf_ok && !vec) {
			/* a registered buffer: addr must lie inside it */
			sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
			sqe->buf_index = chance(80) ? 0 : (unsigned short)rnd64();
			if (c.addr && c.data_len && dev_len(&c, route) &&
			    c.data_len != dev_len(&c, route))
				c.data_len = (unsigned int)dev_len(&c, route);
		} else if (chance(3)) {
			sqe->uring_cmd_flags = (unsigned int)rnd64();
			sqe->buf_index = (unsigned short)rnd64();
		}
		if (chance(3))
			sqe->off = rnd64() << 32 | op;
		if (r->sqe_size == 128)
			memcpy(sqe->cmd, &c, sizeof(struct nvme_uring_cmd));
		else
			memcpy(sqe->cmd, &c, 16);
		r->sq_array[idx] = idx;
		recs[i] = begin_call(node, 1, op);
		describe_cmd(recs[i], &c, sizeof(c));
		recs[i]->data_kind = dk;
		recs[i]->ring_flags = r->flags;
		sh->real_io++;
	}
	__atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);

	STORE(alarmed, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	start_call();
	submitted = (int)syscall(__NR_io_uring_enter, r->fd, n, 0, 0, NULL, 0);
	if (submitted < 0) {
		ret = -errno;
		/* nothing consumed: take the SQEs back */
		*r->sq_tail = tail;
		end_call(ret);
		setitimer(ITIMER_REAL, &off, NULL);
		return true;
	}
	while (got < submitted) {
		unsigned int head = *r->cq_head;

		while (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) &&
		       got < submitted) {
			struct io_uring_cqe *cqe = (struct io_uring_cqe *)
				(r->cqes + (head & *r->cq_mask) * r->cqe_size);
			int res = cqe->res;

			if (res > 0)
				sh->status_hist[res & (HIST_STATUS - 1)]++;
			end_call(res);
			if (got + 1 < submitted)
				start_call();
			head++;
			got++;
		}
		__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
		if (got >= submitted)
			break;
		ret = (int)syscall(__NR_io_uring_enter, r->fd, 0,
				   submitted - got, IORING_ENTER_GETEVENTS,
				   NULL, 0);
		if (ret < 0 && errno == EINTR && LOAD(alarmed)) {
			setitimer(ITIMER_REAL, &off, NULL);
			anomaly("%s: io_uring: %d of %d completions missing after %u s",
				node_names[node], submitted - got, submitted,
				call_timeout);
			return false;
		}
	}
	setitimer(ITIMER_REAL, &off, NULL);
	/* SQEs the kernel did not consume stay queued: drop them */
	if ((unsigned int)submitted < n)
		*r->sq_tail = tail + submitted;
	return true;
}

/* ---- phases ------------------------------------------------------------ */

struct phase {
	const char *name;
	unsigned int iter_share;	/* per mille */
	unsigned int time_share;
};

enum { PH_CTRL, PH_NS, PH_NG, PH_URING, PH_SYSFS, PH_RESET, PH_MAX };
static const struct phase phases[PH_MAX] = {
	{ "ctrl-ioctl", 240, 200 },
	{ "ns-ioctl", 200, 170 },
	{ "ng-ioctl", 200, 170 },
	{ "io_uring", 240, 230 },
	{ "sysfs", 20, 60 },
	{ "under-reset", 100, 170 },
};

static unsigned long phase_iters;
static int cur_phase;
static long long phase_deadline;

static int open_node(int node)
{
	int fd, tries = 300;

	do {
		fd = open(dev_path[node], O_RDWR);
		if (fd >= 0 || (errno != EWOULDBLOCK && errno != ENODEV &&
				errno != ENXIO && errno != ENOENT))
			return fd;
		usleep(100000);
	} while (--tries);
	return fd;
}

static bool phase_done(void)
{
	if (LOAD(sh->stop) || now_ms() >= phase_deadline)
		return true;
	/* under reset: until the resets are done too */
	if (cur_phase == PH_RESET && LOAD(sh->resets_ok) < max_resets)
		return false;
	return LOAD(sh->calls) >= phase_iters;
}

static void run_ioctls(int node)
{
	int fd = open_node(node);

	if (fd < 0) {
		anomaly("open %s: %s", dev_path[node], strerror(errno));
		return;
	}
	while (!phase_done())
		fuzz_ioctl(fd, node);
	close(fd);
}

static void run_uring(bool mixed)
{
	static const unsigned int ring_flags[] = {
		IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
		IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
		IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
		IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_IOPOLL,
		IORING_SETUP_SQE128, IORING_SETUP_CQE32, 0,
	};
	struct sigaction sa;
	int fds[N_MAX], node, i, ret;
	struct ring r;
	struct iovec reg;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	for (node = 0; node < N_MAX; node++)
		fds[node] = open_node(node);
	while (!phase_done()) {
		unsigned int flags = pick(ring_flags, ARRAY_SIZE(ring_flags));

		ret = ring_init(&r, 8 << rnd(3), flags);
		if (ret) {
			anomaly("io_uring_setup(%#x): %s", flags, strerror(-ret));
			break;
		}
		reg.iov_base = arena;
		reg.iov_len = 256 << 10;
		fixed_buf_ok = !syscall(__NR_io_uring_register, r.fd,
					IORING_REGISTER_BUFFERS, &reg, 1);
		for (i = 0; i < 40 && !phase_done(); i++) {
			node = (int)rnd(N_MAX);
			if (fds[node] < 0)
				continue;
			if (mixed && chance(50)) {
				fuzz_ioctl(fds[node], node);
				continue;
			}
			if (!fuzz_uring_batch(&r, fds[node], node)) {
				STORE(sh->stop, 1);
				break;
			}
		}
		ring_exit(&r);
	}
	for (node = 0; node < N_MAX; node++)
		if (fds[node] >= 0)
			close(fds[node]);
}

/* sysfs: attribute writes; returns through the histogram like a call */
static long sysfs_write(const char *path, const void *buf, size_t len)
{
	long ret;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

#define MAX_ATTRS 128
static char attrs[MAX_ATTRS][400];
static int nattrs;

static void collect_attrs(const char *dir)
{
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && nattrs < MAX_ATTRS) {
		char p[400];

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "uevent") ||
		    !strcmp(e->d_name, "delete_controller") ||
		    !strcmp(e->d_name, "remove"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) || !S_ISREG(st.st_mode))
			continue;
		snprintf(attrs[nattrs++], sizeof(attrs[0]), "%s", p);
	}
	closedir(d);
}

static void run_sysfs(void)
{
	static const char *const junk[] = {
		"", "0", "1", "1\n", "0\n", "-1", "2", "on", "off", "yes",
		"no", "numa", "round-robin", "queue-depth", "numa\n",
		"999999999999999999999", "0x1", " 1", "1 ", "\n", "\xff\xfe",
		"round-robin\nnuma", "y", "n", "true",
	};
	char big[8192], path[400], saved_pel[32] = "", saved_ns_pel[32] = "";
	char saved_pol[32] = "", saved_ato[32] = "", saved_ito[32] = "";
	unsigned int i;
	long ret;

	snprintf(path, sizeof(path), "%s/passthru_err_log_enabled", ctrl_sys);
	read_str(path, saved_pel, sizeof(saved_pel));
	snprintf(path, sizeof(path), "%s/passthru_err_log_enabled", ns_sys);
	read_str(path, saved_ns_pel, sizeof(saved_ns_pel));
	snprintf(path, sizeof(path), "%s/iopolicy", subsys_sys);
	read_str(path, saved_pol, sizeof(saved_pol));
	/* 7.2: the controller's timeouts, in ms */
	snprintf(path, sizeof(path), "%s/admin_timeout", ctrl_sys);
	read_str(path, saved_ato, sizeof(saved_ato));
	snprintf(path, sizeof(path), "%s/io_timeout", ctrl_sys);
	read_str(path, saved_ito, sizeof(saved_ito));

	nattrs = 0;
	collect_attrs(ctrl_sys);
	collect_attrs(subsys_sys);
	collect_attrs(ns_sys);
	while (!phase_done() && nattrs) {
		const char *a = attrs[rnd(nattrs)];
		const char *base = strrchr(a, '/') + 1;
		size_t len;
		const char *buf;

		if (!strcmp(base, "reset_controller")) {
			if (resets_left <= 0)
				continue;
			resets_left--;
		}
		if (!strcmp(base, "rescan_controller")) {
			if (rescans_left <= 0)
				continue;
			rescans_left--;
		}
		if (chance(10)) {
			for (i = 0; i < sizeof(big); i++)
				big[i] = (char)rnd(256);
			buf = big;
			len = chance(50) ? sizeof(big) : 1 + rnd(sizeof(big));
		} else if (chance(10)) {
			buf = NULL;
			len = 16;
		} else {
			buf = junk[rnd(ARRAY_SIZE(junk))];
			len = strlen(buf);
		}
		begin_call(N_CTRL, 2, 0);
		snprintf(cur->text, sizeof(cur->text), "%s <- %zu bytes", a,
			 len);
		start_call();
		ret = sysfs_write(a, buf, len);
		end_call(ret);
		/* logging every refused passthrough would flood the log */
		if (strstr(base, "passthru_err_log_enabled")) {
			begin_call(N_CTRL, 2, 0);
			start_call();
			end_call(sysfs_write(a, "0", 1));
		}
		/* a timeout of 1 ms would only make every command time out */
		if (!strcmp(base, "admin_timeout") && saved_ato[0])
			sysfs_write(a, saved_ato, strlen(saved_ato));
		if (!strcmp(base, "io_timeout") && saved_ito[0])
			sysfs_write(a, saved_ito, strlen(saved_ito));
	}
	snprintf(path, sizeof(path), "%s/passthru_err_log_enabled", ctrl_sys);
	if (saved_pel[0])
		sysfs_write(path, saved_pel, strlen(saved_pel));
	snprintf(path, sizeof(path), "%s/passthru_err_log_enabled", ns_sys);
	if (saved_ns_pel[0])
		sysfs_write(path, saved_ns_pel, strlen(saved_ns_pel));
	snprintf(path, sizeof(path), "%s/iopolicy", subsys_sys);
	if (saved_pol[0])
		sysfs_write(path, saved_pol, strlen(saved_pol));
}

/* the resetter: echo 1 > reset_controller in a loop */
static void resetter(void)
{
	char path[400];
	unsigned int n = 0;
	long ret;

	snprintf(path, sizeof(path), "%s/reset_controller", ctrl_sys);
	while (!LOAD(sh->stop) && n < max_resets * 3) {
		STORE(sh->reset_started_ms, now_ms());
		STORE(sh->reset_busy, 1);
		ret = sysfs_write(path, "1", 1);
		STORE(sh->reset_busy, 0);
		if (ret == 1)
			STORE(sh->resets_ok, sh->resets_ok + 1);
		else
			STORE(sh->resets_err, sh->resets_err + 1);
		n++;
		usleep(200000 + rnd(800000));
	}
	_exit(0);
}

static void phase_child(int ph)
{
	pid_t rp = 0;

	rng = seed ^ (0x100000001b3ULL * (ph + 1));
	cur_phase = ph;
	setup_memory();
	resets_left = (int)max_resets;
	rescans_left = (int)max_rescans;
	open_kmsg();
	switch (ph) {
	case PH_CTRL:
		run_ioctls(N_CTRL);
		break;
	case PH_NS:
		run_ioctls(N_NS);
		break;
	case PH_NG:
		run_ioctls(N_NG);
		break;
	case PH_URING:
		run_uring(false);
		break;
	case PH_SYSFS:
		resets_left = 3;
		run_sysfs();
		break;
	case PH_RESET:
		resets_left = 0;
		rp = fork();
		if (rp == 0) {
			rng ^= 0xabcdef;
			resetter();
		}
		run_uring(true);
		STORE(sh->stop, 1);
		if (rp > 0)
			waitpid(rp, NULL, 0);
		break;
	}
	/* messages that come late (work items) still count for this phase */
	usleep(300000);
	check_kmsg();
	_exit(0);
}

/* ---- reporting --------------------------------------------------------- */

static void print_rec(const char *what, const struct call_rec *r)
{
	const struct nvme_passthru_cmd64 *c = (const void *)r->bytes;
	static const char *const kinds[] = { "ioctl", "io_uring", "sysfs" };

	if (r->kind == 2) {
		printf("#   %s call %lu: sysfs %s\n", what, r->iter, r->text);
		return;
	}
	printf("#   %s call %lu: %s %s %#x arg=%d data=%s%s\n", what, r->iter,
	       node_names[r->node], kinds[r->kind], r->cmd, r->arg_kind,
	       r->data_kind < P_MAX ? ptr_names[r->data_kind] : "?",
	       r->kind == 1 ? (r->ring_flags & IORING_SETUP_SQE128 ?
			       " ring=SQE128" : " ring=SQE64") : "");
	printf("#     opcode=%#x flags=%#x nsid=%#x cdw2=%#x cdw3=%#x",
	       c->opcode, c->flags, c->nsid, c->cdw2, c->cdw3);
	printf(" meta=%#llx addr=%#llx mlen=%u dlen=%u\n",
	       (unsigned long long)c->metadata, (unsigned long long)c->addr,
	       c->metadata_len, c->data_len);
	printf("#     cdw10=%#x cdw11=%#x cdw12=%#x cdw13=%#x cdw14=%#x cdw15=%#x timeout_ms=%u\n",
	       c->cdw10, c->cdw11, c->cdw12, c->cdw13, c->cdw14, c->cdw15,
	       c->timeout_ms);
}

static void print_hist(void)
{
	char line[1024];
	int len, i, shown, best, j;
	unsigned long used[NR_ERRNO] = { 0 };

	len = snprintf(line, sizeof(line), "#   results: ok %lu, positive %lu",
		       sh->ok, sh->positive);
	for (shown = 0; shown < 12; shown++) {
		best = -1;
		for (i = 0; i < NR_ERRNO; i++)
			if (sh->hist[i] && !used[i] &&
			    (best < 0 || sh->hist[i] > sh->hist[best]))
				best = i;
		if (best < 0)
			break;
		used[best] = 1;
		len += snprintf(line + len, sizeof(line) - len, ", %s %lu",
				best ? strerrorname_np(best) : "other",
				sh->hist[best]);
	}
	printf("%s\n", line);
	len = snprintf(line, sizeof(line), "#   NVMe status (SCT/SC):");
	for (shown = 0; shown < 8; shown++) {
		best = -1;
		for (j = 1; j < HIST_STATUS; j++)
			if (sh->status_hist[j] &&
			    (best < 0 || sh->status_hist[j] > sh->status_hist[best]))
				best = j;
		if (best < 0)
			break;
		len += snprintf(line + len, sizeof(line) - len, " %#x:%lu",
				best, sh->status_hist[best]);
		sh->status_hist[best] = 0;
	}
	if (shown)
		printf("%s\n", line);
}

static int tap_n, tap_failed;

static void dump_stack_of(pid_t pid)
{
	char path[64], buf[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		printf("#   kernel stack of %d:\n", pid);
		for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
			printf("#     %s\n", l);
	}
}

/* returns false when the controller is hung and going on is pointless */
static bool run_phase(int ph, unsigned long iters, unsigned int secs)
{
	long long start = now_ms(), t;
	bool hang = false, failed;
	int status = 0, i;
	pid_t pid;

	memset(sh, 0, sizeof(*sh));
	phase_iters = iters;
	phase_deadline = start + secs * 1000LL;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		phase_child(ph);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		t = now_ms();
		if ((LOAD(sh->busy) &&
		     t - LOAD(sh->started_ms) > call_timeout * 1000LL) ||
		    (LOAD(sh->reset_busy) &&
		     t - LOAD(sh->reset_started_ms) > call_timeout * 1000LL) ||
		    t - start > (secs + 2LL * call_timeout) * 1000) {
			hang = true;
			break;
		}
		usleep(50000);
	}
	t = now_ms();
	failed = hang || sh->fatal || sh->anomalies ||
		 !WIFEXITED(status) || WEXITSTATUS(status);
	printf("# %s: seed %#llx: %lu calls in %.1f s (%.0f/s)",
	       phases[ph].name, seed, sh->calls, (t - start) / 1000.0,
	       sh->calls * 1000.0 / (t - start + 1));
	printf(", %lu with commands; %lu kernel log lines\n", sh->real_io,
	       sh->log_lines);
	print_hist();
	if (ph == PH_RESET)
		printf("#   resets through sysfs: %lu done, %lu refused\n",
		       sh->resets_ok, sh->resets_err);
	if (hang) {
		printf("#   HANG: a call did not return within %u s",
		       call_timeout);
		printf(" (FUZZ_SEED=%#llx FUZZ_PHASES=%s)\n", seed,
		       phases[ph].name);
		if (sh->busy)
			print_rec("in flight", &sh->last[(sh->last_n - 1) % LAST_CALLS]);
		if (sh->reset_busy)
			printf("#   in flight: the resetter's write to reset_controller\n");
		dump_stack_of(pid);
		sysfs_write("/proc/sysrq-trigger", "w", 1);
		kill(pid, SIGKILL);
		for (i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) != pid; i++)
			usleep(100000);
	}
	if (sh->fatal) {
		printf("#   kernel log: %s\n", sh->fatal_line);
		printf("#   calls up to that line (FUZZ_SEED=%#llx FUZZ_PHASES=%s):\n",
		       seed, phases[ph].name);
		for (i = 0; i < LAST_CALLS; i++)
			if (sh->fatal_calls[i].kind || sh->fatal_calls[i].cmd)
				print_rec("recent", &sh->fatal_calls[i]);
	}
	for (i = 0; i < sh->anomalies && i < 4; i++) {
		printf("#   unexpected: %s (FUZZ_SEED=%#llx FUZZ_PHASES=%s)\n",
		       sh->anomaly[i], seed, phases[ph].name);
		print_rec("that", &sh->anomaly_call[i]);
	}
	if (WIFSIGNALED(status) && !hang)
		printf("#   the fuzzing process died of signal %d\n",
		       WTERMSIG(status));
	tap_failed += failed;
	printf("%s %d %s\n", failed ? "not ok" : "ok", ++tap_n,
	       phases[ph].name);
	fflush(stdout);
	return !hang;
}

/* ---- discovery and the checks after ------------------------------------ */

static bool find_devices(void)
{
	struct dirent *e;
	char p[400], buf[64];
	int a, b;
	DIR *d;

	d = opendir("/sys/class/nvme");
	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "nvme%d", &a) == 1 &&
		    sscanf(e->d_name, "nvme%dn%d", &a, &b) != 2 &&
		    (!ctrl_name[0] || strcmp(e->d_name, ctrl_name) < 0))
			snprintf(ctrl_name, sizeof(ctrl_name), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	d = opendir("/sys/block");
	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "nvme%dn%d", &a, &b) == 2 &&
		    !strchr(e->d_name, 'c') &&
		    (!ns_name[0] || strcmp(e->d_name, ns_name) < 0))
			snprintf(ns_name, sizeof(ns_name), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (!ctrl_name[0] || !ns_name[0])
		return false;
	snprintf(ctrl_sys, sizeof(ctrl_sys), "/sys/class/nvme/%s", ctrl_name);
	snprintf(ns_sys, sizeof(ns_sys), "/sys/block/%s", ns_name);
	snprintf(dev_path[N_CTRL], 64, "/dev/%s", ctrl_name);
	snprintf(dev_path[N_NS], 64, "/dev/%s", ns_name);
	snprintf(dev_path[N_NG], 64, "/dev/ng%s", ns_name + 4);
	snprintf(p, sizeof(p), "%s/nsid", ns_sys);
	if (!read_str(p, buf, sizeof(buf)))
		nsid = (unsigned int)strtoul(buf, NULL, 0);
	snprintf(p, sizeof(p), "%s/queue/logical_block_size", ns_sys);
	if (!read_str(p, buf, sizeof(buf)))
		lbasz = (unsigned int)strtoul(buf, NULL, 0);
	snprintf(p, sizeof(p), "%s/size", ns_sys);
	if (!read_str(p, buf, sizeof(buf)) && lbasz)
		nsze = strtoull(buf, NULL, 0) * 512 / lbasz;
	d = opendir("/sys/class/nvme-subsystem");
	while (d && (e = readdir(d))) {
		struct stat st;

		snprintf(p, sizeof(p), "/sys/class/nvme-subsystem/%s/%s",
			 e->d_name, ctrl_name);
		if (e->d_name[0] != '.' && !stat(p, &st))
			snprintf(subsys_sys, sizeof(subsys_sys),
				 "/sys/class/nvme-subsystem/%s", e->d_name);
	}
	if (d)
		closedir(d);
	return nsid && lbasz;
}

static bool wait_live(int secs, char *state, size_t len)
{
	char p[400];
	long long end = now_ms() + secs * 1000LL;

	snprintf(p, sizeof(p), "%s/state", ctrl_sys);
	do {
		if (!read_str(p, state, len) && !strcmp(state, "live"))
			return true;
		usleep(100000);
	} while (now_ms() < end);
	return false;
}

static void check_live(void)
{
	char state[64] = "?";
	bool ok = wait_live(30, state, sizeof(state));

	if (!ok)
		printf("# %s/state is '%s' 30 s after the fuzzing\n", ctrl_sys,
		       state);
	tap_failed += !ok;
	printf("%s %d controller live after fuzzing\n", ok ? "ok" : "not ok",
	       ++tap_n);
}

static void check_data(void)
{
	const size_t len = 64 * 4096;
	unsigned char *w, *r;
	bool stores = !strcmp(topo, "file"), ok = true;
	off_t off = 1 << 20;
	size_t i;
	int fd = -1, tries;

	w = map_or_die(len, PROT_READ | PROT_WRITE);
	r = map_or_die(len, PROT_READ | PROT_WRITE);
	for (i = 0; i < len; i++)
		w[i] = (unsigned char)(i * 7 + seed);
	/* the namespace may be being scanned again after the resets */
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		fd = open(dev_path[N_NS], O_RDWR | O_DIRECT);
		if (fd < 0)
			usleep(100000);
	}
	if (fd < 0) {
		printf("# open %s: %s\n", dev_path[N_NS], strerror(errno));
		ok = false;
	} else if (pwrite(fd, w, len, off) != (ssize_t)len) {
		printf("# write of %zu bytes at %lld: %s\n", len,
		       (long long)off, strerror(errno));
		ok = false;
	} else if (pread(fd, r, len, off) != (ssize_t)len) {
		printf("# read back: %s\n", strerror(errno));
		ok = false;
	} else if (stores && memcmp(w, r, len)) {
		printf("# data read back differs from what was written\n");
		ok = false;
	} else if (!stores) {
		for (i = 0; i < len; i++)
			if (r[i]) {
				printf("# a null-co namespace read non-zero data\n");
				ok = false;
				break;
			}
	}
	if (fd >= 0)
		close(fd);
	tap_failed += !ok;
	printf("%s %d %s after fuzzing (%s)\n", ok ? "ok" : "not ok", ++tap_n,
	       stores ? "write, read back, compare" : "write and read",
	       dev_path[N_NS]);
}

/*
 * nvme id-ctrl, given 30 s: a process stuck in the kernel cannot be
 * waited for, so it is left behind rather than hanging the test.
 */
static void check_id_ctrl(bool alive)
{
	char serial[64] = "", p[400], out[16384];
	long long end = now_ms() + 30000;
	bool ok = false, done = false;
	size_t got = 0;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	snprintf(p, sizeof(p), "%s/serial", ctrl_sys);
	read_str(p, serial, sizeof(serial));
	if (!alive) {
		tap_failed++;
		printf("not ok %d nvme id-ctrl after fuzzing # the controller hung\n",
		       ++tap_n);
		return;
	}
	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execlp("nvme", "nvme", "id-ctrl", dev_path[N_CTRL], NULL);
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while (now_ms() < end && !done) {
		n = read(pfd[0], out + got, sizeof(out) - 1 - got);
		if (n > 0)
			got += n;
		else if (n == 0 || got >= sizeof(out) - 1)
			done = true;
		else
			usleep(50000);
	}
	close(pfd[0]);
	out[got] = 0;
	if (done && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status) && serial[0]) {
		char *l = strstr(out, "\nsn ");

		ok = l && strstr(l, serial) && strchr(l + 1, '\n') &&
		     strstr(l, serial) < strchr(l + 1, '\n');
	}
	if (!ok)
		printf("# 'nvme id-ctrl %s' %s, or did not show serial '%s'\n",
		       dev_path[N_CTRL], done ? "failed" : "did not end in 30 s",
		       serial);
	tap_failed += !ok;
	printf("%s %d nvme id-ctrl after fuzzing\n", ok ? "ok" : "not ok",
	       ++tap_n);
}

static unsigned long long env_ull(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static bool phase_wanted(const char *list, const char *name)
{
	const char *p = list;
	size_t n = strlen(name);

	if (!list || !*list)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

int main(void)
{
	unsigned long long iters = env_ull("FUZZ_ITERS", 100000);
	unsigned long long secs = env_ull("FUZZ_SECONDS", 150);
	const char *wanted = getenv("FUZZ_PHASES");
	char printk_saved[64] = "";
	unsigned long total = 0;
	bool alive = true;
	int ph;
	struct timespec ts;
	struct utsname uts;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = env_ull("FUZZ_SEED", ((unsigned long long)ts.tv_sec << 20) ^
		       ts.tv_nsec ^ ((unsigned long long)getpid() << 40));
	call_timeout = (unsigned int)env_ull("FUZZ_CALL_TIMEOUT", 75);
	max_resets = (unsigned int)env_ull("FUZZ_RESETS", 8);
	max_rescans = (unsigned int)env_ull("FUZZ_RESCANS", 50);
	if (getenv("DRIVER"))
		driver = getenv("DRIVER");
	if (getenv("TOPO"))
		topo = getenv("TOPO");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The in-kernel driver of Debian's 6.1 (6.1.192) leaks the request
	 * when a passthrough command has a data buffer and metadata on a
	 * queue without integrity: nvme_map_user_request() returns -EINVAL
	 * before it frees it.  31 such admin commands use up the admin tags
	 * and every later admin command sleeps forever in blk_mq_get_tag().
	 * The reference run leaves metadata out, so it can test the rest.
	 */
	if (!strcmp(driver, "nvme") && !uname(&uts) &&
	    !strncmp(uts.release, "6.1.", 4))
		ref_meta_leak = true;

	printf("TAP version 13\n");
	printf("1..%d\n", PH_MAX + 3);
	printf("# seed %#llx (FUZZ_SEED), %llu calls (FUZZ_ITERS),", seed,
	       iters);
	printf(" %llu s (FUZZ_SECONDS), driver %s, topology %s\n", secs,
	       driver, topo);
	if (strcmp(topo, "file") && !getenv("FUZZ_ANY_TOPOLOGY")) {
		for (ph = 0; ph < PH_MAX + 3; ph++)
			printf("ok %d fuzz phase %d # SKIP %s\n", ph + 1, ph,
			       "runs on the file topology only (CI time; FUZZ_ANY_TOPOLOGY=1)");
		return 4;
	}
	if (!strcmp(driver, "nvme") && !getenv("FUZZ_REFERENCE")) {
		for (ph = 0; ph < PH_MAX + 3; ph++)
			printf("ok %d fuzz phase %d # SKIP %s\n", ph + 1, ph,
			       "the reference is fuzzed only with FUZZ_REFERENCE=1 (CI time)");
		return 4;
	}
	if (!find_devices()) {
		printf("not ok 1 find the controller and a namespace\n");
		return 1;
	}
	if (ref_meta_leak)
		printf("# %s: no metadata pointers (%s)\n", driver,
		       "6.1's nvme leaks a request on each: see fuzz.c");
	printf("# %s, %s (nsid %u, %u-byte blocks, %llu blocks), %s, subsystem %s\n",
	       dev_path[N_CTRL], dev_path[N_NS], nsid, lbasz, nsze,
	       dev_path[N_NG], subsys_sys[0] ? subsys_sys : "none");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* the kernel log stays complete, but the slow serial console only
	 * gets the worst of it while refused commands are being logged
	 */
	read_str("/proc/sys/kernel/printk", printk_saved, sizeof(printk_saved));
	sysfs_write("/proc/sys/kernel/printk", "3", 1);

	for (ph = 0; ph < PH_MAX; ph++) {
		if (!alive || !phase_wanted(wanted, phases[ph].name)) {
			printf("ok %d %s # SKIP %s\n", ++tap_n, phases[ph].name,
			       alive ? "not in FUZZ_PHASES" :
			       "the controller hung in an earlier phase");
			continue;
		}
		alive = run_phase(ph, iters * phases[ph].iter_share / 1000,
				  (unsigned int)(secs * phases[ph].time_share /
						 1000));
		total += sh->calls;
		if (ph == PH_RESET || ph == PH_SYSFS || ph == PH_CTRL) {
			char state[64];

			wait_live(30, state, sizeof(state));
		}
	}
	if (printk_saved[0]) {
		char *sp = strpbrk(printk_saved, " \t");

		if (sp)
			*sp = 0;
		sysfs_write("/proc/sys/kernel/printk", printk_saved,
			    strlen(printk_saved));
	}
	printf("# %lu calls in all, seed %#llx\n", total, seed);
	check_live();
	check_data();
	check_id_ctrl(alive);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
