// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: attributes of the controller device (/sys/class/nvme/nvmeN),
 * in the formats the in-kernel driver uses (libnvme parses them).
 */
#include <linux/blkdev.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "cnvme.h"

/* Identify strings are shown whole, padding included, as nvme_core does. */
ssize_t cnvme_show_id_str(char *buf, const char *s, int len)
{
	return sysfs_emit(buf, "%.*s\n", len, s);
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	return cnvme_show_id_str(buf, ctrl->model, sizeof(ctrl->model));
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	return cnvme_show_id_str(buf, ctrl->serial, sizeof(ctrl->serial));
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_rev_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	return cnvme_show_id_str(buf, ctrl->firmware_rev,
				 sizeof(ctrl->firmware_rev));
}
static DEVICE_ATTR_RO(firmware_rev);

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
	NULL
};

static const struct attribute_group cnvme_ctrl_group = {
	.attrs = cnvme_ctrl_attrs,
};

const struct attribute_group *cnvme_ctrl_groups[] = {
	&cnvme_ctrl_group,
	NULL
};

/* Attributes of the namespace disks (/sys/block/nvmeXnY). */
static ssize_t nsid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct cnvme_ns *ns = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%d\n", ns->nsid);
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
	struct cnvme_ns *ns = dev_to_disk(dev)->private_data;
	struct cnvme_ns_ids *ids = &ns->ids;
	struct cnvme_ctrl *ctrl = ns->ctrl;
	int sn = sizeof(ctrl->serial), mn = sizeof(ctrl->model);

	if (!uuid_is_null(&ids->uuid))
		return sysfs_emit(buf, "uuid.%pU\n", &ids->uuid);
	if (cnvme_nonzero(ids->nguid, sizeof(ids->nguid)))
		return sysfs_emit(buf, "eui.%16phN\n", ids->nguid);
	if (cnvme_nonzero(ids->eui64, sizeof(ids->eui64)))
		return sysfs_emit(buf, "eui.%8phN\n", ids->eui64);
	while (sn > 0 && (ctrl->serial[sn - 1] == ' ' || !ctrl->serial[sn - 1]))
		sn--;
	while (mn > 0 && (ctrl->model[mn - 1] == ' ' || !ctrl->model[mn - 1]))
		mn--;
	return sysfs_emit(buf, "nvme.%04x-%*phN-%*phN-%08x\n",
			  le16_to_cpu(ctrl->id->vid), sn, ctrl->serial, mn,
			  ctrl->model, ns->nsid);
}
static DEVICE_ATTR_RO(wwid);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct cnvme_ns_ids *ids =
		&((struct cnvme_ns *)dev_to_disk(dev)->private_data)->ids;

	/* without a UUID, the NGUID in UUID form, as nvme_core shows it */
	if (uuid_is_null(&ids->uuid))
		return sysfs_emit(buf, "%pU\n", ids->nguid);
	return sysfs_emit(buf, "%pU\n", &ids->uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t nguid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct cnvme_ns *ns = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%pU\n", ns->ids.nguid);
}
static DEVICE_ATTR_RO(nguid);

static ssize_t eui_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct cnvme_ns *ns = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%8ph\n", ns->ids.eui64);
}
static DEVICE_ATTR_RO(eui);

static struct attribute *cnvme_ns_attrs[] = {
	&dev_attr_nsid.attr,
	&dev_attr_wwid.attr,
	&dev_attr_uuid.attr,
	&dev_attr_nguid.attr,
	&dev_attr_eui.attr,
	NULL
};

/* uuid, nguid and eui appear only when the namespace has such an id. */
static umode_t cnvme_ns_attr_visible(struct kobject *kobj,
				     struct attribute *a, int n)
{
	struct cnvme_ns *ns = dev_to_disk(kobj_to_dev(kobj))->private_data;
	struct cnvme_ns_ids *ids = &ns->ids;

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
	NULL
};
