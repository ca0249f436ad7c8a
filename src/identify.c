// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: Identify Controller and what the driver keeps of it.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "cnvme.h"

/* Length of a space-padded Identify string without its padding. */
int cnvme_id_str_len(const char *s, int len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
		len--;
	return len;
}

/*
 * The subsystem NQN as the in-kernel driver reports it: Identify SUBNQN
 * when it is non-empty and terminated within its field, otherwise the
 * form made of the vendor ids, the serial and the model.
 */
static void cnvme_init_subnqn(struct cnvme_ctrl *ctrl)
{
	struct nvme_id_ctrl *id = ctrl->id;
	size_t nqnlen = strnlen(id->subnqn, NVMF_NQN_SIZE);
	int off;

	if (nqnlen > 0 && nqnlen < NVMF_NQN_SIZE) {
		strscpy(ctrl->subsysnqn, id->subnqn, NVMF_NQN_SIZE);
		return;
	}

	off = snprintf(ctrl->subsysnqn, NVMF_NQN_SIZE,
		       "nqn.2014.08.org.nvmexpress:%04x%04x",
		       le16_to_cpu(id->vid), le16_to_cpu(id->ssvid));
	memcpy(ctrl->subsysnqn + off, id->sn, sizeof(id->sn));
	off += sizeof(id->sn);
	memcpy(ctrl->subsysnqn + off, id->mn, sizeof(id->mn));
	off += sizeof(id->mn);
	memset(ctrl->subsysnqn + off, 0, NVMF_NQN_SIZE - off);
}

int cnvme_identify_ctrl(struct cnvme_ctrl *ctrl)
{
	struct nvme_id_ctrl *id;
	int ret;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;

	ret = cnvme_identify(ctrl, NVME_ID_CNS_CTRL, 0, 0, id, sizeof(*id));
	if (ret) {
		dev_err(&ctrl->dev, "Identify Controller failed (%d)\n", ret);
		kfree(id);
		return ret < 0 ? ret : -EIO;
	}

	/*
	 * After a reset, refresh the copy in place: sysfs readers and the
	 * namespace scan may hold ctrl->id while the reset work runs.
	 */
	if (ctrl->id) {
		memcpy(ctrl->id, id, sizeof(*id));
		kfree(id);
		id = ctrl->id;
	} else {
		ctrl->id = id;
	}
	ctrl->cntlid = le16_to_cpu(id->cntlid);
	WRITE_ONCE(ctrl->cntrltype, id->cntrltype);
	WRITE_ONCE(ctrl->dctype, id->dctype);
	ctrl->rtd3e = le32_to_cpu(id->rtd3e);
	ctrl->crdt[0] = le16_to_cpu(id->crdt1);
	ctrl->crdt[1] = le16_to_cpu(id->crdt2);
	ctrl->crdt[2] = le16_to_cpu(id->crdt3);
	memcpy(ctrl->strs.serial, id->sn, sizeof(id->sn));
	memcpy(ctrl->strs.model, id->mn, sizeof(id->mn));
	memcpy(ctrl->strs.firmware_rev, id->fr, sizeof(id->fr));
	cnvme_init_subnqn(ctrl);

	/* not logged by the in-kernel driver: for dynamic debug */
	dev_dbg(&ctrl->dev,
		"%.*s, serial %.*s, firmware %.*s, NVMe %u.%u\n",
		 cnvme_id_str_len(id->mn, sizeof(id->mn)), id->mn,
		 cnvme_id_str_len(id->sn, sizeof(id->sn)), id->sn,
		 cnvme_id_str_len(id->fr, sizeof(id->fr)), id->fr,
		 NVME_MAJOR(ctrl->vs), NVME_MINOR(ctrl->vs));
	return 0;
}

/*
 * Identify Controller for the NVM command set (CNS 06h, NVMe 1.4): the
 * limits of Dataset Management and Write Zeroes.  A controller that does
 * not know the CNS keeps the defaults.
 */
void cnvme_identify_nvm_limits(struct cnvme_ctrl *ctrl)
{
	struct nvme_id_ctrl_nvm *id;

	ctrl->dmrl = 0;
	ctrl->dmrsl = 0;
	ctrl->max_zeroes_sectors = ctrl->max_hw_sectors;
	if (ctrl->vs < NVME_VS(1, 2, 0))
		return;
	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return;
	if (!cnvme_identify(ctrl, NVME_ID_CNS_CS_CTRL, 0, NVME_CSI_NVM, id,
			    sizeof(*id))) {
		ctrl->dmrl = id->dmrl;
		ctrl->dmrsl = le32_to_cpu(id->dmrsl);
		/* WZSL is a power of two in units of the minimum page size */
		if (id->wzsl)
			ctrl->max_zeroes_sectors =
				min_t(u64, ctrl->max_hw_sectors,
				      1ULL << (id->wzsl + 12 +
					       NVME_CAP_MPSMIN(ctrl->cap) -
					       SECTOR_SHIFT));
	}
	kfree(id);
}
