// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: namespaces: scanning, one gendisk each, updates on rescan and
 * removal.
 *
 * Two locks: scan_lock serialises whole scans (and removal of all
 * namespaces); ns_lock only guards the list, is held briefly and never
 * across I/O, so a reset can quiesce every queue while a scan waits on
 * the controller.  The list changes only with both held, so either one
 * is enough to walk it (ioctl.c freezes the queues under scan_lock
 * alone).
 */
#include <linux/blkdev.h>
#include <linux/hdreg.h>
#include <linux/slab.h>
#include <linux/t10-pi.h>

#include "cnvme.h"
#include "compat.h"
#include "limits.h"

#define CNVME_NS_LIST_ENTRIES	1024

static void cnvme_ns_free(struct cnvme_ns *ns)
{
	if (ns->head)
		cnvme_head_unref(ns->head);
	put_device(&ns->ctrl->dev);
	kmem_cache_free(cnvme_ns_cache, ns);
}

static void cnvme_free_disk(struct gendisk *disk)
{
	cnvme_ns_free(disk->private_data);
}

/* The geometry fdisk and friends expect from an NVMe disk, heads' too. */
int cnvme_getgeo(cnvme_getgeo_t *dev, struct hd_geometry *geo)
{
	geo->heads = 1 << 6;
	geo->sectors = 1 << 5;
	geo->cylinders = get_capacity(cnvme_getgeo_disk(dev)) >> 11;
	return 0;
}

static int cnvme_bdev_ioctl(struct block_device *bdev, cnvme_blk_mode_t mode,
			    unsigned int cmd, unsigned long arg)
{
	return cnvme_ns_ioctl(bdev->bd_disk->private_data, cmd,
			      (void __user *)arg, bdev_is_partition(bdev),
			      mode & CNVME_BLK_OPEN_WRITE);
}

static const struct block_device_operations cnvme_bdev_ops = {
	.owner		= THIS_MODULE,
	.ioctl		= cnvme_bdev_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.getgeo		= cnvme_getgeo,
	.free_disk	= cnvme_free_disk,
};

static int cnvme_identify_ns(struct cnvme_ctrl *ctrl, u32 nsid,
			     struct nvme_id_ns *id)
{
	if (cnvme_fault_fail_identify_ns(ctrl, nsid))
		return NVME_SC_HOST_ABORTED_CMD;
	return cnvme_identify(ctrl, NVME_ID_CNS_NS, nsid, 0, id, sizeof(*id));
}

struct cnvme_ns_info {
	struct cnvme_ns_ids ids;
	u32 nsid;
	u8 lba_shift;
	u16 ms;
	u8 pi_type;
	bool ext;
	bool deac;
	bool supported;
	bool multipath;		/* a path of a multipath head */
	u64 nsze;
	u64 nuse;
	struct cnvme_limits lim;
};

/*
 * The Namespace Identification Descriptor list (NVMe 1.3): the ids found
 * there complete those of Identify Namespace.  A controller without the
 * list is not an error.
 */
static int cnvme_identify_descs(struct cnvme_ctrl *ctrl, u32 nsid,
				struct cnvme_ns_ids *ids)
{
	/* the quirk ignores every identifier but the command set */
	bool bogus = ctrl->quirks & CNVME_QUIRK_BOGUS_NID;
	unsigned int pos = 0;
	u8 *data;
	int ret;

	if (ctrl->vs < NVME_VS(1, 3, 0))
		return 0;
	data = kzalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	ret = cnvme_identify(ctrl, NVME_ID_CNS_NS_DESC_LIST, nsid, 0, data,
			     NVME_IDENTIFY_DATA_SIZE);
	if (ret)
		goto out;

	while (pos + sizeof(struct nvme_ns_id_desc) < NVME_IDENTIFY_DATA_SIZE) {
		struct nvme_ns_id_desc *d = (void *)(data + pos);
		unsigned int len = d->nidl;
		void *val = d + 1;

		if (!len)
			break;
		if (pos + sizeof(*d) + len > NVME_IDENTIFY_DATA_SIZE)
			break;
		switch (bogus && d->nidt != NVME_NIDT_CSI ? 0 : d->nidt) {
		case NVME_NIDT_EUI64:
			if (len == NVME_NIDT_EUI64_LEN)
				memcpy(ids->eui64, val, len);
			break;
		case NVME_NIDT_NGUID:
			if (len == NVME_NIDT_NGUID_LEN)
				memcpy(ids->nguid, val, len);
			break;
		case NVME_NIDT_UUID:
			if (len == NVME_NIDT_UUID_LEN)
				uuid_copy(&ids->uuid, val);
			break;
		case NVME_NIDT_CSI:
			if (len == NVME_NIDT_CSI_LEN)
				ids->csi = *(u8 *)val;
			break;
		default:
			break;
		}
		pos += sizeof(*d) + len;
	}
out:
	kfree(data);
	return ret;
}

/* Turn Identify Namespace into what the driver and the block layer need. */
static void cnvme_parse_id_ns(struct cnvme_ctrl *ctrl, struct nvme_id_ns *id,
			      struct cnvme_ns_info *info)
{
	u8 lbaf = nvme_lbaf_index(id->flbas);
	struct cnvme_limits *lim = &info->lim;
	u32 bs, phys_bs, atomic_bs, io_opt;
	u8 shift;

	info->nsze = le64_to_cpu(id->nsze);
	info->nuse = le64_to_cpu(id->nuse);
	info->lba_shift = id->lbaf[lbaf].ds;
	info->ms = le16_to_cpu(id->lbaf[lbaf].ms);
	info->ext = id->flbas & NVME_NS_FLBAS_META_EXT;
	/* protection information is used when it is all the metadata */
	info->pi_type = 0;
	if (info->ms == sizeof(struct t10_pi_tuple))
		info->pi_type = id->dps & NVME_NS_DPS_PI_MASK;
	info->deac = id->dlfeat & BIT(3);

	/*
	 * Metadata goes through a separate buffer (block integrity); an
	 * interleaved format works only as PI the controller inserts and
	 * strips (PRACT).  Other formats are left at capacity 0.
	 */
	info->supported = info->lba_shift >= SECTOR_SHIFT &&
			  info->lba_shift <= PAGE_SHIFT &&
			  (!info->ms || !info->ext || info->pi_type);
	/*
	 * The block layer's block size.  A size it cannot take shows as
	 * 512 bytes on a disk of capacity 0, as with the in-kernel driver;
	 * info->lba_shift stays the namespace's own, which passthrough
	 * (NVME_IOCTL_SUBMIT_IO) sizes its transfers by.
	 */
	shift = info->lba_shift;
	if (shift < SECTOR_SHIFT || shift > PAGE_SHIFT)
		shift = SECTOR_SHIFT;
	bs = 1U << shift;

	memset(lim, 0, sizeof(*lim));
	/* atomic write unit: the namespace's, else the controller's */
	atomic_bs = bs;
	if (id->nabo) {
		atomic_bs = bs;	/* an offset boundary is not supported */
	} else if (id->nsfeat & NVME_NS_FEAT_ATOMICS && id->nawupf) {
		atomic_bs = (1 + le16_to_cpu(id->nawupf)) * bs;
		if (id->nabspf)
			lim->atomic_boundary = (le16_to_cpu(id->nabspf) + 1) * bs;
	} else if (ctrl->id) {
		atomic_bs = (1 + le16_to_cpu(ctrl->id->awupf)) * bs;
	}
	lim->atomic_max = atomic_bs;
	lim->atomic_unit_min = bs;
	lim->atomic_unit_max = rounddown_pow_of_two(atomic_bs);
	phys_bs = bs;
	io_opt = CNVME_IO_OPT_IS_BLOCK ? bs : 0;
	if (id->nsfeat & CNVME_NSFEAT_OPTPERF) {
		phys_bs = bs * (1 + le16_to_cpu(id->npwg));
		if (id->nows)
			io_opt = bs * (1 + le16_to_cpu(id->nows));
	}

	lim->logical_block_size = bs;
	lim->physical_block_size = min(phys_bs, atomic_bs);
	lim->io_min = phys_bs;
	lim->io_opt = io_opt;
	lim->max_hw_sectors = ctrl->max_hw_sectors;
	lim->max_segments = CNVME_QUEUE_MAX_SEGMENTS;
	lim->virt_boundary_mask = CNVME_CTRL_PAGE_SIZE - 1;
	lim->dma_alignment = 3;
	if (ctrl->oncs & NVME_CTRL_ONCS_DSM) {
		/* DMRSL: the most blocks one range may cover, 0 if no limit */
		if (ctrl->dmrsl &&
		    ctrl->dmrsl <= ((UINT_MAX >> SECTOR_SHIFT) >>
				    (shift - SECTOR_SHIFT)))
			lim->max_discard_sectors =
				ctrl->dmrsl << (shift - SECTOR_SHIFT);
		else
			lim->max_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
		lim->max_discard_segments = ctrl->dmrl ?
			min_t(u32, ctrl->dmrl, CNVME_DSM_MAX_RANGES) :
			CNVME_DSM_MAX_RANGES;
		lim->discard_granularity = bs;
		/* 0's based deallocate granularity and alignment */
		if (CNVME_DISCARD_GRAN_NPDG &&
		    id->nsfeat & CNVME_NSFEAT_OPTPERF)
			lim->discard_granularity =
				bs * (1 + max(le16_to_cpu(id->npdg),
					      le16_to_cpu(id->npda)));
	}
	if (ctrl->oncs & NVME_CTRL_ONCS_WRITE_ZEROES)
		lim->max_write_zeroes_sectors = ctrl->max_zeroes_sectors;
	/* DLFEAT: deallocated blocks read as zeroes, and DEAC is supported */
	lim->write_zeroes_unmap = (id->dlfeat & 0x7) == 0x1 &&
				  (id->dlfeat & BIT(3));
	lim->write_cache = ctrl->vwc & NVME_CTRL_VWC_PRESENT;
	lim->fua = lim->write_cache;
	if (info->supported && info->ms && !info->ext) {
		lim->integrity = true;
		lim->meta_size = info->ms;
		lim->interval_exp = info->lba_shift;
		lim->pi_type = info->pi_type;
	}
}

static sector_t cnvme_capacity(struct cnvme_ns_info *info)
{
	if (!info->supported)
		return 0;
	return info->nsze << (info->lba_shift - SECTOR_SHIFT);
}

static void cnvme_apply_info(struct cnvme_ns *ns, struct cnvme_ns_info *info)
{
	ns->lba_shift = info->lba_shift;
	ns->ms = info->ms;
	ns->ext = info->ext;
	/* the same test as for the block-integrity profile */
	ns->meta_separate = info->supported && info->ms && !info->ext;
	ns->pi_type = info->pi_type;
	ns->nuse = info->nuse;
	ns->deac = info->deac;
	ns->nsze = info->nsze;
	ns->ids = info->ids;
}

static struct cnvme_ns *cnvme_find_ns(struct cnvme_ctrl *ctrl, u32 nsid)
{
	struct cnvme_ns *ns, *found = NULL;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry) {
		if (ns->nsid == nsid) {
			found = ns;
			break;
		}
	}
	mutex_unlock(&ctrl->ns_lock);
	return found;
}

static void cnvme_alloc_ns(struct cnvme_ctrl *ctrl, struct cnvme_ns_info *info)
{
	struct cnvme_subsys *s = ctrl->subsys;
	struct cnvme_ns_head *head = NULL;
	struct gendisk *disk;
	struct cnvme_ns *ns;
	int ret;

	ns = kmem_cache_alloc_node(cnvme_ns_cache, GFP_KERNEL | __GFP_ZERO,
				   dev_to_node(&ctrl->pdev->dev));
	if (!ns)
		return;
	ns->ctrl = ctrl;
	ratelimit_state_init(&ns->nuse_rs, 5 * HZ, 1);
	ns->nsid = info->nsid;
	cnvme_apply_info(ns, info);
	if (info->multipath) {
		head = cnvme_head_get(ctrl, info->nsid, &info->ids, &info->lim);
		if (!head)
			goto free_ns;
		ns->instance = head->instance;
	} else {
		/* numbered in the subsystem, as its heads would be */
		ns->instance = ida_alloc_min(&s->ns_ida, 1, GFP_KERNEL);
		if (ns->instance < 0)
			goto free_ns;
	}

	disk = cnvme_limits_alloc_disk(&ctrl->tagset, &info->lim, ns);
	if (IS_ERR(disk))
		goto free_instance;
	disk->fops = &cnvme_bdev_ops;
	disk->private_data = ns;
	if (head) {
		snprintf(disk->disk_name, DISK_NAME_LEN, "nvme%dc%dn%d",
			 s->instance, ctrl->instance, ns->instance);
		disk->flags |= GENHD_FL_HIDDEN;
	} else {
		snprintf(disk->disk_name, DISK_NAME_LEN, "nvme%dn%d",
			 s->instance, ns->instance);
	}
	set_capacity(disk, cnvme_capacity(info));
	ns->disk = disk;
	get_device(&ctrl->dev);

	mutex_lock(&ctrl->ns_lock);
	/* an io_timeout written since the queue took the tag set's */
	blk_queue_rq_timeout(disk->queue, cnvme_ctrl_io_timeout(ctrl));
	list_add_tail(&ns->entry, &ctrl->namespaces);
	mutex_unlock(&ctrl->ns_lock);

	ret = device_add_disk(&ctrl->dev, disk, cnvme_ns_groups);
	if (ret) {
		dev_err(&ctrl->dev, "cannot add disk for namespace %u (%d)\n",
			info->nsid, ret);
		mutex_lock(&ctrl->ns_lock);
		list_del(&ns->entry);
		mutex_unlock(&ctrl->ns_lock);
		if (!head)
			ida_free(&s->ns_ida, ns->instance);
		/* a disk never added is not given to free_disk */
		ns->head = NULL;
		put_disk(disk);
		if (head)
			cnvme_head_put(head);
		put_device(&ctrl->dev);
		kmem_cache_free(cnvme_ns_cache, ns);
		return;
	}
	/* from here the disk owns ns (and its head reference): free_disk */
	if (head) {
		cnvme_fault_path_join_delay(ctrl, info->nsid);
		ns->head = head;
		cnvme_head_add_path(ns);
	} else {
		ret = cnvme_ns_cdev_add(ns);
		if (ret)
			dev_warn(&ctrl->dev, "%s: no generic char device (%d)\n",
				 disk->disk_name, ret);
	}
	if (!info->supported)
		dev_warn(&ctrl->dev,
			 "%s: format (blocks of 2^%u bytes, %u metadata bytes%s) not supported: capacity 0\n",
			 disk->disk_name, ns->lba_shift, info->ms,
			 info->ext ? " interleaved" : "");
	return;

free_instance:
	if (head)
		cnvme_head_put(head);
	else
		ida_free(&s->ns_ida, ns->instance);
free_ns:
	kmem_cache_free(cnvme_ns_cache, ns);
}

static void cnvme_remove_ns(struct cnvme_ns *ns)
{
	struct cnvme_ctrl *ctrl = ns->ctrl;

	mutex_lock(&ctrl->ns_lock);
	list_del(&ns->entry);
	mutex_unlock(&ctrl->ns_lock);

	if (test_and_clear_bit(CNVME_NS_STOPPED, &ns->flags))
		blk_mq_unquiesce_queue(ns->disk->queue);
	if (test_and_clear_bit(CNVME_NS_FROZEN, &ns->flags))
		cnvme_unfreeze_non_owner(ns->disk->queue);
	if (ns->head)
		cnvme_head_remove_path(ns);
	cnvme_ns_cdev_del(ns);
	del_gendisk(ns->disk);
	if (!ns->head)
		ida_free(&ctrl->subsys->ns_ida, ns->instance);
	put_disk(ns->disk);
}

/* Apply a changed size or format to a namespace already known. */
static void cnvme_update_ns(struct cnvme_ns *ns, struct cnvme_ns_info *info)
{
	unsigned int memflags;

	/* no request built for the old format may reach the new one */
	memflags = cnvme_freeze_queue(ns->disk->queue);
	cnvme_apply_info(ns, info);
	cnvme_limits_update(ns->disk, &info->lim);
	set_capacity_and_notify(ns->disk, cnvme_capacity(info));
	cnvme_unfreeze_queue(ns->disk->queue, memflags);
	if (ns->head)
		cnvme_head_update(ns, &info->lim, cnvme_capacity(info));
}

static void cnvme_validate_ns(struct cnvme_ctrl *ctrl, u32 nsid,
			      struct nvme_id_ns *id)
{
	struct cnvme_ns_info info = { .nsid = nsid };
	struct cnvme_ns *ns = cnvme_find_ns(ctrl, nsid);
	int ret;

	ret = cnvme_identify_ns(ctrl, nsid, id);
	if (ret && !(ret > 0 && (ret & NVME_STATUS_DNR))) {
		/*
		 * A passing failure (the host cancelled the command, a reset
		 * came between): the namespace stays as it is, as with the
		 * in-kernel driver.  Only the controller's final word (DNR)
		 * or an inactive NSID removes it.
		 */
		if (ns) {
			ns->removed = false;
			dev_warn(&ctrl->dev,
				 "Identify Namespace %u failed (%d): namespace kept\n",
				 nsid, ret);
		}
		return;
	}
	if (ret || !id->nsze) {
		/* gone, or inactive: a zero-capacity namespace is skipped */
		if (ns)
			ns->removed = true;
		return;
	}
	cnvme_parse_id_ns(ctrl, id, &info);
	info.multipath = cnvme_ns_multipath(ctrl, id);
	if (ctrl->quirks & CNVME_QUIRK_BOGUS_NID) {
		/* the in-kernel driver's line, at each scan */
		dev_info(&ctrl->dev, "Ignoring bogus Namespace Identifiers\n");
	} else {
		memcpy(info.ids.eui64, id->eui64, sizeof(id->eui64));
		memcpy(info.ids.nguid, id->nguid, sizeof(id->nguid));
	}
	/* no CSI descriptor seen: the sentinel stays */
	info.ids.csi = 0xff;
	ret = cnvme_identify_descs(ctrl, nsid, &info.ids);
	if (info.ids.csi == 0xff) {
		/*
		 * A controller of several command sets must say which one:
		 * without the descriptor (the list failed or lacks it) the
		 * namespace is left as it is, or not added.  Otherwise NVM.
		 */
		if (NVME_CAP_CSS(ctrl->cap) & NVME_CAP_CSS_CSI) {
			dev_warn(&ctrl->dev,
				 "namespace %u: command set unknown (%d)%s\n",
				 nsid, ret,
				 ns ? ": namespace kept" : ": no block device");
			if (ns)
				ns->removed = false;
			return;
		}
		info.ids.csi = NVME_CSI_NVM;
	}
	if (info.ids.csi != NVME_CSI_NVM) {
		/*
		 * Another command set (zoned: 2): Identify Namespace still
		 * answers, but as a plain disk it would take writes off the
		 * zones' write pointers.  No disk and no generic node until
		 * cnvme drives that command set; the controller node still
		 * reaches it.
		 */
		dev_warn(&ctrl->dev,
			 "namespace %u: command set %u (%s) not supported: no block device\n",
			 nsid, info.ids.csi,
			 info.ids.csi == NVME_CSI_ZNS ? "zoned" : "unknown");
		if (ns)
			ns->removed = true;
		return;
	}
	if (ns) {
		ns->removed = false;
		cnvme_update_ns(ns, &info);
	} else {
		cnvme_alloc_ns(ctrl, &info);
	}
}

/*
 * The active namespace list, 1024 ids at a time.  Returns the number of
 * namespaces validated, or a -errno / NVMe status when the controller
 * cannot list them.
 */
static int cnvme_scan_list(struct cnvme_ctrl *ctrl, struct nvme_id_ns *id)
{
	u32 prev = 0;
	__le32 *list;
	int ret, i, n = 0;

	list = kmalloc_array(CNVME_NS_LIST_ENTRIES, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	for (;;) {
		ret = cnvme_identify(ctrl, NVME_ID_CNS_NS_ACTIVE_LIST, prev, 0,
				     list, CNVME_NS_LIST_ENTRIES * sizeof(*list));
		if (ret)
			goto out;
		for (i = 0; i < CNVME_NS_LIST_ENTRIES; i++) {
			u32 nsid = le32_to_cpu(list[i]);

			if (!nsid || nsid <= prev)
				goto out;
			cnvme_validate_ns(ctrl, nsid, id);
			prev = nsid;
			n++;
		}
	}
out:
	kfree(list);
	if (ret)
		return ret < 0 ? ret : -EIO;
	return n;
}

/* Controllers without the list (before NVMe 1.1): ask for each id. */
static void cnvme_scan_sequential(struct cnvme_ctrl *ctrl,
				  struct nvme_id_ns *id)
{
	u32 nn = le32_to_cpu(ctrl->id->nn), nsid;

	for (nsid = 1; nsid <= nn; nsid++)
		cnvme_validate_ns(ctrl, nsid, id);
}

static void cnvme_scan(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns, *next;
	struct nvme_id_ns *id;
	LIST_HEAD(gone);

	if (cnvme_state(ctrl) != CNVME_STATE_LIVE || !ctrl->tagset_ready)
		return;
	id = kmalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return;

	mutex_lock(&ctrl->scan_lock);
	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		ns->removed = true;
	mutex_unlock(&ctrl->ns_lock);

	if (cnvme_scan_list(ctrl, id) < 0)
		cnvme_scan_sequential(ctrl, id);

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry_safe(ns, next, &ctrl->namespaces, entry)
		if (ns->removed)
			list_move_tail(&ns->entry, &gone);
	mutex_unlock(&ctrl->ns_lock);
	list_for_each_entry_safe(ns, next, &gone, entry) {
		/* back on the list so cnvme_remove_ns finds it there */
		mutex_lock(&ctrl->ns_lock);
		list_move_tail(&ns->entry, &ctrl->namespaces);
		mutex_unlock(&ctrl->ns_lock);
		cnvme_remove_ns(ns);
	}
	mutex_unlock(&ctrl->scan_lock);
	kfree(id);
}

void cnvme_scan_work(struct work_struct *work)
{
	struct cnvme_ctrl *ctrl = container_of(work, struct cnvme_ctrl,
					       scan_work);
	bool armed = cnvme_fault_work_begin(CNVME_FAULT_WORK_SCAN);

	cnvme_scan(ctrl);
	cnvme_fault_work_end(CNVME_FAULT_WORK_SCAN, armed);
}

void cnvme_remove_namespaces(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->scan_lock);
	for (;;) {
		mutex_lock(&ctrl->ns_lock);
		ns = list_first_entry_or_null(&ctrl->namespaces,
					      struct cnvme_ns, entry);
		mutex_unlock(&ctrl->ns_lock);
		if (!ns)
			break;
		cnvme_remove_ns(ns);
	}
	mutex_unlock(&ctrl->scan_lock);
}

void cnvme_quiesce_io(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		if (!test_and_set_bit(CNVME_NS_STOPPED, &ns->flags))
			blk_mq_quiesce_queue(ns->disk->queue);
	mutex_unlock(&ctrl->ns_lock);
}

void cnvme_unquiesce_io(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry) {
		if (test_and_clear_bit(CNVME_NS_STOPPED, &ns->flags))
			blk_mq_unquiesce_queue(ns->disk->queue);
		blk_mq_kick_requeue_list(ns->disk->queue);
	}
	mutex_unlock(&ctrl->ns_lock);
}

void cnvme_mark_namespaces_dead(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry) {
		blk_mark_disk_dead(ns->disk);
		/* 6.12's blk_mark_disk_dead does this too; 6.1's does not */
		set_capacity_and_notify(ns->disk, 0);
	}
	mutex_unlock(&ctrl->ns_lock);
}

/*
 * Freeze the queues and let the I/O inside finish, for at most @timeout:
 * false if some is still in flight.  cnvme_drain_io_end unfreezes, maybe
 * in another task (after a system sleep, the reset work).  The caller
 * holds ns_lock (no namespace joins meanwhile).
 */
bool cnvme_drain_io_locked(struct cnvme_ctrl *ctrl, unsigned long timeout)
{
	struct cnvme_ns *ns;
	bool drained = true;

	lockdep_assert_held(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		if (!test_and_set_bit(CNVME_NS_FROZEN, &ns->flags))
			cnvme_freeze_start_non_owner(ns->disk->queue);
	list_for_each_entry(ns, &ctrl->namespaces, entry) {
		long left = blk_mq_freeze_queue_wait_timeout(ns->disk->queue,
							     timeout);

		if (left <= 0) {
			dev_warn(&ctrl->dev, "%s: I/O still in flight\n",
				 ns->disk->disk_name);
			drained = false;
			break;
		}
		timeout = left;
	}
	return drained;
}

bool cnvme_drain_io(struct cnvme_ctrl *ctrl, unsigned long timeout)
{
	bool drained;

	mutex_lock(&ctrl->ns_lock);
	drained = cnvme_drain_io_locked(ctrl, timeout);
	mutex_unlock(&ctrl->ns_lock);
	return drained;
}

void cnvme_drain_io_end(struct cnvme_ctrl *ctrl)
{
	struct cnvme_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		if (test_and_clear_bit(CNVME_NS_FROZEN, &ns->flags))
			cnvme_unfreeze_non_owner(ns->disk->queue);
	mutex_unlock(&ctrl->ns_lock);
}
