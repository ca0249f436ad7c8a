/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: what the in-kernel driver of each kernel does differently, so
 * that cnvme does the same there.  These are behaviour, not APIs: no
 * header tells them, so they go by kernel version, each at the first
 * kernel whose in-kernel driver cnvme's differential tests compared it
 * with (6.1, 6.12, 7.2), with the upstream release of the change where
 * it is known.
 */
#ifndef CNVME_PARITY_H
#define CNVME_PARITY_H

#include <linux/t10-pi.h>
#include <linux/types.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define CNVME_PARITY_6_12	1
#else
#define CNVME_PARITY_6_12	0
#endif

#if KERNEL_VERSION(7, 2, 0) <= LINUX_VERSION_CODE
#define CNVME_PARITY_7_2	1
#else
#define CNVME_PARITY_7_2	0
#endif

/*
 * SUBMIT_IO with PRACT: does the controller insert and strip all the
 * metadata, so that the caller passes none?  6.12's driver compares the
 * metadata size with the PI size (0 without PI); 6.1's with the 8-byte
 * tuple.
 */
static inline bool cnvme_pract_strips_meta(u16 ms, u8 pi_type)
{
	if (CNVME_PARITY_6_12)
		return ms == (pi_type ? sizeof(struct t10_pi_tuple) : 0);
	return ms == sizeof(struct t10_pi_tuple);
}

/*
 * Attributes 6.1's driver lacks: the namespace's csi, metadata_bytes,
 * nuse and passthru_err_log_enabled, the controller's
 * passthru_err_log_enabled (6.8), and the queue-depth I/O policy (6.11).
 */
#define CNVME_SYSFS_6_12	CNVME_PARITY_6_12

/*
 * Data segments per request (127 on 6.1, 128 later), and whether the
 * optimal I/O size defaults to the block size (6.1) or to none (6.11,
 * with the atomic queue limits).
 */
#define CNVME_QUEUE_MAX_SEGMENTS	(CNVME_PARITY_6_12 ? 128 : 127)
#define CNVME_IO_OPT_IS_BLOCK		(!CNVME_PARITY_6_12)

/*
 * Who may send passthrough commands.  6.1 asks for CAP_SYS_ADMIN on every
 * passthrough path but SUBMIT_IO; later kernels let unprivileged callers
 * send harmless commands and check SUBMIT_IO too (effects.c has the
 * rules).
 */
#define CNVME_FINE_PERMISSIONS		CNVME_PARITY_6_12

/*
 * Attributes 7.2's driver added: the controller's admin_timeout,
 * io_timeout (milliseconds, writable), quirks and diag/ counters; the
 * namespace disk's diag/ counters, numa_nodes and queue_depth.
 */
/*
 * The timeout messages name the tag with its command id, the opcode and
 * (Abort) the request's operation and size since 6.12 ("I/O tag 5 (1005)
 * opcode 0x2 (I/O Cmd) QID 1 timeout, aborting req_op:READ(0)
 * size:4096"); 6.1's say "I/O 5 (I/O Cmd) QID 1 timeout, aborting".
 */
#define CNVME_LOG_TAG_CID		CNVME_PARITY_6_12

/*
 * A shutdown that does not complete in time: 6.12 says "Device not
 * ready; aborting shutdown, CSTS=0x%x", 6.1 "Device shutdown incomplete;
 * abort shutdown".
 */
#define CNVME_LOG_SHUTDOWN_NOT_READY	CNVME_PARITY_6_12

#define CNVME_SYSFS_7_2			CNVME_PARITY_7_2

/* A multipath head stacks its paths' atomic-write limits (7.2's driver). */
#define CNVME_HEAD_ATOMIC_WRITES	CNVME_PARITY_7_2

/*
 * The discard granularity: the namespace's preferred deallocate
 * granularity (NPDG, valid with NSFEAT OPTPERF) on 7.2's driver, the
 * block size before.
 */
#define CNVME_DISCARD_GRAN_NPDG		CNVME_PARITY_7_2

#endif /* CNVME_PARITY_H */
