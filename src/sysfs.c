// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: attributes of the controller device (/sys/class/nvme/nvmeN),
 * in the formats the in-kernel driver uses (libnvme parses them).
 */
#include <linux/blkdev.h>
#include <linux/kstrtox.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "cnvme.h"
#include "compat.h"

/*
 * model, serial and firmware_rev of a controller and of a subsystem:
 * shown whole, padding included, as nvme_core does.
 */
static const struct cnvme_id_strs *cnvme_dev_strs(struct device *dev)
{
	if (dev->class == &cnvme_subsys_class)
		return &to_cnvme_subsys(dev)->strs;
	return &to_cnvme_ctrl(dev)->strs;
}

static ssize_t cnvme_id_str_show(char *buf, const char *s, int len)
{
	return sysfs_emit(buf, "%.*s\n", len, s);
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return cnvme_id_str_show(buf, cnvme_dev_strs(dev)->model,
				 sizeof_field(struct cnvme_id_strs, model));
}
DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return cnvme_id_str_show(buf, cnvme_dev_strs(dev)->serial,
				 sizeof_field(struct cnvme_id_strs, serial));
}
DEVICE_ATTR_RO(serial);

static ssize_t firmware_rev_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return cnvme_id_str_show(buf, cnvme_dev_strs(dev)->firmware_rev,
				 sizeof_field(struct cnvme_id_strs,
					      firmware_rev));
}
DEVICE_ATTR_RO(firmware_rev);

static ssize_t cntlid_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", to_cnvme_ctrl(dev)->cntlid);
}
static DEVICE_ATTR_RO(cntlid);

static ssize_t transport_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "pcie\n");
}
static DEVICE_ATTR_RO(transport);

static ssize_t address_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", pci_name(to_cnvme_ctrl(dev)->pdev));
}
static DEVICE_ATTR_RO(address);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	return sysfs_emit(buf, "%s\n",
			  cnvme_state_name(READ_ONCE(ctrl->state)));
}
static DEVICE_ATTR_RO(state);

static ssize_t subsysnqn_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_cnvme_ctrl(dev)->subsysnqn);
}
static DEVICE_ATTR_RO(subsysnqn);

static ssize_t numa_node_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  dev_to_node(&to_cnvme_ctrl(dev)->pdev->dev));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t queue_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	/* the I/O queues and the admin queue */
	return sysfs_emit(buf, "%d\n", to_cnvme_ctrl(dev)->nr_ioqs + 1);
}
static DEVICE_ATTR_RO(queue_count);

static ssize_t sqsize_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	return sysfs_emit(buf, "%d\n", ctrl->io_depth ? ctrl->io_depth - 1 : 0);
}
static DEVICE_ATTR_RO(sqsize);

/* Any write resets the controller and waits for the outcome. */
static ssize_t reset_controller_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	int ret = cnvme_reset_sync(to_cnvme_ctrl(dev));

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(reset_controller);

/* Any write queues a namespace scan. */
static ssize_t rescan_controller_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	if (cnvme_state(ctrl) == CNVME_STATE_LIVE)
		queue_work(cnvme_wq, &ctrl->scan_work);
	return count;
}
static DEVICE_ATTR_WO(rescan_controller);

static ssize_t kato_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "0\n");	/* no keep-alive on PCIe */
}
static DEVICE_ATTR_RO(kato);

static ssize_t cntrltype_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	static const char * const names[] = { "reserved", "io", "discovery",
					      "admin" };
	/* what Identify said; nothing before it ever answered */
	u8 t = READ_ONCE(to_cnvme_ctrl(dev)->cntrltype);

	return sysfs_emit(buf, "%s\n", t && t < ARRAY_SIZE(names) ?
			  names[t] : "reserved");
}
static DEVICE_ATTR_RO(cntrltype);

static ssize_t dctype_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	static const char * const names[] = { "none", "ddc", "cdc" };
	u8 t = READ_ONCE(to_cnvme_ctrl(dev)->dctype);

	return sysfs_emit(buf, "%s\n", t < ARRAY_SIZE(names) ?
			  names[t] : "reserved");
}
static DEVICE_ATTR_RO(dctype);

/* "on"/"off": log admin passthrough commands that fail (6.12). */
static ssize_t passthru_err_log_enabled_show(struct device *dev,
					     struct device_attribute *attr,
					     char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(to_cnvme_ctrl(dev)->passthru_err_log) ? "on" : "off");
}

static ssize_t passthru_err_log_enabled_store(struct device *dev,
					      struct device_attribute *attr,
					      const char *buf, size_t count)
{
	bool on;

	if (kstrtobool(buf, &on))
		return -EINVAL;
	WRITE_ONCE(to_cnvme_ctrl(dev)->passthru_err_log, on);
	return count;
}
static DEVICE_ATTR_RW(passthru_err_log_enabled);

/* A timeout in milliseconds, kept in jiffies (7.2): 0 is refused. */
static ssize_t cnvme_timeout_store(struct device *dev, const char *buf,
				   size_t count, unsigned int *jiffies)
{
	unsigned int ms;

	if (kstrtouint(buf, 10, &ms) || !ms) {
		dev_warn(dev, "a timeout is a positive number of milliseconds\n");
		return -EINVAL;
	}
	WRITE_ONCE(*jiffies, msecs_to_jiffies(ms));
	return count;
}

static ssize_t admin_timeout_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  jiffies_to_msecs(READ_ONCE(to_cnvme_ctrl(dev)->admin_timeout)));
}

static ssize_t admin_timeout_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);
	ssize_t ret = cnvme_timeout_store(dev, buf, count, &ctrl->admin_timeout);

	if (ret < 0)
		return ret;
	/* the removal takes the admin queue away under remove_sem */
	down_read(&ctrl->remove_sem);
	if (ctrl->admin_q)
		blk_queue_rq_timeout(ctrl->admin_q, READ_ONCE(ctrl->admin_timeout));
	up_read(&ctrl->remove_sem);
	return ret;
}
static DEVICE_ATTR_RW(admin_timeout);

static ssize_t io_timeout_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  jiffies_to_msecs(READ_ONCE(to_cnvme_ctrl(dev)->io_timeout)));
}

/* Every namespace's queue takes it, and those found later. */
static ssize_t io_timeout_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);
	ssize_t ret = cnvme_timeout_store(dev, buf, count, &ctrl->io_timeout);
	struct cnvme_ns *ns;

	if (ret < 0)
		return ret;
	mutex_lock(&ctrl->ns_lock);
	ctrl->tagset.timeout = READ_ONCE(ctrl->io_timeout);
	list_for_each_entry(ns, &ctrl->namespaces, entry)
		blk_queue_rq_timeout(ns->disk->queue, READ_ONCE(ctrl->io_timeout));
	mutex_unlock(&ctrl->ns_lock);
	return ret;
}
static DEVICE_ATTR_RW(io_timeout);

/* The quirks the driver applies to this controller (7.2). */
static ssize_t quirks_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return cnvme_quirks_show(to_cnvme_ctrl(dev)->quirks, buf);
}
static DEVICE_ATTR_RO(quirks);

/* A diag/ counter: read, or set to the value written (7.2). */
static ssize_t cnvme_counter_show(atomic_long_t *c, char *buf)
{
	return sysfs_emit(buf, "%lu\n", (unsigned long)atomic_long_read(c));
}

static ssize_t cnvme_counter_store(struct device *dev, atomic_long_t *c,
				   const char *buf, size_t count)
{
	unsigned long v;

	if (kstrtoul(buf, 10, &v)) {
		dev_warn(dev, "a counter is set to a number\n");
		return -EINVAL;
	}
	atomic_long_set(c, v);
	return count;
}

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return cnvme_counter_show(&to_cnvme_ctrl(dev)->diag_resets, buf);
}

static ssize_t reset_count_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return cnvme_counter_store(dev, &to_cnvme_ctrl(dev)->diag_resets, buf,
				   count);
}
static DEVICE_ATTR_RW(reset_count);

static ssize_t command_error_count_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	return cnvme_counter_show(&to_cnvme_ctrl(dev)->diag_errors, buf);
}

static ssize_t command_error_count_store(struct device *dev,
					 struct device_attribute *attr,
					 const char *buf, size_t count)
{
	return cnvme_counter_store(dev, &to_cnvme_ctrl(dev)->diag_errors, buf,
				   count);
}
static DEVICE_ATTR_RW(command_error_count);

static struct attribute *cnvme_ctrl_diag_attrs[] = {
	&dev_attr_reset_count.attr,
	&dev_attr_command_error_count.attr,
	NULL
};

static const struct attribute_group cnvme_ctrl_diag_group = {
	.name = "diag",
	.attrs = cnvme_ctrl_diag_attrs,
};

static struct attribute *cnvme_ctrl_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_rev.attr,
	&dev_attr_cntlid.attr,
	&dev_attr_transport.attr,
	&dev_attr_address.attr,
	&dev_attr_state.attr,
	&dev_attr_subsysnqn.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_queue_count.attr,
	&dev_attr_sqsize.attr,
	&dev_attr_reset_controller.attr,
	&dev_attr_rescan_controller.attr,
	&dev_attr_kato.attr,
	&dev_attr_cntrltype.attr,
	&dev_attr_dctype.attr,
	&dev_attr_passthru_err_log_enabled.attr,
	&dev_attr_admin_timeout.attr,
	&dev_attr_io_timeout.attr,
	&dev_attr_quirks.attr,
	NULL
};

static umode_t cnvme_ctrl_attr_visible(struct kobject *kobj,
				       struct attribute *a, int n)
{
	if (a == &dev_attr_passthru_err_log_enabled.attr && !CNVME_SYSFS_6_12)
		return 0;
	if ((a == &dev_attr_admin_timeout.attr ||
	     a == &dev_attr_io_timeout.attr || a == &dev_attr_quirks.attr) &&
	    !CNVME_SYSFS_7_2)
		return 0;
	return a->mode;
}

static const struct attribute_group cnvme_ctrl_group = {
	.attrs = cnvme_ctrl_attrs,
	.is_visible = cnvme_ctrl_attr_visible,
};

const struct attribute_group *cnvme_ctrl_groups[] = {
	&cnvme_ctrl_group,
	CNVME_SYSFS_7_2 ? &cnvme_ctrl_diag_group : NULL,
	NULL
};

/*
 * Attributes of the namespace disks (/sys/block/nvmeXnY): the same on a
 * multipath head, whose identifiers are its own and whose other values
 * come from one of its paths.
 */
static const struct cnvme_ns_ids *cnvme_disk_ids(struct device *dev,
						 u32 *nsid)
{
	struct gendisk *disk = dev_to_disk(dev);
	struct cnvme_ns_head *head;
	struct cnvme_ns *ns;

	if (cnvme_disk_is_head(disk)) {
		head = disk->private_data;
		*nsid = head->nsid;
		return &head->ids;
	}
	ns = disk->private_data;
	*nsid = ns->nsid;
	return &ns->ids;
}

static struct cnvme_subsys *cnvme_disk_subsys(struct device *dev)
{
	struct gendisk *disk = dev_to_disk(dev);

	if (cnvme_disk_is_head(disk))
		return ((struct cnvme_ns_head *)disk->private_data)->subsys;
	return ((struct cnvme_ns *)disk->private_data)->ctrl->subsys;
}

static ssize_t nsid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	u32 nsid;

	cnvme_disk_ids(dev, &nsid);
	return sysfs_emit(buf, "%d\n", nsid);
}
static DEVICE_ATTR_RO(nsid);

static bool cnvme_nonzero(const void *p, size_t len)
{
	return !!memchr_inv(p, 0, len);
}

/* A name for the namespace that stays the same across boots and hosts. */
static ssize_t wwid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct cnvme_subsys *subsys = cnvme_disk_subsys(dev);
	const struct cnvme_id_strs *s = &subsys->strs;
	int sn = cnvme_id_str_len(s->serial, sizeof(s->serial));
	int mn = cnvme_id_str_len(s->model, sizeof(s->model));
	const struct cnvme_ns_ids *ids;
	u32 nsid;

	ids = cnvme_disk_ids(dev, &nsid);
	if (!uuid_is_null(&ids->uuid))
		return sysfs_emit(buf, "uuid.%pU\n", &ids->uuid);
	if (cnvme_nonzero(ids->nguid, sizeof(ids->nguid)))
		return sysfs_emit(buf, "eui.%16phN\n", ids->nguid);
	if (cnvme_nonzero(ids->eui64, sizeof(ids->eui64)))
		return sysfs_emit(buf, "eui.%8phN\n", ids->eui64);
	return sysfs_emit(buf, "nvme.%04x-%*phN-%*phN-%08x\n", subsys->vid, sn,
			  s->serial, mn, s->model, nsid);
}
static DEVICE_ATTR_RO(wwid);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	const struct cnvme_ns_ids *ids;
	u32 nsid;

	ids = cnvme_disk_ids(dev, &nsid);
	/* without a UUID, the NGUID in UUID form, as nvme_core shows it */
	if (uuid_is_null(&ids->uuid))
		return sysfs_emit(buf, "%pU\n", ids->nguid);
	return sysfs_emit(buf, "%pU\n", &ids->uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t nguid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	u32 nsid;

	return sysfs_emit(buf, "%pU\n", cnvme_disk_ids(dev, &nsid)->nguid);
}
static DEVICE_ATTR_RO(nguid);

static ssize_t eui_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	u32 nsid;

	return sysfs_emit(buf, "%8ph\n", cnvme_disk_ids(dev, &nsid)->eui64);
}
static DEVICE_ATTR_RO(eui);

static ssize_t csi_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	u32 nsid;

	return sysfs_emit(buf, "%u\n", cnvme_disk_ids(dev, &nsid)->csi);
}
static DEVICE_ATTR_RO(csi);

/* Show a value of the namespace behind @dev (one path of a head). */
static ssize_t cnvme_ns_show(struct device *dev, char *buf,
			     ssize_t (*show)(struct cnvme_ns *ns, char *buf))
{
	struct gendisk *disk = dev_to_disk(dev);
	struct cnvme_ns *ns = cnvme_disk_ns_get(disk);
	ssize_t ret;

	if (!ns)
		return -ENODEV;
	ret = show(ns, buf);
	cnvme_disk_ns_put(disk, ns);
	return ret;
}

static ssize_t cnvme_ms_show(struct cnvme_ns *ns, char *buf)
{
	return sysfs_emit(buf, "%u\n", ns->ms);
}

static ssize_t metadata_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return cnvme_ns_show(dev, buf, cnvme_ms_show);
}
static DEVICE_ATTR_RO(metadata_bytes);

/* Blocks in use: Identify Namespace again, at most a few times a second. */
static ssize_t cnvme_nuse_show(struct cnvme_ns *ns, char *buf)
{
	struct nvme_id_ns *id;
	int ret;

	if (__ratelimit(&ns->nuse_rs)) {
		id = kmalloc(sizeof(*id), GFP_KERNEL);
		if (!id)
			return -ENOMEM;
		ret = cnvme_identify(ns->ctrl, NVME_ID_CNS_NS, ns->nsid, 0, id,
				     sizeof(*id));
		if (!ret)
			WRITE_ONCE(ns->nuse, le64_to_cpu(id->nuse));
		kfree(id);
		if (ret)
			return ret < 0 ? ret : -EIO;
	}
	return sysfs_emit(buf, "%llu\n", READ_ONCE(ns->nuse));
}

static ssize_t nuse_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return cnvme_ns_show(dev, buf, cnvme_nuse_show);
}
static DEVICE_ATTR_RO(nuse);

/*
 * "on"/"off": log I/O passthrough commands that fail (6.12).  On a head,
 * the setting of the path it shows and sets.
 */
static ssize_t cnvme_err_log_show(struct cnvme_ns *ns, char *buf)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(ns->passthru_err_log) ? "on" : "off");
}

static ssize_t ns_passthru_err_log_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	return cnvme_ns_show(dev, buf, cnvme_err_log_show);
}

static ssize_t ns_passthru_err_log_store(struct device *dev,
					 struct device_attribute *attr,
					 const char *buf, size_t count)
{
	struct gendisk *disk = dev_to_disk(dev);
	struct cnvme_ns *ns;
	bool on;

	if (kstrtobool(buf, &on))
		return -EINVAL;
	ns = cnvme_disk_ns_get(disk);
	if (!ns)
		return -ENODEV;
	WRITE_ONCE(ns->passthru_err_log, on);
	cnvme_disk_ns_put(disk, ns);
	return count;
}

static struct device_attribute dev_attr_ns_passthru_err_log =
	__ATTR(passthru_err_log_enabled, 0644, ns_passthru_err_log_show,
	       ns_passthru_err_log_store);

/*
 * numa_nodes and queue_depth (7.2): what the multipath I/O policies use
 * of a path.  cnvme shows the queue depth under the queue-depth policy;
 * numa_nodes, the nodes a path serves under the NUMA policy, it leaves
 * empty (not computed).
 */
static ssize_t numa_nodes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "\n");
}
static DEVICE_ATTR_RO(numa_nodes);

static ssize_t queue_depth_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct cnvme_ns *ns = dev_to_disk(dev)->private_data;

	if (!ns->head ||
	    READ_ONCE(ns->ctrl->subsys->iopolicy) != CNVME_IOPOLICY_QD)
		return 0;
	return sysfs_emit(buf, "%d\n", atomic_read(&ns->ctrl->nr_active));
}
static DEVICE_ATTR_RO(queue_depth);

static struct cnvme_ns *cnvme_dev_ns(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

/* the namespace's diag/ counters, by their offset in struct cnvme_ns */
struct cnvme_ns_counter_attr {
	struct device_attribute attr;
	size_t offset;
};

static atomic_long_t *cnvme_ns_counter(struct device *dev,
				       struct device_attribute *attr)
{
	size_t off = container_of(attr, struct cnvme_ns_counter_attr,
				  attr)->offset;

	return (atomic_long_t *)((char *)cnvme_dev_ns(dev) + off);
}

static ssize_t cnvme_ns_counter_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return cnvme_counter_show(cnvme_ns_counter(dev, attr), buf);
}

static ssize_t cnvme_ns_counter_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	return cnvme_counter_store(dev, cnvme_ns_counter(dev, attr), buf,
				   count);
}

static struct cnvme_ns_counter_attr cnvme_ns_errors_attr = {
	.attr = __ATTR(command_error_count, 0644, cnvme_ns_counter_show,
		       cnvme_ns_counter_store),
	.offset = offsetof(struct cnvme_ns, diag_errors),
};

static struct cnvme_ns_counter_attr cnvme_ns_retries_attr = {
	.attr = __ATTR(command_retries_count, 0644, cnvme_ns_counter_show,
		       cnvme_ns_counter_store),
	.offset = offsetof(struct cnvme_ns, diag_retries),
};

static struct cnvme_ns_counter_attr cnvme_ns_failovers_attr = {
	.attr = __ATTR(multipath_failover_count, 0644, cnvme_ns_counter_show,
		       cnvme_ns_counter_store),
	.offset = offsetof(struct cnvme_ns, diag_failovers),
};

static struct attribute *cnvme_ns_diag_attrs[] = {
	&cnvme_ns_errors_attr.attr.attr,
	&cnvme_ns_retries_attr.attr.attr,
	&cnvme_ns_failovers_attr.attr.attr,
	NULL
};

/* a multipath head has none: its paths count */
static umode_t cnvme_ns_diag_visible(struct kobject *kobj,
				     struct attribute *a, int n)
{
	return cnvme_disk_is_head(dev_to_disk(kobj_to_dev(kobj))) ? 0 : a->mode;
}

static const struct attribute_group cnvme_ns_diag_group = {
	.name = "diag",
	.attrs = cnvme_ns_diag_attrs,
	.is_visible = cnvme_ns_diag_visible,
};

static struct attribute *cnvme_ns_attrs[] = {
	&dev_attr_wwid.attr,
	&dev_attr_uuid.attr,
	&dev_attr_nguid.attr,
	&dev_attr_eui.attr,
	&dev_attr_csi.attr,
	&dev_attr_nsid.attr,
	&dev_attr_metadata_bytes.attr,
	&dev_attr_nuse.attr,
	&dev_attr_ns_passthru_err_log.attr,
	&dev_attr_numa_nodes.attr,
	&dev_attr_queue_depth.attr,
	NULL
};

/* uuid, nguid and eui appear only when the namespace has such an id. */
static umode_t cnvme_ns_attr_visible(struct kobject *kobj,
				     struct attribute *a, int n)
{
	const struct cnvme_ns_ids *ids;
	u32 nsid;

	ids = cnvme_disk_ids(kobj_to_dev(kobj), &nsid);

	if (a == &dev_attr_numa_nodes.attr || a == &dev_attr_queue_depth.attr)
		return CNVME_SYSFS_7_2 &&
		       !cnvme_disk_is_head(dev_to_disk(kobj_to_dev(kobj))) ?
		       a->mode : 0;

	if ((a == &dev_attr_csi.attr || a == &dev_attr_metadata_bytes.attr ||
	     a == &dev_attr_nuse.attr ||
	     a == &dev_attr_ns_passthru_err_log.attr) && !CNVME_SYSFS_6_12)
		return 0;
	if (a == &dev_attr_uuid.attr)
		return !uuid_is_null(&ids->uuid) ||
		       cnvme_nonzero(ids->nguid, sizeof(ids->nguid)) ?
		       a->mode : 0;
	if (a == &dev_attr_nguid.attr)
		return cnvme_nonzero(ids->nguid, sizeof(ids->nguid)) ?
		       a->mode : 0;
	if (a == &dev_attr_eui.attr)
		return cnvme_nonzero(ids->eui64, sizeof(ids->eui64)) ?
		       a->mode : 0;
	return a->mode;
}

static const struct attribute_group cnvme_ns_group = {
	.attrs = cnvme_ns_attrs,
	.is_visible = cnvme_ns_attr_visible,
};

const struct attribute_group *cnvme_ns_groups[] = {
	&cnvme_ns_group,
	CNVME_SYSFS_7_2 ? &cnvme_ns_diag_group : NULL,
	NULL
};
