// SPDX-License-Identifier: GPL-2.0
/*
 * Edge cases of the NVMe passthrough interface, one test per case: bad
 * user pointers, flags, NSID checks, transfer sizes and alignment,
 * metadata, unknown ioctls on each kind of node, the controller node's
 * deprecated IO_CMD path, NVME_IOCTL_SUBMIT_IO, vectored I/O, timeouts,
 * unprivileged callers and io_uring passthrough.
 *
 * Each case prints "# case NAME ret=R errno=E [key=value...]" and, when
 * EDGES_RECORD names a file, appends the same line without "# " to it,
 * so that ioctl_diff.sh can compare cnvme with the in-kernel driver case
 * by case.  The assertions are the in-kernel driver's behaviour on the
 * running kernel (6.1 or 6.12 permission rules).
 *
 * Needs a namespace without metadata; NSID 1 (or the lowest) is used.
 * Writes only zeroes, to the namespace's last logical block.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>
/* the harness's setjmp() upsets -Wclobbered with fixtures */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define PAGE		4096UL
#define KERNEL_ADDR	0xffff888000000000ULL
#define SENTINEL	0x5a5aa5a5U
#define SENTINEL64	0x5a5aa5a5c3c33c3cULL
#define ANY_STATUS	LONG_MAX	/* any NVMe status (ret > 0) */
#define ANY_NONNEG	(LONG_MAX - 1)	/* success or any NVMe status */

#define OP_FLUSH	0x00
#define OP_WRITE	0x01
#define OP_READ		0x02
#define OP_COMPARE	0x05
#define OP_WRITE_ZEROES	0x08
#define OP_VENDOR_READ	0x82
#define ADM_GET_LOG	0x02
#define ADM_IDENTIFY	0x06
#define ADM_SET_FEAT	0x09
#define ADM_GET_FEAT	0x0a
#define ADM_AER		0x0c
#define FEAT_NUM_QUEUES	0x07
#define RW_PRACT	0x2000		/* control bit 13 */

/* ioctl numbers no node knows */
#define IOCTL_UNKNOWN	_IO('N', 0x4f)
#define IOCTL_BAD_SIZE	_IOWR('N', 0x41, struct { __u8 b[16]; })

/* The outcome of one call: ret as the syscall returned it, errno. */
struct res {
	long ret;
	int err;
	bool has_result;
	unsigned long long result;
	const char *data;	/* "match"/"differs" for data checks */
};

/* A passthrough command, before it is put in one of the uapi structs. */
struct cmd {
	__u8 opcode;
	__u8 flags;
	__u32 nsid;
	__u64 addr;
	__u64 metadata;
	__u32 data_len;
	__u32 metadata_len;
	__u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	__u32 timeout_ms;
};

/* self in the helpers below is this, the harness's FIXTURE_DATA(edge) */
FIXTURE(edge) {
	int ctrl, blk, ng;
	unsigned int nsid, nr_ns, lba, max_bytes, max_segs;
	unsigned long long nlb;
	int kver;
	bool new_rules, blk_uring, ref61;
	bool cnvme;	/* the driver under test is cnvme, not the reference */
	char ctrl_path[64], blk_path[64], ng_path[64];
	unsigned char *buf, *buf2;
	size_t buf_size;
	void *none;	/* a PROT_NONE page */
	void *ro;	/* a read-only page */
};

static const char *errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

static void record(const char *name, struct res r)
{
	char line[256];
	const char *path = getenv("EDGES_RECORD");
	int n, fd;

	n = snprintf(line, sizeof(line), "case %s ret=%ld errno=%s", name,
		     r.ret, r.ret < 0 ? errname(r.err) : "-");
	if (r.has_result)
		n += snprintf(line + n, sizeof(line) - n, " result=%#llx",
			      r.result);
	if (r.data)
		n += snprintf(line + n, sizeof(line) - n, " data=%s", r.data);
	n += snprintf(line + n, sizeof(line) - n, "\n");
	printf("# %s", line);
	fflush(stdout);
	if (!path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, n) != n)
		perror(path);
	close(fd);
}

/*
 * Record the case and check it: want < 0 is an errno (negated), want
 * ANY_STATUS any positive NVMe status, ANY_NONNEG that or success,
 * anything else the exact return.
 */
static void check(struct __test_metadata *_metadata, struct res r, long want)
{
	record(_metadata->name, r);
	if (want < 0) {
		EXPECT_EQ(-1, r.ret);
		EXPECT_STREQ(errname(-want), r.ret < 0 ? errname(r.err) : "-");
	} else if (want == ANY_STATUS) {
		EXPECT_LT(0, r.ret) TH_LOG("errno %s", errname(r.err));
	} else if (want == ANY_NONNEG) {
		EXPECT_LE(0, r.ret) TH_LOG("errno %s", errname(r.err));
	} else {
		EXPECT_EQ(want, r.ret) TH_LOG("errno %s",
					      r.ret < 0 ? errname(r.err) : "-");
	}
}

/* A case not run: recorded as "skipped", then the harness's SKIP. */
#define SKIP_CASE(statement, why) do { \
	struct res __r = { .data = "skipped" }; \
	record(_metadata->name, __r); \
	SKIP(statement, why); \
} while (0)

#define REF_META_LEAK	"the 6.1 in-kernel driver leaks a queue reference here"
#define REF_FIXED_VEC	"the 6.1 in-kernel driver warns and leaks a queue reference here"

static struct res ioc(int fd, unsigned long req, void *arg)
{
	struct res r = { 0 };

	errno = 0;
	r.ret = ioctl(fd, req, arg);
	r.err = errno;
	return r;
}

static void to32(const struct cmd *c, struct nvme_passthru_cmd *p)
{
	memset(p, 0, sizeof(*p));
	p->opcode = c->opcode;
	p->flags = c->flags;
	p->nsid = c->nsid;
	p->addr = c->addr;
	p->metadata = c->metadata;
	p->data_len = c->data_len;
	p->metadata_len = c->metadata_len;
	p->cdw10 = c->cdw10;
	p->cdw11 = c->cdw11;
	p->cdw12 = c->cdw12;
	p->cdw13 = c->cdw13;
	p->cdw14 = c->cdw14;
	p->cdw15 = c->cdw15;
	p->timeout_ms = c->timeout_ms;
	p->result = SENTINEL;
}

static void to64(const struct cmd *c, struct nvme_passthru_cmd64 *p)
{
	memset(p, 0, sizeof(*p));
	p->opcode = c->opcode;
	p->flags = c->flags;
	p->nsid = c->nsid;
	p->addr = c->addr;
	p->metadata = c->metadata;
	p->data_len = c->data_len;
	p->metadata_len = c->metadata_len;
	p->cdw10 = c->cdw10;
	p->cdw11 = c->cdw11;
	p->cdw12 = c->cdw12;
	p->cdw13 = c->cdw13;
	p->cdw14 = c->cdw14;
	p->cdw15 = c->cdw15;
	p->timeout_ms = c->timeout_ms;
	p->result = SENTINEL64;
}

/* ADMIN_CMD or IO_CMD */
static struct res run32(int fd, unsigned long req, const struct cmd *c)
{
	struct nvme_passthru_cmd p;
	struct res r;

	to32(c, &p);
	r = ioc(fd, req, &p);
	r.has_result = true;
	r.result = p.result;
	return r;
}

/* ADMIN64_CMD, IO64_CMD or IO64_CMD_VEC */
static struct res run64(int fd, unsigned long req, const struct cmd *c)
{
	struct nvme_passthru_cmd64 p;
	struct res r;

	to64(c, &p);
	r = ioc(fd, req, &p);
	r.has_result = true;
	r.result = p.result;
	return r;
}

static struct cmd identify_ctrl(void *buf)
{
	struct cmd c = {
		.opcode = ADM_IDENTIFY,
		.addr = (unsigned long)buf,
		.data_len = 4096,
		.cdw10 = 1,
	};

	return c;
}

static struct cmd get_features_nq(void)
{
	struct cmd c = { .opcode = ADM_GET_FEAT, .cdw10 = FEAT_NUM_QUEUES };

	return c;
}

/* opcode on nblocks blocks from slba, buffer at buf */
static struct cmd rw_cmd(struct _test_data_edge *self, __u8 opcode, void *buf,
			 unsigned int nblocks, unsigned long long slba)
{
	struct cmd c = {
		.opcode = opcode,
		.nsid = self->nsid,
		.addr = (unsigned long)buf,
		.data_len = nblocks * self->lba,
		.cdw10 = (__u32)slba,
		.cdw11 = (__u32)(slba >> 32),
		.cdw12 = nblocks - 1,
	};

	return c;
}

static struct cmd read1(struct _test_data_edge *self, void *buf)
{
	return rw_cmd(self, OP_READ, buf, 1, 0);
}

static struct cmd write_last(struct _test_data_edge *self)
{
	memset(self->buf2, 0, self->lba);
	return rw_cmd(self, OP_WRITE, self->buf2, 1, self->nlb - 1);
}

static struct cmd flush_cmd(struct _test_data_edge *self)
{
	struct cmd c = { .opcode = OP_FLUSH, .nsid = self->nsid };

	return c;
}

static struct nvme_user_io user_io(__u8 opcode, void *buf,
				    unsigned long long slba)
{
	struct nvme_user_io io = {
		.opcode = opcode,
		.addr = (unsigned long)buf,
		.slba = slba,
	};

	return io;
}

/* The block 0 as an aligned read sees it, in buf2. */
static int reference_block0(struct _test_data_edge *self)
{
	struct cmd c = read1(self, self->buf2);

	return run32(self->blk, NVME_IOCTL_IO_CMD, &c).ret;
}

static const char *same(struct _test_data_edge *self, const void *got)
{
	return memcmp(got, self->buf2, self->lba) ? "differs" : "match";
}

/* --- discovery ------------------------------------------------------- */

static int read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

static long long attr_num(const char *fmt, const char *name)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), fmt, name);
	if (read_attr(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

/* a namespace disk: nvme<S>n<H>, not a hidden path disk nvme<S>c<C>n<H> */
static bool ns_disk(const char *name, int *subsys)
{
	int s, h, end = 0;

	if (strchr(name, 'c'))
		return false;
	if (sscanf(name, "nvme%dn%d%n", &s, &h, &end) != 2 || name[end])
		return false;
	*subsys = s;
	return true;
}

/* The controller of disk: its device link, or its subsystem's first. */
static int find_ctrl(const char *disk, int subsys, char *out, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *base;
	struct dirent *e;
	DIR *d;
	int n, i;

	snprintf(path, sizeof(path), "/sys/block/%s/device", disk);
	if (realpath(path, real)) {
		base = strrchr(real, '/') + 1;
		if (sscanf(base, "nvme%d%n", &i, &n) == 1 && !base[n]) {
			snprintf(out, len, "/dev/%s", base);
			return 0;
		}
	}
	snprintf(path, sizeof(path), "/sys/class/nvme-subsystem/nvme-subsys%d",
		 subsys);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (sscanf(e->d_name, "nvme%d%n", &i, &n) == 1 &&
		    !e->d_name[n]) {
			snprintf(out, len, "/dev/%s", e->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

/* the running kernel's version as major * 100 + minor, 612 for 6.12 */
static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

FIXTURE_SETUP(edge)
{
	char best[64] = "";
	unsigned int best_nsid = UINT_MAX;
	struct dirent *e;
	int subsys, best_subsys = -1;
	unsigned int lbaf, ms;
	struct cmd c;
	long long v;
	DIR *d;

	self->ctrl = -1;
	self->blk = -1;
	self->ng = -1;
	d = opendir("/sys/block");
	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		if (!ns_disk(e->d_name, &subsys))
			continue;
		v = attr_num("/sys/block/%s/nsid", e->d_name);
		if (v < 0)
			continue;
		if (best_subsys < 0 || subsys < best_subsys ||
		    (subsys == best_subsys && v < best_nsid)) {
			best_subsys = subsys;
			best_nsid = v;
			snprintf(best, sizeof(best), "%s", e->d_name);
		}
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if (ns_disk(e->d_name, &subsys) && subsys == best_subsys)
			self->nr_ns++;
	closedir(d);
	/*
	 * Where ioctl_diff.sh runs these cases against both drivers (cnvme
	 * runs of the file and three topologies), the standalone run would
	 * repeat them; the reference's own runs are covered there too.
	 */
	if (!getenv("EDGES_RECORD") &&
	    (!strcmp(getenv("DRIVER") ?: "", "nvme") ||
	     !strcmp(getenv("TOPO") ?: "", "file") ||
	     !strcmp(getenv("TOPO") ?: "", "three")))
		SKIP(return, "ioctl_diff.sh runs these cases here, against both drivers");
	if (!best[0])
		SKIP(return, "no NVMe namespace");
	if (attr_num("/sys/block/%s/integrity/tuple_size", best) > 0)
		SKIP(return, "%s has metadata: the cases need a namespace without",
		     best);

	self->nsid = best_nsid;
	self->lba = attr_num("/sys/block/%s/queue/logical_block_size", best);
	self->nlb = attr_num("/sys/block/%s/size", best) * 512 / self->lba;
	self->max_bytes = attr_num("/sys/block/%s/queue/max_hw_sectors_kb",
				   best) * 1024;
	self->max_segs = attr_num("/sys/block/%s/queue/max_segments", best);
	/* 6.2 brought nvme_cmd_allowed(), 6.12 io_uring commands on disks */
	self->kver = kernel_version();
	self->new_rules = kernel_version() >= 602;
	self->blk_uring = kernel_version() >= 612;
	/*
	 * Debian's 6.1 in-kernel driver refuses metadata on a namespace
	 * without it, and registered buffers with a vectored io_uring
	 * command (with a WARNING), but keeps a queue reference each time:
	 * the next freeze (rescan, reset, removal) hangs for good.  Those
	 * cases are not run on it.
	 */
	self->ref61 = kernel_version() < 612 &&
			      !strcmp(getenv("DRIVER") ?: "", "nvme");
	self->cnvme = strcmp(getenv("DRIVER") ?: "cnvme", "nvme") != 0;
	snprintf(self->blk_path, sizeof(self->blk_path), "/dev/%s", best);
	snprintf(self->ng_path, sizeof(self->ng_path), "/dev/ng%s", best + 4);
	ASSERT_EQ(0, find_ctrl(best, best_subsys, self->ctrl_path,
			       sizeof(self->ctrl_path)));
	ASSERT_LT(0U, self->lba);
	ASSERT_LT(0ULL, self->nlb);
	ASSERT_LE(4096U, self->max_bytes);

	self->ctrl = open(self->ctrl_path, O_RDONLY);
	ASSERT_LE(0, self->ctrl) TH_LOG("%s: %m", self->ctrl_path);
	self->blk = open(self->blk_path, O_RDONLY);
	ASSERT_LE(0, self->blk) TH_LOG("%s: %m", self->blk_path);
	self->ng = open(self->ng_path, O_RDONLY);
	ASSERT_LE(0, self->ng) TH_LOG("%s: %m", self->ng_path);

	self->buf_size = 2 * (size_t)self->max_bytes + 4 * PAGE;
	self->buf = mmap(NULL, self->buf_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	self->buf2 = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf2);
	self->none = mmap(NULL, 2 * PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->none);
	self->ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, self->ro);

	/* the format in use must have no metadata (Identify Namespace) */
	c = identify_ctrl(self->buf2);
	c.cdw10 = 0;
	c.nsid = self->nsid;
	ASSERT_EQ(0, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c).ret);
	lbaf = self->buf2[26] & 0xf;
	ms = self->buf2[128 + 4 * lbaf] | self->buf2[129 + 4 * lbaf] << 8;
	if (ms)
		SKIP(return, "%s: %u metadata bytes per block, cases need none",
		     self->blk_path, ms);
}

FIXTURE_TEARDOWN(edge)
{
	if (self->ctrl >= 0)
		close(self->ctrl);
	if (self->blk >= 0)
		close(self->blk);
	if (self->ng >= 0)
		close(self->ng);
}

/* --- bad user pointers ---------------------------------------------- */

TEST_F(edge, admin_arg_null)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN_CMD, NULL), -EFAULT);
}

TEST_F(edge, admin_arg_unmapped)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN_CMD, self->none),
	      -EFAULT);
}

TEST_F(edge, admin64_arg_kernel)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN64_CMD,
			     (void *)(unsigned long)KERNEL_ADDR), -EFAULT);
}

TEST_F(edge, io_arg_unmapped)
{
	check(_metadata, ioc(self->blk, NVME_IOCTL_IO_CMD, self->none),
	      -EFAULT);
}

TEST_F(edge, io64_arg_null)
{
	check(_metadata, ioc(self->ng, NVME_IOCTL_IO64_CMD, NULL), -EFAULT);
}

/* the struct runs into an unmapped page: nothing is sent */
TEST_F(edge, admin_arg_straddles_unmapped)
{
	unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct nvme_passthru_cmd *pc;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	pc = (void *)(p + PAGE - 40);
	memset(pc, 0, 40);
	pc->opcode = ADM_IDENTIFY;
	pc->addr = (unsigned long)self->buf;
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN_CMD, pc), -EFAULT);
}

TEST_F(edge, admin_addr_unmapped)
{
	struct cmd c = identify_ctrl(self->none);

	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EFAULT);
}

TEST_F(edge, admin_addr_kernel)
{
	struct cmd c = identify_ctrl((void *)(unsigned long)KERNEL_ADDR);

	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EFAULT);
}

/* Identify writes to memory: a read-only page cannot take it */
TEST_F(edge, admin_addr_readonly)
{
	struct cmd c = identify_ctrl(self->ro);

	check(_metadata, run64(self->ctrl, NVME_IOCTL_ADMIN64_CMD, &c),
	      -EFAULT);
}

/*
 * result lies on a read-only page: the command runs, the write-back
 * fails.
 */
TEST_F(edge, admin_result_readonly)
{
	unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct nvme_passthru_cmd *pc;
	struct cmd c = identify_ctrl(self->buf);

	ASSERT_NE(MAP_FAILED, p);
	pc = (void *)(p + PAGE - offsetof(struct nvme_passthru_cmd, result));
	to32(&c, pc);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN_CMD, pc), -EFAULT);
}

TEST_F(edge, admin64_result_readonly)
{
	unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct nvme_passthru_cmd64 *pc;
	struct cmd c = identify_ctrl(self->buf);

	ASSERT_NE(MAP_FAILED, p);
	pc = (void *)(p + PAGE -
		      offsetof(struct nvme_passthru_cmd64, result));
	to64(&c, pc);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ADMIN64_CMD, pc),
	      -EFAULT);
}

TEST_F(edge, io_result_readonly)
{
	unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct nvme_passthru_cmd *pc;
	struct cmd c = read1(self, self->buf);

	ASSERT_NE(MAP_FAILED, p);
	pc = (void *)(p + PAGE - offsetof(struct nvme_passthru_cmd, result));
	to32(&c, pc);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	check(_metadata, ioc(self->ng, NVME_IOCTL_IO_CMD, pc), -EFAULT);
}

TEST_F(edge, io_addr_unmapped)
{
	struct cmd c = read1(self, self->none);

	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), -EFAULT);
}

TEST_F(edge, io64_write_addr_unmapped)
{
	struct cmd c = write_last(self);

	c.addr = (unsigned long)self->none;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), -EFAULT);
}

TEST_F(edge, io_read_into_readonly)
{
	struct cmd c = read1(self, self->ro);

	check(_metadata, run32(self->ng, NVME_IOCTL_IO_CMD, &c), -EFAULT);
}

/*
 * Misaligned, so the block layer bounces it: a read fails only when it
 * copies out, after the command.  The in-kernel driver ignores that and
 * returns 0 without the data; cnvme returns EFAULT (a deliberate
 * difference, listed in ioctl_diff.sh).
 */
TEST_F(edge, io_read_unaligned_unmapped)
{
	struct cmd c = read1(self, (char *)self->none + 1);

	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c),
	      self->cnvme ? -EFAULT : 0);
}

TEST_F(edge, io_write_unaligned_unmapped)
{
	struct cmd c = write_last(self);

	c.addr = (unsigned long)self->none + 1;
	check(_metadata, run32(self->ng, NVME_IOCTL_IO_CMD, &c), -EFAULT);
}

/* --- flags ----------------------------------------------------------- */

TEST_F(edge, admin_flags)
{
	struct cmd c = identify_ctrl(self->buf);

	c.flags = 1;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
}

TEST_F(edge, admin64_flags_sgl)
{
	struct cmd c = identify_ctrl(self->buf);

	c.flags = 0x40;
	check(_metadata, run64(self->ctrl, NVME_IOCTL_ADMIN64_CMD, &c),
	      -EINVAL);
}

TEST_F(edge, io_flags)
{
	struct cmd c = read1(self, self->buf);

	c.flags = 0x80;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_flags)
{
	struct cmd c = read1(self, self->buf);

	c.flags = 1;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_vec_flags)
{
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = read1(self, &iov);

	c.data_len = 1;
	c.flags = 2;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

TEST_F(edge, admin_on_ng_flags)
{
	struct cmd c = identify_ctrl(self->buf);

	c.flags = 1;
	check(_metadata, run32(self->ng, NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
}

/* --- NSID ------------------------------------------------------------ */

TEST_F(edge, io_nsid_other)
{
	struct cmd c = read1(self, self->buf);

	c.nsid = self->nsid + 1;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(edge, io_nsid_zero)
{
	struct cmd c = read1(self, self->buf);

	c.nsid = 0;
	check(_metadata, run32(self->ng, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_nsid_broadcast)
{
	struct cmd c = flush_cmd(self);

	c.nsid = 0xffffffff;
	check(_metadata, run64(self->blk, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_vec_nsid_other)
{
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = read1(self, &iov);

	c.data_len = 1;
	c.nsid = self->nsid + 1;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

/* the NSID check comes before the arguments are looked at */
TEST_F(edge, io_nsid_other_bad_addr)
{
	struct cmd c = read1(self, self->none);

	c.nsid = self->nsid + 1;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

/* admin commands pass any NSID through, even on a namespace node */
TEST_F(edge, admin_on_blk_any_nsid)
{
	struct cmd c = identify_ctrl(self->buf);

	c.cdw10 = 0;	/* Identify Namespace */
	c.nsid = 0xdeadbeef;
	check(_metadata, run32(self->blk, NVME_IOCTL_ADMIN_CMD, &c),
	      ANY_STATUS);
}

TEST_F(edge, admin_on_ng)
{
	struct cmd c = identify_ctrl(self->buf);

	check(_metadata, run64(self->ng, NVME_IOCTL_ADMIN64_CMD, &c), 0);
}

/* --- transfers: size and alignment ----------------------------------- */

TEST_F(edge, io_read)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), 0);
}

TEST_F(edge, io_oversized)
{
	unsigned int n = self->max_bytes / self->lba + 1;
	struct cmd c = rw_cmd(self, OP_READ, self->buf, n, 0);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
}

/*
 * The largest transfer that always fits: max_hw_sectors, or as many
 * pages as there are segments when the buffer's pages are not
 * physically contiguous (6.1's drivers allow 127 segments, 512 KiB
 * needs 128 pages).
 */
TEST_F(edge, io_max_transfer)
{
	unsigned int bytes = self->max_bytes;
	unsigned int n;

	if (bytes > self->max_segs * PAGE)
		bytes = self->max_segs * PAGE;
	n = bytes / self->lba;
	struct cmd c = rw_cmd(self, OP_READ, self->buf, n, 0);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), 0);
}

TEST_F(edge, admin_oversized)
{
	struct cmd c = identify_ctrl(self->buf);

	c.data_len = 2 * self->max_bytes;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
}

/*
 * A transfer longer than the queue's maximum is refused (EINVAL) before
 * the block layer maps it.  It bounces a buffer at an odd address, and
 * since bio_add_pc_page() went (7.x) it allocates the bounce pages of
 * the whole length before it compares the length with the maximum: 4
 * GiB in a guest of 1 GiB ran it out of memory and the OOM killer shot
 * the caller (found by fuzz on 7.2).  How much it allocates depends on
 * how many of its pages happen to be contiguous, so the cases show the
 * order instead: the data are writes from 64 KiB of readable memory, an
 * odd address in it, and a mapping that copies any of the data from
 * there (at least a queue's maximum, 512 KiB here) faults: EFAULT.  The
 * in-kernel driver maps first (EFAULT on 6.x; on 7.2 it may run out of
 * memory), so the cases are cnvme's alone.
 */
#define HUGE_LEN	0xfffff000U
#define REF_HUGE	"the in-kernel driver maps first (7.2: may run out of memory)"

static void *short_buf(void)
{
	char *p = mmap(NULL, 17 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + 16 * PAGE, PAGE, PROT_NONE))
		return NULL;
	return p + 1;
}

/* a write of HUGE_LEN bytes from short_buf() */
static struct cmd huge_write(struct _test_data_edge *self)
{
	struct cmd c = write_last(self);

	c.addr = (unsigned long)short_buf();
	c.data_len = HUGE_LEN;
	return c;
}

TEST_F(edge, admin_huge_write)
{
	struct cmd c = { .opcode = ADM_SET_FEAT, .data_len = HUGE_LEN };

	if (!self->cnvme)
		SKIP_CASE(return, REF_HUGE);
	c.addr = (unsigned long)short_buf();
	ASSERT_NE(0ULL, c.addr);
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_huge_write)
{
	struct cmd c = huge_write(self);

	if (!self->cnvme)
		SKIP_CASE(return, REF_HUGE);
	ASSERT_NE(0ULL, c.addr);
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
}

TEST_F(edge, io64_vec_huge_write)
{
	struct iovec iov[2] = { { short_buf(), self->lba } };
	struct cmd c = write_last(self);

	if (!self->cnvme)
		SKIP_CASE(return, REF_HUGE);
	ASSERT_NE(NULL, iov[0].iov_base);
	iov[1].iov_base = iov[0].iov_base;
	iov[1].iov_len = HUGE_LEN;
	c.addr = (unsigned long)iov;
	c.data_len = 2;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c), -EINVAL);
}

/* data_len 0 or addr 0: the command goes without data */
TEST_F(edge, io_flush_addr_no_len)
{
	struct cmd c = flush_cmd(self);

	c.addr = (unsigned long)self->buf;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), 0);
}

TEST_F(edge, io_flush_len_no_addr)
{
	struct cmd c = flush_cmd(self);

	c.data_len = 4096;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), 0);
}

TEST_F(edge, io_flush_bad_addr_no_len)
{
	struct cmd c = flush_cmd(self);

	c.addr = (unsigned long)self->none;
	check(_metadata, run32(self->ng, NVME_IOCTL_IO_CMD, &c), 0);
}

TEST_F(edge, admin_get_features_len_no_addr)
{
	struct cmd c = get_features_nq();

	c.data_len = 4096;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), 0);
}

TEST_F(edge, admin_get_features_addr_no_len)
{
	struct cmd c = get_features_nq();

	c.addr = (unsigned long)self->none;
	check(_metadata, run64(self->ctrl, NVME_IOCTL_ADMIN64_CMD, &c), 0);
}

/* a length that is no multiple of 4 is bounced */
TEST_F(edge, admin_identify_len_4095)
{
	struct cmd c = identify_ctrl(self->buf);

	c.data_len = 4095;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), 0);
}

TEST_F(edge, admin_identify_len_8192)
{
	struct cmd c = identify_ctrl(self->buf);

	c.data_len = 8192;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), 0);
}

TEST_F(edge, admin_identify_unaligned)
{
	struct cmd c = identify_ctrl(self->buf + 1);
	struct cmd a = identify_ctrl(self->buf2);
	struct res r;

	ASSERT_EQ(0, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &a).ret);
	r = run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c);
	r.data = memcmp(self->buf + 1, self->buf2, 4096) ? "differs" : "match";
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

TEST_F(edge, io_read_unaligned_odd)
{
	struct cmd c = read1(self, self->buf + 1);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = run32(self->blk, NVME_IOCTL_IO_CMD, &c);
	r.data = same(self, self->buf + 1);
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

/* 4-byte aligned (the DMA alignment): mapped as it is, at an offset */
TEST_F(edge, io_read_unaligned_dword)
{
	struct cmd c = read1(self, self->buf + 4);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = run64(self->ng, NVME_IOCTL_IO64_CMD, &c);
	r.data = same(self, self->buf + 4);
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

TEST_F(edge, io_read_crosses_page)
{
	unsigned char *p = self->buf + PAGE - self->lba / 2 + 4;
	struct cmd c = read1(self, p);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = run32(self->ng, NVME_IOCTL_IO_CMD, &c);
	r.data = same(self, p);
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

/* --- metadata (the namespace has none) ------------------------------- */

TEST_F(edge, io_metadata_no_data)
{
	struct cmd c = flush_cmd(self);

	c.metadata = (unsigned long)self->buf2;
	c.metadata_len = 8;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), 0);
}

TEST_F(edge, io_metadata_len_no_ptr)
{
	struct cmd c = read1(self, self->buf);

	c.metadata_len = 8;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), 0);
}

TEST_F(edge, io_metadata_ptr_no_len)
{
	struct cmd c = read1(self, self->buf);

	c.metadata = (unsigned long)self->buf2;
	check(_metadata, run32(self->ng, NVME_IOCTL_IO_CMD, &c), 0);
}

TEST_F(edge, io_metadata_with_data)
{
	struct cmd c = read1(self, self->buf);

	if (self->ref61)
		SKIP_CASE(return, REF_META_LEAK);

	c.metadata = (unsigned long)self->buf2;
	c.metadata_len = 8;
	check(_metadata, run32(self->blk, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

TEST_F(edge, io_metadata_unmapped_with_data)
{
	struct cmd c = read1(self, self->buf);

	if (self->ref61)
		SKIP_CASE(return, REF_META_LEAK);

	c.metadata = (unsigned long)self->none;
	c.metadata_len = 8;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
}

TEST_F(edge, admin_metadata_with_data)
{
	struct cmd c = identify_ctrl(self->buf);

	if (self->ref61)
		SKIP_CASE(return, REF_META_LEAK);

	c.metadata = (unsigned long)self->buf2;
	c.metadata_len = 64;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EINVAL);
}

TEST_F(edge, admin_metadata_no_data)
{
	struct cmd c = get_features_nq();

	c.metadata = (unsigned long)self->buf2;
	c.metadata_len = 64;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), 0);
}

/* --- unknown ioctls and ioctls on the wrong node --------------------- */

TEST_F(edge, unknown_ioctl_ctrl)
{
	check(_metadata, ioc(self->ctrl, IOCTL_UNKNOWN, NULL), -ENOTTY);
}

TEST_F(edge, unknown_ioctl_blk)
{
	check(_metadata, ioc(self->blk, IOCTL_UNKNOWN, NULL), -ENOTTY);
}

TEST_F(edge, unknown_ioctl_ng)
{
	check(_metadata, ioc(self->ng, IOCTL_UNKNOWN, NULL), -ENOTTY);
}

TEST_F(edge, bad_size_ioctl_ctrl)
{
	check(_metadata, ioc(self->ctrl, IOCTL_BAD_SIZE, self->buf), -ENOTTY);
}

TEST_F(edge, bad_size_ioctl_blk)
{
	check(_metadata, ioc(self->blk, IOCTL_BAD_SIZE, self->buf), -ENOTTY);
}

TEST_F(edge, bad_size_ioctl_ng)
{
	check(_metadata, ioc(self->ng, IOCTL_BAD_SIZE, self->buf), -ENOTTY);
}

TEST_F(edge, uring_op_as_ioctl_ng)
{
	struct nvme_uring_cmd u = { .opcode = OP_FLUSH, .nsid = self->nsid };

	check(_metadata, ioc(self->ng, NVME_URING_CMD_IO, &u), -ENOTTY);
}

TEST_F(edge, id_ctrl)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_ID, NULL), -ENOTTY);
}

TEST_F(edge, id_blk)
{
	check(_metadata, ioc(self->blk, NVME_IOCTL_ID, NULL), self->nsid);
}

TEST_F(edge, id_ng)
{
	check(_metadata, ioc(self->ng, NVME_IOCTL_ID, NULL), self->nsid);
}

TEST_F(edge, io64_on_ctrl)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, run64(self->ctrl, NVME_IOCTL_IO64_CMD, &c), -ENOTTY);
}

TEST_F(edge, io64_vec_on_ctrl)
{
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = read1(self, &iov);

	c.data_len = 1;
	check(_metadata, run64(self->ctrl, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -ENOTTY);
}

TEST_F(edge, submit_io_on_ctrl)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	check(_metadata, ioc(self->ctrl, NVME_IOCTL_SUBMIT_IO, &io), -ENOTTY);
}

TEST_F(edge, reset_on_blk)
{
	check(_metadata, ioc(self->blk, NVME_IOCTL_RESET, NULL), -ENOTTY);
}

TEST_F(edge, reset_on_ng)
{
	check(_metadata, ioc(self->ng, NVME_IOCTL_RESET, NULL), -ENOTTY);
}

TEST_F(edge, subsys_reset_on_ng)
{
	check(_metadata, ioc(self->ng, NVME_IOCTL_SUBSYS_RESET, NULL),
	      -ENOTTY);
}

TEST_F(edge, rescan_on_blk)
{
	check(_metadata, ioc(self->blk, NVME_IOCTL_RESCAN, NULL), -ENOTTY);
}

TEST_F(edge, rescan_ctrl)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_RESCAN, NULL), 0);
}

/* QEMU's controller has no NVM Subsystem Reset (CAP.NSSRS = 0) */
TEST_F(edge, subsys_reset_ctrl_unsupported)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_SUBSYS_RESET, NULL),
	      -ENOTTY);
}

/* --- IO_CMD on the controller node ----------------------------------- */

TEST_F(edge, io_cmd_ctrl_read)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, run32(self->ctrl, NVME_IOCTL_IO_CMD, &c),
	      self->nr_ns == 1 ? 0 : -EINVAL);
}

TEST_F(edge, io_cmd_ctrl_nsid_other)
{
	struct cmd c = read1(self, self->buf);

	c.nsid = self->nsid + 1;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

/* the namespace count is checked before the argument is read */
TEST_F(edge, io_cmd_ctrl_arg_null)
{
	check(_metadata, ioc(self->ctrl, NVME_IOCTL_IO_CMD, NULL),
	      self->nr_ns == 1 ? -EFAULT : -EINVAL);
}

TEST_F(edge, io_cmd_ctrl_flags)
{
	struct cmd c = read1(self, self->buf);

	c.flags = 1;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_IO_CMD, &c), -EINVAL);
}

/* --- NVME_IOCTL_SUBMIT_IO --------------------------------------------- */

TEST_F(edge, submit_io_read)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), 0);
}

TEST_F(edge, submit_io_read_ng)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	check(_metadata, ioc(self->ng, NVME_IOCTL_SUBMIT_IO, &io), 0);
}

TEST_F(edge, submit_io_flags)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	io.flags = 1;
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
}

TEST_F(edge, submit_io_opcode_flush)
{
	struct nvme_user_io io = user_io(OP_FLUSH, self->buf, 0);

	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
}

TEST_F(edge, submit_io_opcode_write_zeroes)
{
	struct nvme_user_io io = user_io(OP_WRITE_ZEROES, self->buf,
					  self->nlb - 1);

	check(_metadata, ioc(self->ng, NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
}

TEST_F(edge, submit_io_arg_null)
{
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, NULL), -EFAULT);
}

TEST_F(edge, submit_io_addr_unmapped)
{
	struct nvme_user_io io = user_io(OP_READ, self->none, 0);

	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), -EFAULT);
}

TEST_F(edge, submit_io_addr_null)
{
	struct nvme_user_io io = user_io(OP_READ, NULL, 0);

	io.opcode = OP_COMPARE;	/* controller-bound: nothing lands in RAM */
	/*
	 * Sent without data: the controller compares against whatever the
	 * data pointer then names, so a miscompare or, where the blocks
	 * and that memory both hold zeroes (the one topology), success.
	 */
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io),
	      ANY_NONNEG);
}

/*
 * PRACT when the metadata is just the PI: no metadata pointer allowed.
 * 6.12 compares the metadata size with the PI size (both 0 here), 6.1
 * with 8, so there a metadata size of 0 is no metadata: the pointer is
 * ignored.
 */
TEST_F(edge, submit_io_pract_metadata)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	io.control = RW_PRACT;
	io.metadata = (unsigned long)self->buf2;
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io),
	      self->kver >= 612 ? -EINVAL : 0);
}

/* without PRACT, no metadata is expected: the pointer is ignored */
TEST_F(edge, submit_io_metadata_ignored)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	io.metadata = (unsigned long)self->none + 1;
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), 0);
}

TEST_F(edge, submit_io_out_of_range)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, self->nlb);

	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io),
	      ANY_STATUS);
}

TEST_F(edge, submit_io_oversized)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf, 0);

	io.nblocks = self->max_bytes / self->lba;
	check(_metadata, ioc(self->ng, NVME_IOCTL_SUBMIT_IO, &io), -EINVAL);
}

TEST_F(edge, submit_io_unaligned)
{
	struct nvme_user_io io = user_io(OP_READ, self->buf + 3, 0);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io);
	r.data = same(self, self->buf + 3);
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

TEST_F(edge, submit_io_compare_equal)
{
	struct nvme_user_io io = user_io(OP_COMPARE, self->buf2, 0);

	ASSERT_EQ(0, reference_block0(self));
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io), 0);
}

TEST_F(edge, submit_io_compare_differs)
{
	struct nvme_user_io io = user_io(OP_COMPARE, self->buf2, 0);

	ASSERT_EQ(0, reference_block0(self));
	self->buf2[7] ^= 0xff;
	check(_metadata, ioc(self->blk, NVME_IOCTL_SUBMIT_IO, &io),
	      ANY_STATUS);
}

/* --- IO64_CMD_VEC ---------------------------------------------------- */

static struct cmd vec_read(struct _test_data_edge *self, struct iovec *iov,
			   unsigned int cnt)
{
	struct cmd c = read1(self, iov);

	c.data_len = cnt;
	return c;
}

TEST_F(edge, vec_read_two_halves)
{
	struct iovec iov[2] = {
		{ self->buf, self->lba / 2 },
		{ self->buf + PAGE, self->lba / 2 },
	};
	struct cmd c = vec_read(self, iov, 2);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c);
	r.data = memcmp(self->buf, self->buf2, self->lba / 2) ||
		 memcmp(self->buf + PAGE, self->buf2 + self->lba / 2,
			self->lba / 2) ? "differs" : "match";
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

TEST_F(edge, vec_read_unaligned)
{
	struct iovec iov = { self->buf + 1, self->lba };
	struct cmd c = vec_read(self, &iov, 1);
	struct res r;

	ASSERT_EQ(0, reference_block0(self));
	r = run64(self->blk, NVME_IOCTL_IO64_CMD_VEC, &c);
	r.data = same(self, self->buf + 1);
	check(_metadata, r, 0);
	EXPECT_STREQ("match", r.data);
}

TEST_F(edge, vec_array_unmapped)
{
	struct cmd c = vec_read(self, self->none, 1);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EFAULT);
}

TEST_F(edge, vec_base_unmapped)
{
	struct iovec iov = { self->none, self->lba };
	struct cmd c = vec_read(self, &iov, 1);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EFAULT);
}

TEST_F(edge, vec_base_kernel)
{
	struct iovec iov = { (void *)(unsigned long)KERNEL_ADDR, self->lba };
	struct cmd c = vec_read(self, &iov, 1);

	check(_metadata, run64(self->blk, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EFAULT);
}

TEST_F(edge, vec_too_many)
{
	struct iovec *iov = (void *)self->buf;
	struct cmd c;
	int i;

	for (i = 0; i < 1025; i++) {
		iov[i].iov_base = self->buf2;
		iov[i].iov_len = 4;
	}
	c = vec_read(self, iov, 1025);
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

TEST_F(edge, vec_len_negative)
{
	struct iovec iov = { self->buf, (size_t)LONG_MAX + 1 };
	struct cmd c = vec_read(self, &iov, 1);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

TEST_F(edge, vec_one_empty)
{
	struct iovec iov = { self->buf, 0 };
	struct cmd c = vec_read(self, &iov, 1);

	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

TEST_F(edge, vec_oversized)
{
	struct iovec iov = { self->buf, self->max_bytes + self->lba };
	struct cmd c = vec_read(self, &iov, 1);

	c.cdw12 = self->max_bytes / self->lba;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c),
	      -EINVAL);
}

/* no iovec: the flush goes without data */
TEST_F(edge, vec_zero_count_flush)
{
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = flush_cmd(self);

	c.addr = (unsigned long)&iov;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD_VEC, &c), 0);
}

/* --- timeout_ms ------------------------------------------------------ */

TEST_F(edge, timeout_max)
{
	struct cmd c = identify_ctrl(self->buf);

	c.timeout_ms = 0xffffffff;
	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), 0);
}

TEST_F(edge, io_timeout_short_completes)
{
	struct cmd c = read1(self, self->buf);

	c.timeout_ms = 10000;
	check(_metadata, run64(self->ng, NVME_IOCTL_IO64_CMD, &c), 0);
}

/* --- unprivileged callers (all capabilities dropped, uid 0) ---------- */

struct uop {
	const char *node;	/* "ctrl", "blk" or "ng" */
	int mode;		/* O_RDONLY or O_RDWR */
	int kind;		/* UOP_* */
	unsigned long req;
	struct cmd c;
	struct nvme_user_io io;
};

enum { UOP_PT32, UOP_PT64, UOP_USER_IO, UOP_PLAIN, UOP_URING };

#define UOP(n, m, k, r)	{ .node = (n), .mode = (m), .kind = (k), .req = (r) }

static struct res uring_one(int fd, __u32 cmd_op, const struct cmd *c);

static int drop_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d);
}

static struct res unprivileged(struct _test_data_edge *self, const struct uop *u)
{
	struct res *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct res r = { .ret = -2, .err = 0 };
	const char *path;
	pid_t pid;
	int fd;

	if (sh == MAP_FAILED)
		return r;
	*sh = r;
	path = !strcmp(u->node, "ctrl") ? self->ctrl_path :
	       !strcmp(u->node, "blk") ? self->blk_path :
	       !strcmp(u->node, "part") ? getenv("EDGES_PART") : self->ng_path;
	pid = fork();
	if (pid == 0) {
		if (drop_caps())
			_exit(1);
		fd = open(path, u->mode);
		if (fd < 0)
			_exit(2);
		switch (u->kind) {
		case UOP_PT32:
			*sh = run32(fd, u->req, &u->c);
			break;
		case UOP_PT64:
			*sh = run64(fd, u->req, &u->c);
			break;
		case UOP_USER_IO:
			*sh = ioc(fd, u->req, (void *)&u->io);
			break;
		case UOP_PLAIN:
			*sh = ioc(fd, u->req, NULL);
			break;
		case UOP_URING:
			*sh = uring_one(fd, u->req, &u->c);
			break;
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	r = *sh;
	munmap(sh, sizeof(*sh));
	return r;
}

#define ACCES_ON_6_1(self)	((self)->new_rules ? 0 : -EACCES)

TEST_F(edge, unpriv_admin_identify_ctrl)
{
	struct uop u = UOP("ctrl", O_RDONLY, UOP_PT32, NVME_IOCTL_ADMIN_CMD);

	u.c = identify_ctrl(self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_admin_identify_ns_list)
{
	struct uop u = UOP("ctrl", O_RDWR, UOP_PT64, NVME_IOCTL_ADMIN64_CMD);

	u.c = identify_ctrl(self->buf);
	u.c.cdw10 = 2;
	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_admin_smart_log)
{
	struct uop u = UOP("ctrl", O_RDWR, UOP_PT32, NVME_IOCTL_ADMIN_CMD);

	u.c = identify_ctrl(self->buf);
	u.c.opcode = ADM_GET_LOG;
	u.c.nsid = 0xffffffff;
	u.c.data_len = 512;
	u.c.cdw10 = (127 << 16) | 0x02;
	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_admin_identify_ns_on_ng)
{
	struct uop u = UOP("ng", O_RDONLY, UOP_PT32, NVME_IOCTL_ADMIN_CMD);

	u.c = identify_ctrl(self->buf);
	u.c.cdw10 = 0;
	u.c.nsid = self->nsid;
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_io_read_ng_ro)
{
	struct uop u = UOP("ng", O_RDONLY, UOP_PT32, NVME_IOCTL_IO_CMD);

	u.c = read1(self, self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_io64_read_blk_ro)
{
	struct uop u = UOP("blk", O_RDONLY, UOP_PT64, NVME_IOCTL_IO64_CMD);

	u.c = read1(self, self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_vec_read_ng_ro)
{
	struct uop u = UOP("ng", O_RDONLY, UOP_PT64, NVME_IOCTL_IO64_CMD_VEC);
	struct iovec *iov = (void *)self->buf2;

	iov->iov_base = self->buf;
	iov->iov_len = self->lba;
	u.c = vec_read(self, iov, 1);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

/* writing needs the node open for write (6.12), or CAP_SYS_ADMIN */
TEST_F(edge, unpriv_io_write_ng_ro)
{
	struct uop u = UOP("ng", O_RDONLY, UOP_PT32, NVME_IOCTL_IO_CMD);

	u.c = write_last(self);
	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_io_write_ng_rw)
{
	struct uop u = UOP("ng", O_RDWR, UOP_PT32, NVME_IOCTL_IO_CMD);

	u.c = write_last(self);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_io_vendor_ng_rw)
{
	struct uop u = UOP("ng", O_RDWR, UOP_PT32, NVME_IOCTL_IO_CMD);

	u.c = read1(self, self->buf);
	u.c.opcode = OP_VENDOR_READ;
	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_io_cmd_ctrl)
{
	struct uop u = UOP("ctrl", O_RDONLY, UOP_PT32, NVME_IOCTL_IO_CMD);

	u.c = read1(self, self->buf);
	check(_metadata, unprivileged(self, &u),
	      self->nr_ns != 1 ? -EINVAL : ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_submit_io_read_blk_ro)
{
	struct uop u = UOP("blk", O_RDONLY, UOP_USER_IO, NVME_IOCTL_SUBMIT_IO);

	u.io = user_io(OP_READ, self->buf, 0);
	check(_metadata, unprivileged(self, &u), 0);
}

/* 6.1 checks nothing for SUBMIT_IO, not even the open mode */
TEST_F(edge, unpriv_submit_io_write_blk_ro)
{
	struct uop u = UOP("blk", O_RDONLY, UOP_USER_IO, NVME_IOCTL_SUBMIT_IO);

	memset(self->buf2, 0, self->lba);
	u.io = user_io(OP_WRITE, self->buf2, self->nlb - 1);
	check(_metadata, unprivileged(self, &u),
	      self->new_rules ? -EACCES : 0);
}

TEST_F(edge, unpriv_id_blk)
{
	struct uop u = UOP("blk", O_RDONLY, UOP_PLAIN, NVME_IOCTL_ID);

	check(_metadata, unprivileged(self, &u), self->nsid);
}

TEST_F(edge, unpriv_reset_ctrl)
{
	struct uop u = UOP("ctrl", O_RDWR, UOP_PLAIN, NVME_IOCTL_RESET);

	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_subsys_reset_ctrl)
{
	struct uop u = UOP("ctrl", O_RDWR, UOP_PLAIN, NVME_IOCTL_SUBSYS_RESET);

	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_rescan_ctrl)
{
	struct uop u = UOP("ctrl", O_RDWR, UOP_PLAIN, NVME_IOCTL_RESCAN);

	check(_metadata, unprivileged(self, &u), -EACCES);
}

TEST_F(edge, unpriv_uring_read_ng)
{
	struct uop u = UOP("ng", O_RDONLY, UOP_URING, NVME_URING_CMD_IO);

	u.c = read1(self, self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_uring_admin_identify)
{
	struct uop u = UOP("ctrl", O_RDONLY, UOP_URING, NVME_URING_CMD_ADMIN);

	u.c = identify_ctrl(self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

/*
 * Through a partition of the disk (EDGES_PART, made by ioctl_diff.sh):
 * 6.12's driver applies its partition rule (CAP_SYS_ADMIN) to the 64-bit
 * I/O ioctls only; the admin ioctls go to the controller's handler,
 * which knows nothing of partitions.
 */
#define NEED_PART() do {						\
	if (!getenv("EDGES_PART") || !*getenv("EDGES_PART"))		\
		SKIP(return, "no partition (EDGES_PART; ioctl_diff.sh makes one)"); \
} while (0)

TEST_F(edge, unpriv_part_admin64_identify_ctrl)
{
	struct uop u = UOP("part", O_RDONLY, UOP_PT64, NVME_IOCTL_ADMIN64_CMD);

	NEED_PART();
	u.c = identify_ctrl(self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_part_admin_identify_ctrl)
{
	struct uop u = UOP("part", O_RDONLY, UOP_PT32, NVME_IOCTL_ADMIN_CMD);

	NEED_PART();
	u.c = identify_ctrl(self->buf);
	check(_metadata, unprivileged(self, &u), ACCES_ON_6_1(self));
}

TEST_F(edge, unpriv_part_io64_read)
{
	struct uop u = UOP("part", O_RDONLY, UOP_PT64, NVME_IOCTL_IO64_CMD);

	NEED_PART();
	u.c = read1(self, self->buf);
	check(_metadata, unprivileged(self, &u), -EACCES);
}

/* 6.12 refuses Set Features Number of Queues even to root */
TEST_F(edge, root_set_features_num_queues)
{
	struct cmd c = { .opcode = ADM_SET_FEAT, .cdw10 = FEAT_NUM_QUEUES };

	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c),
	      self->new_rules ? -EACCES : ANY_STATUS);
}

/* --- io_uring passthrough ----------------------------------------------- */

struct ring {
	int fd;
	unsigned int sqe_size, cqe_size;
	unsigned char *sq, *cq, *sqes;
	size_t sq_len, cq_len, sqes_len;
	struct io_uring_params p;
};

static void ring_exit(struct ring *r)
{
	if (r->sqes && r->sqes != MAP_FAILED)
		munmap(r->sqes, r->sqes_len);
	if (r->cq && r->cq != MAP_FAILED)
		munmap(r->cq, r->cq_len);
	if (r->sq && r->sq != MAP_FAILED)
		munmap(r->sq, r->sq_len);
	if (r->fd >= 0)
		close(r->fd);
}

static int ring_init(struct ring *r, unsigned int flags)
{
	memset(r, 0, sizeof(*r));
	r->p.flags = flags;
	r->fd = syscall(__NR_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		return -errno;
	r->sqe_size = flags & IORING_SETUP_SQE128 ? 128 : 64;
	r->cqe_size = flags & IORING_SETUP_CQE32 ? 32 : 16;
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes + r->p.cq_entries * r->cqe_size;
	r->sqes_len = r->p.sq_entries * r->sqe_size;
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED ||
	    r->sqes == MAP_FAILED) {
		ring_exit(r);
		return -ENOMEM;
	}
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Submit one IORING_OP_URING_CMD and wait for its completion (10 s at
 * most).  The completion's res is the result: ret -1 and errno -res
 * when negative, like an ioctl.
 */
static struct res ring_cmd(struct ring *r, int fd, __u32 cmd_op,
			   __u32 uflags, const struct cmd *c)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct res out = { .ret = -1 };
	__u32 *sq_tail = (void *)(r->sq + r->p.sq_off.tail);
	__u32 *sq_array = (void *)(r->sq + r->p.sq_off.array);
	__u32 sq_mask = *(__u32 *)(r->sq + r->p.sq_off.ring_mask);
	__u32 *cq_head = (void *)(r->cq + r->p.cq_off.head);
	__u32 *cq_tail = (void *)(r->cq + r->p.cq_off.tail);
	__u32 cq_mask = *(__u32 *)(r->cq + r->p.cq_off.ring_mask);
	struct nvme_uring_cmd u = {
		.opcode = c->opcode,
		.flags = c->flags,
		.nsid = c->nsid,
		.metadata = c->metadata,
		.addr = c->addr,
		.metadata_len = c->metadata_len,
		.data_len = c->data_len,
		.cdw10 = c->cdw10,
		.cdw11 = c->cdw11,
		.cdw12 = c->cdw12,
		.cdw13 = c->cdw13,
		.cdw14 = c->cdw14,
		.cdw15 = c->cdw15,
		.timeout_ms = c->timeout_ms,
	};
	__u32 tail = *sq_tail, head, idx = tail & sq_mask;
	struct io_uring_sqe *sqe = (void *)(r->sqes + idx * r->sqe_size);
	struct io_uring_cqe *cqe;
	size_t room = r->sqe_size - offsetof(struct io_uring_sqe, cmd);
	long ret;

	memset(sqe, 0, r->sqe_size);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	sqe->uring_cmd_flags = uflags;
	sqe->user_data = 0x1234;
	memcpy(sqe->cmd, &u, sizeof(u) < room ? sizeof(u) : room);
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

	sigaction(SIGALRM, &sa, NULL);
	alarm(10);
	ret = syscall(__NR_io_uring_enter, r->fd, 1, 1,
		      IORING_ENTER_GETEVENTS, NULL, 0);
	/*
	 * On a polled ring one enter may return before the completion is
	 * posted (the polling loop yields when the task must reschedule,
	 * and a completion made by task work is posted by a later poll):
	 * enter again until it is, or the alarm.
	 */
	while (ret >= 0 && (r->p.flags & IORING_SETUP_IOPOLL) &&
	       *cq_head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE))
		ret = syscall(__NR_io_uring_enter, r->fd, 0, 1,
			      IORING_ENTER_GETEVENTS, NULL, 0);
	alarm(0);
	if (ret < 0) {
		out.err = errno;
		out.data = "enter-failed";
		return out;
	}
	head = *cq_head;
	if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
		out.err = ETIME;
		out.data = "no-completion";
		return out;
	}
	cqe = (void *)(r->cq + r->p.cq_off.cqes +
		       (head & cq_mask) * r->cqe_size);
	if (cqe->res < 0) {
		out.ret = -1;
		out.err = -cqe->res;
	} else {
		out.ret = cqe->res;
	}
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	return out;
}

#define BIG_RING (IORING_SETUP_SQE128 | IORING_SETUP_CQE32)

static struct res uring_one(int fd, __u32 cmd_op, const struct cmd *c)
{
	struct res r = { .ret = -1 };
	struct ring ring;
	int ret = ring_init(&ring, BIG_RING);

	if (ret) {
		r.err = -ret;
		r.data = "setup-failed";
		return r;
	}
	r = ring_cmd(&ring, fd, cmd_op, 0, c);
	ring_exit(&ring);
	return r;
}

/* one command on a ring with the given setup flags */
static struct res uring_flags(unsigned int flags, int fd, __u32 cmd_op,
			      __u32 uflags, const struct cmd *c)
{
	struct res r = { .ret = -1 };
	struct ring ring;
	int ret = ring_init(&ring, flags);

	if (ret) {
		r.err = -ret;
		r.data = "setup-failed";
		return r;
	}
	r = ring_cmd(&ring, fd, cmd_op, uflags, c);
	ring_exit(&ring);
	return r;
}

TEST_F(edge, uring_plain_ring)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_flags(0, self->ng, NVME_URING_CMD_IO, 0, &c),
	      -EOPNOTSUPP);
}

TEST_F(edge, uring_sqe128_only)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_flags(IORING_SETUP_SQE128, self->ng,
				     NVME_URING_CMD_IO, 0, &c), -EOPNOTSUPP);
}

TEST_F(edge, uring_cqe32_only)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_flags(IORING_SETUP_CQE32, self->ng,
				     NVME_URING_CMD_IO, 0, &c), -EOPNOTSUPP);
}

TEST_F(edge, uring_admin_plain_ring)
{
	struct cmd c = identify_ctrl(self->buf);

	check(_metadata, uring_flags(0, self->ctrl, NVME_URING_CMD_ADMIN, 0,
				     &c), -EOPNOTSUPP);
}

TEST_F(edge, uring_read)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), 0);
}

TEST_F(edge, uring_read_vec)
{
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = vec_read(self, &iov, 1);

	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO_VEC, &c), 0);
}

/* see admin_huge_write */
TEST_F(edge, uring_huge_write)
{
	struct cmd c = huge_write(self);

	if (!self->cnvme)
		SKIP_CASE(return, REF_HUGE);
	ASSERT_NE(0ULL, c.addr);
	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), -EINVAL);
}

TEST_F(edge, uring_flags)
{
	struct cmd c = read1(self, self->buf);

	c.flags = 1;
	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), -EINVAL);
}

TEST_F(edge, uring_admin_flags)
{
	struct cmd c = identify_ctrl(self->buf);

	c.flags = 0x40;
	check(_metadata, uring_one(self->ctrl, NVME_URING_CMD_ADMIN, &c),
	      -EINVAL);
}

TEST_F(edge, uring_nsid_other)
{
	struct cmd c = read1(self, self->buf);

	c.nsid = self->nsid + 1;
	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), -EINVAL);
}

TEST_F(edge, uring_addr_unmapped)
{
	struct cmd c = read1(self, self->none);

	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), -EFAULT);
}

TEST_F(edge, uring_vec_array_unmapped)
{
	struct cmd c = vec_read(self, self->none, 1);

	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO_VEC, &c),
	      -EFAULT);
}

TEST_F(edge, uring_metadata_with_data)
{
	struct cmd c = read1(self, self->buf);

	if (self->ref61)
		SKIP_CASE(return, REF_META_LEAK);

	c.metadata = (unsigned long)self->buf2;
	c.metadata_len = 8;
	check(_metadata, uring_one(self->ng, NVME_URING_CMD_IO, &c), -EINVAL);
}

TEST_F(edge, uring_admin_on_ng)
{
	struct cmd c = identify_ctrl(self->buf);

	check(_metadata, uring_one(self->ng, NVME_URING_CMD_ADMIN, &c),
	      -ENOTTY);
}

TEST_F(edge, uring_io_on_ctrl)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_one(self->ctrl, NVME_URING_CMD_IO, &c),
	      -ENOTTY);
}

TEST_F(edge, uring_unknown_op)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_one(self->ng, _IOWR('N', 0x8f, __u64), &c),
	      -ENOTTY);
}

/*
 * The disk is the block layer's: before 6.12 it has no io_uring command
 * handler, from 6.12 one that knows only its own (discard) commands.
 */
TEST_F(edge, uring_on_blk)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_one(self->blk, NVME_URING_CMD_IO, &c),
	      self->blk_uring ? -EINVAL : -EOPNOTSUPP);
}

TEST_F(edge, uring_admin_identify)
{
	struct cmd c = identify_ctrl(self->buf);

	check(_metadata, uring_one(self->ctrl, NVME_URING_CMD_ADMIN, &c), 0);
}

/*
 * The controller node has no ->uring_cmd_iopoll: io_uring refuses such
 * a file on a polled ring before 7.2, where it completes the command
 * the usual way (both seen with the in-kernel driver).
 */
TEST_F(edge, uring_iopoll_admin)
{
	struct cmd c = identify_ctrl(self->buf);

	check(_metadata, uring_flags(BIG_RING | IORING_SETUP_IOPOLL,
				     self->ctrl, NVME_URING_CMD_ADMIN, 0, &c),
	      self->kver >= 702 ? 0 : -EOPNOTSUPP);
}

/* without poll queues the command still completes, by interrupt */
TEST_F(edge, uring_iopoll_read)
{
	struct cmd c = read1(self, self->buf);

	check(_metadata, uring_flags(BIG_RING | IORING_SETUP_IOPOLL, self->ng,
				     NVME_URING_CMD_IO, 0, &c), 0);
}

/*
 * Registered buffers are for plain commands only, until the kernel can
 * import a vector of them (io_uring_cmd_import_fixed_vec(), 6.15: the
 * in-kernel driver of 7.2 takes them)
 */
TEST_F(edge, uring_fixed_vec)
{
	struct iovec reg = { self->buf, PAGE };
	struct iovec iov = { self->buf, self->lba };
	struct cmd c = vec_read(self, &iov, 1);
	struct ring ring;

	if (self->ref61)
		SKIP_CASE(return, REF_FIXED_VEC);
	ASSERT_EQ(0, ring_init(&ring, BIG_RING));
	ASSERT_EQ(0, syscall(__NR_io_uring_register, ring.fd,
			     IORING_REGISTER_BUFFERS, &reg, 1));
	check(_metadata, ring_cmd(&ring, self->ng, NVME_URING_CMD_IO_VEC,
				  IORING_URING_CMD_FIXED, &c),
	      self->kver >= 702 ? 0 : -EINVAL);
	ring_exit(&ring);
}

TEST_F(edge, uring_fixed_read)
{
	struct iovec reg = { self->buf, PAGE };
	struct cmd c = read1(self, self->buf);
	struct ring ring;

	ASSERT_EQ(0, ring_init(&ring, BIG_RING));
	ASSERT_EQ(0, syscall(__NR_io_uring_register, ring.fd,
			     IORING_REGISTER_BUFFERS, &reg, 1));
	check(_metadata, ring_cmd(&ring, self->ng, NVME_URING_CMD_IO,
				  IORING_URING_CMD_FIXED, &c), 0);
	ring_exit(&ring);
}

/* the buffer must lie inside the registered one */
TEST_F(edge, uring_fixed_outside)
{
	struct iovec reg = { self->buf, PAGE };
	struct cmd c = read1(self, self->buf + 2 * PAGE);
	struct ring ring;

	ASSERT_EQ(0, ring_init(&ring, BIG_RING));
	ASSERT_EQ(0, syscall(__NR_io_uring_register, ring.fd,
			     IORING_REGISTER_BUFFERS, &reg, 1));
	check(_metadata, ring_cmd(&ring, self->ng, NVME_URING_CMD_IO,
				  IORING_URING_CMD_FIXED, &c), -EFAULT);
	ring_exit(&ring);
}

/* --- an admin command that never completes: timeout_ms ------------------ */

static void wait_live(const char *ctrl_path)
{
	char path[PATH_MAX], state[32];
	int i;

	snprintf(path, sizeof(path), "/sys/class/nvme/%s/state",
		 strrchr(ctrl_path, '/') + 1);
	for (i = 0; i < 300; i++) {
		if (read_attr(path, state, sizeof(state)) > 0 &&
		    !strncmp(state, "live", 4))
			return;
		usleep(100000);
	}
}

/*
 * QEMU holds an Asynchronous Event Request until an event: the request
 * times out after timeout_ms, the controller is reset and the caller
 * gets EINTR.  Last, as it resets the controller.
 */
TEST_F_TIMEOUT(edge, zz_timeout_aer_cancelled, 60)
{
	struct cmd c = { .opcode = ADM_AER, .timeout_ms = 2000 };

	check(_metadata, run32(self->ctrl, NVME_IOCTL_ADMIN_CMD, &c), -EINTR);
	wait_live(self->ctrl_path);
}

TEST_HARNESS_MAIN
