// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: NVM subsystems (/sys/class/nvme-subsystem/nvme-subsysK).
 *
 * A subsystem is named nvme-subsys<instance of its first controller> and
 * holds a link named like each of its controllers, which is what libnvme
 * needs to list them.  Controllers with the same subsystem NQN that both
 * report several controllers (CMIC bit 1) share one subsystem, and its
 * shared namespaces get multipath heads (mpath.c).
 */
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cnvme.h"
#include "compat.h"

struct class cnvme_subsys_class = {
	.name = "nvme-subsystem",
};

static ssize_t subsysnqn_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_cnvme_subsys(dev)->subnqn);
}
static DEVICE_ATTR_RO(subsysnqn);

static ssize_t subsystype_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "nvm\n");
}
static DEVICE_ATTR_RO(subsystype);

/*
 * The multipath I/O policy, read by mpath.c when it picks a path: "numa"
 * (the first live path; the guest has one node), "round-robin" and, on
 * 6.12, "queue-depth" (the path with the fewest requests in flight).
 */
static const char * const cnvme_iopolicies[] = {
	[CNVME_IOPOLICY_NUMA] = "numa",
	[CNVME_IOPOLICY_RR] = "round-robin",
	[CNVME_IOPOLICY_QD] = "queue-depth",
};

static ssize_t iopolicy_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cnvme_iopolicies[READ_ONCE(to_cnvme_subsys(dev)->iopolicy)]);
}

static ssize_t iopolicy_store(struct device *dev,
			      struct device_attribute *attr, const char *buf,
			      size_t count)
{
	unsigned int n = CNVME_SYSFS_6_12 ? 3 : 2;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (sysfs_streq(buf, cnvme_iopolicies[i])) {
			WRITE_ONCE(to_cnvme_subsys(dev)->iopolicy, i);
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

static LIST_HEAD(cnvme_subsystems);
static DEFINE_MUTEX(cnvme_subsystems_lock);

static void cnvme_subsys_release(struct device *dev)
{
	struct cnvme_subsys *s = to_cnvme_subsys(dev);

	if (s->instance >= 0)
		ida_free(&cnvme_instance_ida, s->instance);
	ida_destroy(&s->ns_ida);
	mutex_destroy(&s->lock);
	kfree(s);
}

/* A subsystem this controller joins: same NQN, both multi-controller. */
static struct cnvme_subsys *cnvme_subsys_find(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s;

	if (!(ctrl->id->cmic & NVME_CTRL_CMIC_MULTI_CTRL))
		return NULL;
	list_for_each_entry(s, &cnvme_subsystems, entry) {
		if (strcmp(s->subnqn, ctrl->subsysnqn))
			continue;
		if (!(s->cmic & NVME_CTRL_CMIC_MULTI_CTRL))
			continue;
		return s;
	}
	return NULL;
}

/* Is another controller of the subsystem using this NQN already? */
static bool cnvme_subsys_nqn_taken(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s;

	list_for_each_entry(s, &cnvme_subsystems, entry)
		if (!strcmp(s->subnqn, ctrl->subsysnqn))
			return true;
	return false;
}

static struct cnvme_subsys *cnvme_subsys_create(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->strs = ctrl->strs;
	strscpy(s->subnqn, ctrl->subsysnqn, sizeof(s->subnqn));
	s->cmic = ctrl->id->cmic;
	s->vid = le16_to_cpu(ctrl->id->vid);
	s->instance = ctrl->instance;
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->heads);
	ida_init(&s->ns_ida);

	device_initialize(&s->dev);
	s->dev.class = &cnvme_subsys_class;
	s->dev.release = cnvme_subsys_release;
	s->dev.groups = cnvme_subsys_groups;
	/* the subsystem keeps the number, even after this controller goes */
	ctrl->instance_to_subsys = true;
	ret = dev_set_name(&s->dev, "nvme-subsys%d", s->instance);
	if (!ret)
		ret = device_add(&s->dev);
	if (ret) {
		/* the controller frees its instance itself after all */
		ctrl->instance_to_subsys = false;
		s->instance = -1;
		put_device(&s->dev);
		return ERR_PTR(ret);
	}
	list_add_tail(&s->entry, &cnvme_subsystems);
	return s;
}

/*
 * Called once the controller is identified for the first time: it joins
 * the subsystem of its NQN when both report several controllers, else
 * gets one of its own that takes its instance number, as nvme_core does.
 */
int cnvme_subsys_add(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s;
	int ret;

	if (ctrl->subsys)
		return 0;
	mutex_lock(&cnvme_subsystems_lock);
	s = cnvme_subsys_find(ctrl);
	if (!s && cnvme_subsys_nqn_taken(ctrl)) {
		dev_err(&ctrl->dev,
			"subsystem %s already has a controller and does not support several\n",
			ctrl->subsysnqn);
		ret = -EINVAL;
		goto unlock;
	}
	if (!s) {
		s = cnvme_subsys_create(ctrl);
		if (IS_ERR(s)) {
			ret = PTR_ERR(s);
			goto unlock;
		}
	} else {
		get_device(&s->dev);
	}
	ret = sysfs_create_link(&s->dev.kobj, &ctrl->dev.kobj,
				dev_name(&ctrl->dev));
	if (ret) {
		if (!s->nr_ctrls) {
			list_del(&s->entry);
			device_del(&s->dev);
			ctrl->instance_to_subsys = false;
			s->instance = -1;
		}
		put_device(&s->dev);
		goto unlock;
	}
	s->nr_ctrls++;
	ctrl->subsys = s;
unlock:
	mutex_unlock(&cnvme_subsystems_lock);
	return ret;
}

/* After the controller's namespaces are gone: it leaves its subsystem. */
void cnvme_subsys_del(struct cnvme_ctrl *ctrl)
{
	struct cnvme_subsys *s = ctrl->subsys;

	if (!s)
		return;
	mutex_lock(&cnvme_subsystems_lock);
	ctrl->subsys = NULL;
	sysfs_remove_link(&s->dev.kobj, dev_name(&ctrl->dev));
	if (!--s->nr_ctrls) {
		list_del(&s->entry);
		device_del(&s->dev);
	}
	mutex_unlock(&cnvme_subsystems_lock);
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
	dev_warn(&ctrl->dev, "NVM subsystem reset\n");
	cnvme_writel(ctrl, 0x4E564D65, NVME_REG_NSSR);	/* "NVMe" */
	queue_work(cnvme_wq, &ctrl->reset_work);
	flush_work(&ctrl->reset_work);
	return cnvme_state(ctrl) == CNVME_STATE_LIVE ? 0 : -ENETRESET;
}
