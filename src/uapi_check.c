// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the ABI in uapi/linux/cnvme_ioctl.h must be the kernel's own
 * (<linux/nvme_ioctl.h>), field for field; the build fails otherwise.
 */
#include <linux/build_bug.h>
#include <linux/nvme_ioctl.h>
#include <linux/stddef.h>

#include "cnvme.h"
#include <linux/cnvme_ioctl.h>

void cnvme_uapi_check(void)
{
	/* struct cnvme_passthru_cmd is struct nvme_passthru_cmd */
	BUILD_BUG_ON(sizeof(struct cnvme_passthru_cmd) != sizeof(struct nvme_passthru_cmd));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, opcode) !=
		     offsetof(struct nvme_passthru_cmd, opcode));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, opcode) !=
		     sizeof_field(struct nvme_passthru_cmd, opcode));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, flags) !=
		     offsetof(struct nvme_passthru_cmd, flags));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, flags) !=
		     sizeof_field(struct nvme_passthru_cmd, flags));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, rsvd1) !=
		     offsetof(struct nvme_passthru_cmd, rsvd1));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, rsvd1) !=
		     sizeof_field(struct nvme_passthru_cmd, rsvd1));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, nsid) !=
		     offsetof(struct nvme_passthru_cmd, nsid));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, nsid) !=
		     sizeof_field(struct nvme_passthru_cmd, nsid));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw2) !=
		     offsetof(struct nvme_passthru_cmd, cdw2));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw2) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw2));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw3) !=
		     offsetof(struct nvme_passthru_cmd, cdw3));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw3) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw3));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, metadata) !=
		     offsetof(struct nvme_passthru_cmd, metadata));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, metadata) !=
		     sizeof_field(struct nvme_passthru_cmd, metadata));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, addr) !=
		     offsetof(struct nvme_passthru_cmd, addr));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, addr) !=
		     sizeof_field(struct nvme_passthru_cmd, addr));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, metadata_len) !=
		     offsetof(struct nvme_passthru_cmd, metadata_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, metadata_len) !=
		     sizeof_field(struct nvme_passthru_cmd, metadata_len));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, data_len) !=
		     offsetof(struct nvme_passthru_cmd, data_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, data_len) !=
		     sizeof_field(struct nvme_passthru_cmd, data_len));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw10) !=
		     offsetof(struct nvme_passthru_cmd, cdw10));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw10) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw10));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw11) !=
		     offsetof(struct nvme_passthru_cmd, cdw11));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw11) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw11));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw12) !=
		     offsetof(struct nvme_passthru_cmd, cdw12));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw12) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw12));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw13) !=
		     offsetof(struct nvme_passthru_cmd, cdw13));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw13) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw13));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw14) !=
		     offsetof(struct nvme_passthru_cmd, cdw14));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw14) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw14));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, cdw15) !=
		     offsetof(struct nvme_passthru_cmd, cdw15));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, cdw15) !=
		     sizeof_field(struct nvme_passthru_cmd, cdw15));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, timeout_ms) !=
		     offsetof(struct nvme_passthru_cmd, timeout_ms));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, timeout_ms) !=
		     sizeof_field(struct nvme_passthru_cmd, timeout_ms));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd, result) !=
		     offsetof(struct nvme_passthru_cmd, result));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd, result) !=
		     sizeof_field(struct nvme_passthru_cmd, result));

	/* struct cnvme_passthru_cmd64 is struct nvme_passthru_cmd64 */
	BUILD_BUG_ON(sizeof(struct cnvme_passthru_cmd64) != sizeof(struct nvme_passthru_cmd64));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, opcode) !=
		     offsetof(struct nvme_passthru_cmd64, opcode));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, opcode) !=
		     sizeof_field(struct nvme_passthru_cmd64, opcode));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, flags) !=
		     offsetof(struct nvme_passthru_cmd64, flags));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, flags) !=
		     sizeof_field(struct nvme_passthru_cmd64, flags));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, rsvd1) !=
		     offsetof(struct nvme_passthru_cmd64, rsvd1));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, rsvd1) !=
		     sizeof_field(struct nvme_passthru_cmd64, rsvd1));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, nsid) !=
		     offsetof(struct nvme_passthru_cmd64, nsid));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, nsid) !=
		     sizeof_field(struct nvme_passthru_cmd64, nsid));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw2) !=
		     offsetof(struct nvme_passthru_cmd64, cdw2));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw2) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw2));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw3) !=
		     offsetof(struct nvme_passthru_cmd64, cdw3));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw3) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw3));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, metadata) !=
		     offsetof(struct nvme_passthru_cmd64, metadata));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, metadata) !=
		     sizeof_field(struct nvme_passthru_cmd64, metadata));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, addr) !=
		     offsetof(struct nvme_passthru_cmd64, addr));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, addr) !=
		     sizeof_field(struct nvme_passthru_cmd64, addr));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, metadata_len) !=
		     offsetof(struct nvme_passthru_cmd64, metadata_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, metadata_len) !=
		     sizeof_field(struct nvme_passthru_cmd64, metadata_len));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, data_len) !=
		     offsetof(struct nvme_passthru_cmd64, data_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, data_len) !=
		     sizeof_field(struct nvme_passthru_cmd64, data_len));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw10) !=
		     offsetof(struct nvme_passthru_cmd64, cdw10));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw10) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw10));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw11) !=
		     offsetof(struct nvme_passthru_cmd64, cdw11));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw11) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw11));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw12) !=
		     offsetof(struct nvme_passthru_cmd64, cdw12));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw12) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw12));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw13) !=
		     offsetof(struct nvme_passthru_cmd64, cdw13));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw13) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw13));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw14) !=
		     offsetof(struct nvme_passthru_cmd64, cdw14));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw14) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw14));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, cdw15) !=
		     offsetof(struct nvme_passthru_cmd64, cdw15));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, cdw15) !=
		     sizeof_field(struct nvme_passthru_cmd64, cdw15));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, timeout_ms) !=
		     offsetof(struct nvme_passthru_cmd64, timeout_ms));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, timeout_ms) !=
		     sizeof_field(struct nvme_passthru_cmd64, timeout_ms));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, rsvd2) !=
		     offsetof(struct nvme_passthru_cmd64, rsvd2));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, rsvd2) !=
		     sizeof_field(struct nvme_passthru_cmd64, rsvd2));
	BUILD_BUG_ON(offsetof(struct cnvme_passthru_cmd64, result) !=
		     offsetof(struct nvme_passthru_cmd64, result));
	BUILD_BUG_ON(sizeof_field(struct cnvme_passthru_cmd64, result) !=
		     sizeof_field(struct nvme_passthru_cmd64, result));

	/* struct cnvme_uring_cmd is struct nvme_uring_cmd */
	BUILD_BUG_ON(sizeof(struct cnvme_uring_cmd) != sizeof(struct nvme_uring_cmd));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, opcode) !=
		     offsetof(struct nvme_uring_cmd, opcode));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, opcode) !=
		     sizeof_field(struct nvme_uring_cmd, opcode));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, flags) !=
		     offsetof(struct nvme_uring_cmd, flags));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, flags) !=
		     sizeof_field(struct nvme_uring_cmd, flags));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, rsvd1) !=
		     offsetof(struct nvme_uring_cmd, rsvd1));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, rsvd1) !=
		     sizeof_field(struct nvme_uring_cmd, rsvd1));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, nsid) !=
		     offsetof(struct nvme_uring_cmd, nsid));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, nsid) !=
		     sizeof_field(struct nvme_uring_cmd, nsid));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw2) !=
		     offsetof(struct nvme_uring_cmd, cdw2));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw2) !=
		     sizeof_field(struct nvme_uring_cmd, cdw2));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw3) !=
		     offsetof(struct nvme_uring_cmd, cdw3));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw3) !=
		     sizeof_field(struct nvme_uring_cmd, cdw3));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, metadata) !=
		     offsetof(struct nvme_uring_cmd, metadata));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, metadata) !=
		     sizeof_field(struct nvme_uring_cmd, metadata));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, addr) !=
		     offsetof(struct nvme_uring_cmd, addr));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, addr) !=
		     sizeof_field(struct nvme_uring_cmd, addr));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, metadata_len) !=
		     offsetof(struct nvme_uring_cmd, metadata_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, metadata_len) !=
		     sizeof_field(struct nvme_uring_cmd, metadata_len));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, data_len) !=
		     offsetof(struct nvme_uring_cmd, data_len));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, data_len) !=
		     sizeof_field(struct nvme_uring_cmd, data_len));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw10) !=
		     offsetof(struct nvme_uring_cmd, cdw10));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw10) !=
		     sizeof_field(struct nvme_uring_cmd, cdw10));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw11) !=
		     offsetof(struct nvme_uring_cmd, cdw11));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw11) !=
		     sizeof_field(struct nvme_uring_cmd, cdw11));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw12) !=
		     offsetof(struct nvme_uring_cmd, cdw12));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw12) !=
		     sizeof_field(struct nvme_uring_cmd, cdw12));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw13) !=
		     offsetof(struct nvme_uring_cmd, cdw13));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw13) !=
		     sizeof_field(struct nvme_uring_cmd, cdw13));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw14) !=
		     offsetof(struct nvme_uring_cmd, cdw14));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw14) !=
		     sizeof_field(struct nvme_uring_cmd, cdw14));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, cdw15) !=
		     offsetof(struct nvme_uring_cmd, cdw15));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, cdw15) !=
		     sizeof_field(struct nvme_uring_cmd, cdw15));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, timeout_ms) !=
		     offsetof(struct nvme_uring_cmd, timeout_ms));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, timeout_ms) !=
		     sizeof_field(struct nvme_uring_cmd, timeout_ms));
	BUILD_BUG_ON(offsetof(struct cnvme_uring_cmd, rsvd2) !=
		     offsetof(struct nvme_uring_cmd, rsvd2));
	BUILD_BUG_ON(sizeof_field(struct cnvme_uring_cmd, rsvd2) !=
		     sizeof_field(struct nvme_uring_cmd, rsvd2));

	/* struct cnvme_user_io is struct nvme_user_io */
	BUILD_BUG_ON(sizeof(struct cnvme_user_io) != sizeof(struct nvme_user_io));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, opcode) !=
		     offsetof(struct nvme_user_io, opcode));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, opcode) !=
		     sizeof_field(struct nvme_user_io, opcode));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, flags) !=
		     offsetof(struct nvme_user_io, flags));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, flags) !=
		     sizeof_field(struct nvme_user_io, flags));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, control) !=
		     offsetof(struct nvme_user_io, control));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, control) !=
		     sizeof_field(struct nvme_user_io, control));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, nblocks) !=
		     offsetof(struct nvme_user_io, nblocks));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, nblocks) !=
		     sizeof_field(struct nvme_user_io, nblocks));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, rsvd) !=
		     offsetof(struct nvme_user_io, rsvd));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, rsvd) !=
		     sizeof_field(struct nvme_user_io, rsvd));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, metadata) !=
		     offsetof(struct nvme_user_io, metadata));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, metadata) !=
		     sizeof_field(struct nvme_user_io, metadata));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, addr) !=
		     offsetof(struct nvme_user_io, addr));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, addr) !=
		     sizeof_field(struct nvme_user_io, addr));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, slba) !=
		     offsetof(struct nvme_user_io, slba));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, slba) !=
		     sizeof_field(struct nvme_user_io, slba));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, dsmgmt) !=
		     offsetof(struct nvme_user_io, dsmgmt));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, dsmgmt) !=
		     sizeof_field(struct nvme_user_io, dsmgmt));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, reftag) !=
		     offsetof(struct nvme_user_io, reftag));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, reftag) !=
		     sizeof_field(struct nvme_user_io, reftag));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, apptag) !=
		     offsetof(struct nvme_user_io, apptag));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, apptag) !=
		     sizeof_field(struct nvme_user_io, apptag));
	BUILD_BUG_ON(offsetof(struct cnvme_user_io, appmask) !=
		     offsetof(struct nvme_user_io, appmask));
	BUILD_BUG_ON(sizeof_field(struct cnvme_user_io, appmask) !=
		     sizeof_field(struct nvme_user_io, appmask));

	/* the command numbers */
	BUILD_BUG_ON(CNVME_IOCTL_ID != NVME_IOCTL_ID);
	BUILD_BUG_ON(CNVME_IOCTL_ADMIN_CMD != NVME_IOCTL_ADMIN_CMD);
	BUILD_BUG_ON(CNVME_IOCTL_SUBMIT_IO != NVME_IOCTL_SUBMIT_IO);
	BUILD_BUG_ON(CNVME_IOCTL_IO_CMD != NVME_IOCTL_IO_CMD);
	BUILD_BUG_ON(CNVME_IOCTL_RESET != NVME_IOCTL_RESET);
	BUILD_BUG_ON(CNVME_IOCTL_SUBSYS_RESET != NVME_IOCTL_SUBSYS_RESET);
	BUILD_BUG_ON(CNVME_IOCTL_RESCAN != NVME_IOCTL_RESCAN);
	BUILD_BUG_ON(CNVME_IOCTL_ADMIN64_CMD != NVME_IOCTL_ADMIN64_CMD);
	BUILD_BUG_ON(CNVME_IOCTL_IO64_CMD != NVME_IOCTL_IO64_CMD);
	BUILD_BUG_ON(CNVME_IOCTL_IO64_CMD_VEC != NVME_IOCTL_IO64_CMD_VEC);
	BUILD_BUG_ON(CNVME_URING_CMD_IO != NVME_URING_CMD_IO);
	BUILD_BUG_ON(CNVME_URING_CMD_IO_VEC != NVME_URING_CMD_IO_VEC);
	BUILD_BUG_ON(CNVME_URING_CMD_ADMIN != NVME_URING_CMD_ADMIN);
	BUILD_BUG_ON(CNVME_URING_CMD_ADMIN_VEC != NVME_URING_CMD_ADMIN_VEC);
}
