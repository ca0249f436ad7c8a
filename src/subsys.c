// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: NVM subsystems (/sys/class/nvme-subsystem/nvme-subsysK).
 *
 * For now each controller is its own subsystem: nvme-subsys<instance of
 * the controller>, holding a link named like the controller, which is
 * what libnvme needs to list it.  Controllers sharing a subsystem NQN
 * (multipath) are not joined yet.
 */
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cnvme.h"
#include "compat.h"

struct class cnvme_subsys_class = {
	.name = "nvme-subsystem",
};

static struct cnvme_subsys *to_subsys(struct device *dev)
{
	return container_of(dev, struct cnvme_subsys, dev);
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct cnvme_subsys *s = to_subsys(dev);

	return cnvme_show_id_str(buf, s->model, sizeof(s->model));
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct cnvme_subsys *s = to_subsys(dev);

	return cnvme_show_id_str(buf, s->serial, sizeof(s->serial));
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_rev_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct cnvme_subsys *s = to_subsys(dev);

	return cnvme_show_id_str(buf, s->firmware_rev, sizeof(s->firmware_rev));
}
static DEVICE_ATTR_RO(firmware_rev);

static ssize_t subsysnqn_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_subsys(dev)->subnqn);
}
static DEVICE_ATTR_RO(subsysnqn);

static ssize_t subsystype_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "nvm\n");
}
static DEVICE_ATTR_RO(subsystype);

/*
 * The multipath I/O policy.  A subsystem of one controller has one path,
 * so the policy changes nothing; it is kept and shown as the in-kernel
 * driver keeps it, for tools that read or set it.
 */
static const char * const cnvme_iopolicies[] = {
	"numa", "round-robin", "queue-depth",
};

static ssize_t iopolicy_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cnvme_iopolicies[READ_ONCE(to_subsys(dev)->iopolicy)]);
}

static ssize_t iopolicy_store(struct device *dev,
			      struct device_attribute *attr, const char *buf,
			      size_t count)
{
	unsigned int n = CNVME_SYSFS_6_12 ? 3 : 2;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (sysfs_streq(buf, cnvme_iopolicies[i])) {
			WRITE_ONCE(to_subsys(dev)->iopolicy, i);
			return count;
		}
	}
	return -EINVAL;
}
static DEVICE_ATTR_RW(iopolicy);

static struct attribute *cnvme_subsys_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_rev.attr,
	&dev_attr_subsysnqn.attr,
	&dev_attr_subsystype.attr,
	&dev_attr_iopolicy.attr,
	NULL
};

static const struct attribute_group cnvme_subsys_group = {
	.attrs = cnvme_subsys_attrs,
};

static const struct attribute_group *cnvme_subsys_groups[] = {
	&cnvme_subsys_group,
	NULL
};

static void cnvme_subsys_release(struct device *dev)
{
	kfree(to_subsys(dev));
}

/*
 * Called once the controller is identified for the first time: the
 * subsystem takes the controller's instance number, as nvme_core does.
 */
int cnvme_subsys_add(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s;
	int ret;

	if (ctrl->subsys)
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	memcpy(s->model, ctrl->model, sizeof(s->model));
	memcpy(s->serial, ctrl->serial, sizeof(s->serial));
	memcpy(s->firmware_rev, ctrl->firmware_rev, sizeof(s->firmware_rev));
	strscpy(s->subnqn, ctrl->subsysnqn, sizeof(s->subnqn));

	device_initialize(&s->dev);
	s->dev.class = &cnvme_subsys_class;
	s->dev.release = cnvme_subsys_release;
	s->dev.groups = cnvme_subsys_groups;
	ret = dev_set_name(&s->dev, "nvme-subsys%d", ctrl->instance);
	if (ret)
		goto put;
	ret = device_add(&s->dev);
	if (ret)
		goto put;
	ret = sysfs_create_link(&s->dev.kobj, &ctrl->dev.kobj,
				dev_name(&ctrl->dev));
	if (ret) {
		device_del(&s->dev);
		goto put;
	}
	ctrl->subsys = s;
	return 0;
put:
	put_device(&s->dev);
	return ret;
}

void cnvme_subsys_del(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s = ctrl->subsys;

	if (!s)
		return;
	ctrl->subsys = NULL;
	sysfs_remove_link(&s->dev.kobj, dev_name(&ctrl->dev));
	device_del(&s->dev);
	put_device(&s->dev);
}

/*
 * NVM Subsystem Reset, when the controller has it (CAP.NSSRS, NVMe 1.1):
 * the whole subsystem resets; the controller is then brought back like
 * after any reset.
 */
int cnvme_subsystem_reset(struct cnvme_ctrl *ctrl)
{
	if (!NVME_CAP_NSSRC(ctrl->cap) || ctrl->vs < NVME_VS(1, 1, 0))
		return -ENOTTY;
	if (!cnvme_change_state(ctrl, CNVME_STATE_RESETTING))
		return -EBUSY;
	dev_warn(&ctrl->pdev->dev, "%s: NVM subsystem reset\n",
		 dev_name(&ctrl->dev));
	cnvme_writel(ctrl, 0x4E564D65, NVME_REG_NSSR);	/* "NVMe" */
	queue_work(cnvme_wq, &ctrl->reset_work);
	flush_work(&ctrl->reset_work);
	return cnvme_state(ctrl) == CNVME_STATE_LIVE ? 0 : -ENETRESET;
}
