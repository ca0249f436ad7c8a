// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: attributes of the controller device (/sys/class/nvme/nvmeN),
 * in the formats the in-kernel driver uses (libnvme parses them).
 */
#include <linux/blkdev.h>
#include <linux/sysfs.h>

#include "cnvme.h"

/* Identify strings are shown whole, padding included, as nvme_core does. */
static ssize_t cnvme_show_id_str(char *buf, const char *s, int len)
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

static struct attribute *cnvme_ns_attrs[] = {
	&dev_attr_nsid.attr,
	NULL
};

static const struct attribute_group cnvme_ns_group = {
	.attrs = cnvme_ns_attrs,
};

const struct attribute_group *cnvme_ns_groups[] = {
	&cnvme_ns_group,
	NULL
};
