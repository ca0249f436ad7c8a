// SPDX-License-Identifier: GPL-2.0
/* class ->devnode() and ->dev_uevent() take a const device (6.2, 6.3) */
#include <linux/device.h>

static char *devnode(const struct device *dev, umode_t *mode)
{
	return NULL;
}

static int uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	return 0;
}

const struct class probe_class = {
	.name = "probe",
	.devnode = devnode,
	.dev_uevent = uevent,
};
