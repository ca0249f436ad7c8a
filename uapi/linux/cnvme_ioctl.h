/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user ABI of cnvme: the NVMe passthrough ioctls and io_uring
 * commands, binary-compatible with <linux/nvme_ioctl.h> so that nvme-cli,
 * libnvme and fio work unchanged.  The driver checks at build time that
 * every size, offset and number here equals the kernel's.
 */
#ifndef _UAPI_LINUX_CNVME_IOCTL_H
#define _UAPI_LINUX_CNVME_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* NVME_IOCTL_SUBMIT_IO: read (0x02), write (0x01) or compare (0x05). */
struct cnvme_user_io {
	__u8	opcode;
	__u8	flags;		/* must be 0 */
	__u16	control;
	__u16	nblocks;	/* 0's based */
	__u16	rsvd;
	__u64	metadata;	/* user pointer */
	__u64	addr;		/* user pointer */
	__u64	slba;
	__u32	dsmgmt;
	__u32	reftag;
	__u16	apptag;
	__u16	appmask;
};

/* NVME_IOCTL_ADMIN_CMD and NVME_IOCTL_IO_CMD: 32-bit result. */
struct cnvme_passthru_cmd {
	__u8	opcode;
	__u8	flags;		/* must be 0 */
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;	/* user pointer */
	__u64	addr;		/* user pointer */
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;	/* 0: the driver's default */
	__u32	result;		/* out: completion dword 0 */
};

/* The 64-bit variants: result is dwords 0 and 1 of the completion. */
struct cnvme_passthru_cmd64 {
	__u8	opcode;
	__u8	flags;
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	union {
		__u32	data_len;
		__u32	vec_cnt;	/* NVME_IOCTL_IO64_CMD_VEC */
	};
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32	rsvd2;
	__u64	result;
};

/* io_uring passthrough (IORING_OP_URING_CMD, SQE128 and CQE32 rings). */
struct cnvme_uring_cmd {
	__u8	opcode;
	__u8	flags;
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32	rsvd2;
};

#define CNVME_IOCTL_ID		_IO('N', 0x40)
#define CNVME_IOCTL_ADMIN_CMD	_IOWR('N', 0x41, struct cnvme_passthru_cmd)
#define CNVME_IOCTL_SUBMIT_IO	_IOW('N', 0x42, struct cnvme_user_io)
#define CNVME_IOCTL_IO_CMD	_IOWR('N', 0x43, struct cnvme_passthru_cmd)
#define CNVME_IOCTL_RESET	_IO('N', 0x44)
#define CNVME_IOCTL_SUBSYS_RESET _IO('N', 0x45)
#define CNVME_IOCTL_RESCAN	_IO('N', 0x46)
#define CNVME_IOCTL_ADMIN64_CMD	_IOWR('N', 0x47, struct cnvme_passthru_cmd64)
#define CNVME_IOCTL_IO64_CMD	_IOWR('N', 0x48, struct cnvme_passthru_cmd64)
#define CNVME_IOCTL_IO64_CMD_VEC _IOWR('N', 0x49, struct cnvme_passthru_cmd64)

#define CNVME_URING_CMD_IO	_IOWR('N', 0x80, struct cnvme_uring_cmd)
#define CNVME_URING_CMD_IO_VEC	_IOWR('N', 0x81, struct cnvme_uring_cmd)
#define CNVME_URING_CMD_ADMIN	_IOWR('N', 0x82, struct cnvme_uring_cmd)
#define CNVME_URING_CMD_ADMIN_VEC _IOWR('N', 0x83, struct cnvme_uring_cmd)

#endif /* _UAPI_LINUX_CNVME_IOCTL_H */
