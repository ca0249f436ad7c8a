// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the metadata buffer of a passthrough command (MPTR), for the
 * ioctls and io_uring alike.  A command without metadata never gets here:
 * the inline wrappers in cnvme.h return first.
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>
#include <linux/uaccess.h>

#include "cnvme.h"

/*
 * User metadata (MPTR) goes through a kernel bounce buffer the driver maps
 * itself: copied in before a write, copied out after a read that
 * succeeded.  Only namespaces whose metadata is a separate buffer (those
 * with a block-integrity profile) take it, and only with a data buffer,
 * as with the in-kernel driver.
 */
struct cnvme_umeta {
	struct device *dev;
	void *buf;
	dma_addr_t dma;
	u32 len;
	bool write;
	bool mapped;
	void __user *ubuf;
};

/*
 * The metadata bytes an I/O command moves on @ns: a read, write or
 * compare moves ms bytes per block into or out of MPTR, unless the
 * controller inserts and strips PI that is all the metadata (PRACT).
 * 0 for anything else.
 */
static u32 cnvme_umeta_need(struct cnvme_ns *ns, const struct nvme_command *c)
{
	u32 cdw12 = le32_to_cpu(c->common.cdw12);

	if (!ns || !ns->meta_separate)
		return 0;
	switch (c->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		break;
	default:
		return 0;
	}
	if ((cdw12 & ((u32)NVME_RW_PRINFO_PRACT << 16)) && ns->pi_type &&
	    ns->ms == sizeof(struct t10_pi_tuple))
		return 0;
	return ((cdw12 & 0xffff) + 1) * ns->ms;
}

int __cnvme_umeta_map(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		      struct cnvme_user_cmd *uc, struct cnvme_umeta **out)
{
	struct device *dev = &ctrl->pdev->dev;
	u32 need = cnvme_umeta_need(ns, &uc->cmd);
	struct cnvme_umeta *m;
	int ret;

	*out = NULL;
	/*
	 * No buffer, or a shorter one, for metadata the command moves: the
	 * controller would write to bus address 0 or past the bounce buffer.
	 * (Metadata is mapped only together with a data buffer.)
	 */
	if (need && (!uc->metadata || uc->metadata_len < need ||
		     !uc->addr || !uc->data_len)) {
		dev_warn_ratelimited(&ctrl->dev, "%s: metadata buffer of %u bytes, the command moves %u: refused\n",
				     ns->disk->disk_name,
				     uc->metadata ? uc->metadata_len : 0, need);
		return -EINVAL;
	}
	if (!uc->metadata || !uc->metadata_len || !uc->addr || !uc->data_len)
		return 0;
	if (!ns || !ns->meta_separate)
		return -EINVAL;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->dev = dev;
	m->len = uc->metadata_len;
	m->write = nvme_is_write(&uc->cmd);
	m->ubuf = cnvme_user_ptr(uc->metadata);
	m->buf = kmalloc(m->len, GFP_KERNEL | __GFP_NOWARN);
	ret = -ENOMEM;
	if (!m->buf)
		goto free;
	ret = -EFAULT;
	if (m->write && copy_from_user(m->buf, m->ubuf, m->len))
		goto free_buf;
	else if (!m->write)
		memset(m->buf, 0, m->len);
	m->dma = dma_map_single(dev, m->buf, m->len,
				m->write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	ret = -ENOMEM;
	if (dma_mapping_error(dev, m->dma))
		goto free_buf;
	m->mapped = true;
	uc->cmd.common.metadata = cpu_to_le64(m->dma);
	*out = m;
	return 0;

free_buf:
	kfree(m->buf);
free:
	kfree(m);
	return ret;
}

/*
 * Give the buffer back from the device; any context.  io_uring does it
 * at completion, while the request still holds the device: its CQE is
 * posted later, from task work, when the device may be gone.
 */
void __cnvme_umeta_unmap(struct cnvme_umeta *m)
{
	if (!m->mapped)
		return;
	dma_unmap_single(m->dev, m->dma, m->len,
			 m->write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	m->mapped = false;
}

/*
 * Unmap (if still mapped) and free; after a read that returned @status
 * 0, copy the metadata out (-EFAULT if that fails).  Runs in the
 * submitter's context.
 */
int __cnvme_umeta_done(struct cnvme_umeta *m, int status)
{
	int ret = 0;

	__cnvme_umeta_unmap(m);
	if (!status && !m->write && copy_to_user(m->ubuf, m->buf, m->len))
		ret = -EFAULT;
	kfree(m->buf);
	kfree(m);
	return ret;
}
