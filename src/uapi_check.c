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

#define CNVME_SAME_FIELD(ours, theirs, field)				\
	(offsetof(struct ours, field) == offsetof(struct theirs, field) &&	\
	 sizeof_field(struct ours, field) == sizeof_field(struct theirs, field))

#define CNVME_PASSTHRU_FIELDS_MATCH(ours, theirs)			\
	(CNVME_SAME_FIELD(ours, theirs, opcode) &&			\
	 CNVME_SAME_FIELD(ours, theirs, flags) &&			\
	 CNVME_SAME_FIELD(ours, theirs, nsid) &&			\
	 CNVME_SAME_FIELD(ours, theirs, cdw2) &&			\
	 CNVME_SAME_FIELD(ours, theirs, cdw3) &&			\
	 CNVME_SAME_FIELD(ours, theirs, metadata) &&			\
	 CNVME_SAME_FIELD(ours, theirs, addr) &&			\
	 CNVME_SAME_FIELD(ours, theirs, metadata_len) &&		\
	 CNVME_SAME_FIELD(ours, theirs, data_len) &&			\
	 CNVME_SAME_FIELD(ours, theirs, cdw10) &&			\
	 CNVME_SAME_FIELD(ours, theirs, cdw15) &&			\
	 CNVME_SAME_FIELD(ours, theirs, timeout_ms))

void cnvme_uapi_check(void)
{
	BUILD_BUG_ON(sizeof(struct cnvme_user_io) != sizeof(struct nvme_user_io));
	BUILD_BUG_ON(!CNVME_SAME_FIELD(cnvme_user_io, nvme_user_io, slba));
	BUILD_BUG_ON(!CNVME_SAME_FIELD(cnvme_user_io, nvme_user_io, appmask));

	BUILD_BUG_ON(sizeof(struct cnvme_passthru_cmd) !=
		     sizeof(struct nvme_passthru_cmd));
	BUILD_BUG_ON(!CNVME_PASSTHRU_FIELDS_MATCH(cnvme_passthru_cmd,
						  nvme_passthru_cmd));
	BUILD_BUG_ON(!CNVME_SAME_FIELD(cnvme_passthru_cmd, nvme_passthru_cmd,
				       result));

	BUILD_BUG_ON(sizeof(struct cnvme_passthru_cmd64) !=
		     sizeof(struct nvme_passthru_cmd64));
	BUILD_BUG_ON(!CNVME_PASSTHRU_FIELDS_MATCH(cnvme_passthru_cmd64,
						  nvme_passthru_cmd64));
	BUILD_BUG_ON(!CNVME_SAME_FIELD(cnvme_passthru_cmd64,
				       nvme_passthru_cmd64, result));

	BUILD_BUG_ON(sizeof(struct cnvme_uring_cmd) !=
		     sizeof(struct nvme_uring_cmd));
	BUILD_BUG_ON(!CNVME_PASSTHRU_FIELDS_MATCH(cnvme_uring_cmd,
						  nvme_uring_cmd));

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
