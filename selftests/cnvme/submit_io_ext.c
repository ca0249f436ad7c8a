// SPDX-License-Identifier: GPL-2.0
/*
 * NVME_IOCTL_SUBMIT_IO on a namespace whose format the block layer cannot
 * use (meta topology, NSID 3: 4096-byte blocks with 8 bytes of metadata
 * interleaved, no PI).  The disk has capacity 0, but the ioctl still
 * reaches the namespace, and the transfer is the real block size plus the
 * interleaved metadata: one block is 4104 bytes.  The driver must map
 * all of them.  Before, cnvme mapped (nblocks + 1) << 9 bytes for such a
 * namespace while the controller moved 4104: the last bytes of a read
 * went to wherever PRP2 pointed (guest physical address 0), and those of
 * a write came from there.
 *
 * Checks: the disk shows the real block size (as the in-kernel driver
 * does) and capacity 0; a one-block and a two-block write then read of
 * a pattern, data and metadata, come back whole.  The same on the
 * in-kernel driver, which is the reference.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>
#include "tap_plain.h"

#define NSID		3
#define LBS		4096
#define MS		8
#define OP_WRITE	0x01
#define OP_READ		0x02


static int read_attr(const char *disk, const char *attr, char *buf, int len)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "/sys/block/%s/%s", disk, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	return 0;
}

/* The disk of namespace NSID (not a multipath path disk). */
static int find_disk(char *out, int len)
{
	struct dirent *e;
	char v[64];
	DIR *d = opendir("/sys/block");

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "nvme", 4) || strchr(e->d_name + 4, 'c'))
			continue;
		if (read_attr(e->d_name, "nsid", v, sizeof(v)) ||
		    atoi(v) != NSID)
			continue;
		snprintf(out, len, "%s", e->d_name);
		closedir(d);
		return 0;
	}
	closedir(d);
	return -1;
}

static int submit(int fd, __u8 op, void *buf, __u16 nblocks, __u64 slba)
{
	struct nvme_user_io io = {
		.opcode = op,
		.nblocks = nblocks,
		.addr = (unsigned long)buf,
		.slba = slba,
	};

	return ioctl(fd, NVME_IOCTL_SUBMIT_IO, &io);
}

/* write then read back @nblocks + 1 blocks at @off in a 3-page buffer */
static void round_trip(int fd, __u16 nblocks, size_t off, const char *name)
{
	size_t len = (nblocks + 1) * (LBS + MS);
	unsigned char *buf, *want;
	char why[160];
	size_t i;
	int r;

	buf = mmap(NULL, 4 * LBS, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	want = malloc(len);
	if (buf == MAP_FAILED || !want) {
		tap(0, name, "no memory");
		return;
	}
	for (i = 0; i < len; i++)
		want[i] = (unsigned char)(i * 7 + nblocks + 1);
	memcpy(buf + off, want, len);
	r = submit(fd, OP_WRITE, buf + off, nblocks, 16);
	if (r) {
		snprintf(why, sizeof(why), "write: ret %d errno %d", r, errno);
		tap(0, name, why);
		goto out;
	}
	memset(buf, 0, 4 * LBS);
	r = submit(fd, OP_READ, buf + off, nblocks, 16);
	if (r) {
		snprintf(why, sizeof(why), "read: ret %d errno %d", r, errno);
		tap(0, name, why);
		goto out;
	}
	for (i = 0; i < len && buf[off + i] == want[i]; i++)
		;
	snprintf(why, sizeof(why), "byte %zu of %zu differs: %#x, wrote %#x",
		 i, len, i < len ? buf[off + i] : 0, i < len ? want[i] : 0);
	tap(i == len, name, why);
out:
	munmap(buf, 4 * LBS);
	free(want);
}

int main(void)
{
	const char *topo = getenv("TOPO");
	char disk[64], path[96], v[64], why[160];
	int fd;

	printf("TAP version 13\n1..4\n");
	if (!topo || strcmp(topo, "meta") || find_disk(disk, sizeof(disk))) {
		for (int i = 1; i <= 4; i++)
			printf("ok %d # SKIP needs the meta topology's NSID 3 (4096+8 interleaved)\n",
			       i);
		return 4;
	}
	read_attr(disk, "queue/logical_block_size", v, sizeof(v));
	snprintf(why, sizeof(why), "%s: logical_block_size %s", disk, v);
	tap(atoi(v) == LBS, "the disk shows the namespace's 4096-byte blocks", why);
	read_attr(disk, "size", v, sizeof(v));
	snprintf(why, sizeof(why), "%s: size %s", disk, v);
	tap(atoi(v) == 0, "capacity 0: the block layer cannot use the format", why);

	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		snprintf(why, sizeof(why), "open %s: %s", path, strerror(errno));
		tap(0, "one block: 4104 bytes written and read back", why);
		tap(0, "two blocks across pages: 8208 bytes back", why);
		return 1;
	}
	round_trip(fd, 0, 0, "one block: 4104 bytes written and read back");
	round_trip(fd, 1, 512, "two blocks across pages: 8208 bytes back");
	close(fd);
	return tap_failed ? 1 : 0;
}
