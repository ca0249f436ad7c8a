// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: a standalone PCI NVMe driver.  Module entry points and
 * parameters.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "cnvme.h"

unsigned int cnvme_admin_timeout_jiffies = 60 * HZ;
unsigned int cnvme_shutdown_timeout = 5;

/*
 * A parameter in seconds, refused at load (and at write through sysfs)
 * when outside [min, max], with a log line that says why.
 */
struct cnvme_secs_param {
	const char *name;
	unsigned int *value;	/* seconds, or jiffies when .jiffies */
	unsigned int min;
	unsigned int max;
	bool jiffies;
};

static int cnvme_param_set_secs(const char *val, const struct kernel_param *kp)
{
	const struct cnvme_secs_param *p = kp->arg;
	unsigned int secs;
	int ret;

	ret = kstrtouint(val, 0, &secs);
	if (ret || secs < p->min || secs > p->max) {
		pr_err(CNVME_NAME ": %s=%s refused: want seconds in [%u, %u]\n",
		       p->name, val, p->min, p->max);
		return -EINVAL;
	}
	*p->value = p->jiffies ? secs * HZ : secs;
	return 0;
}

static int cnvme_param_get_secs(char *buf, const struct kernel_param *kp)
{
	const struct cnvme_secs_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", p->jiffies ? *p->value / HZ : *p->value);
}

static const struct kernel_param_ops cnvme_secs_ops = {
	.set = cnvme_param_set_secs,
	.get = cnvme_param_get_secs,
};

static const struct cnvme_secs_param cnvme_admin_timeout_param = {
	.name = "admin_timeout",
	.value = &cnvme_admin_timeout_jiffies,
	.min = 1,
	.max = 255,
	.jiffies = true,
};
module_param_cb(admin_timeout, &cnvme_secs_ops,
		(void *)&cnvme_admin_timeout_param, 0644);
MODULE_PARM_DESC(admin_timeout, "timeout in seconds for admin commands (1-255, default 60)");

static const struct cnvme_secs_param cnvme_shutdown_timeout_param = {
	.name = "shutdown_timeout",
	.value = &cnvme_shutdown_timeout,
	.min = 1,
	.max = 255,
};
module_param_cb(shutdown_timeout, &cnvme_secs_ops,
		(void *)&cnvme_shutdown_timeout_param, 0644);
MODULE_PARM_DESC(shutdown_timeout, "timeout in seconds for controller shutdown (1-255, default 5)");

/*
 * Controllers come from a cache of their own: kmem_cache_destroy() at
 * unload reports any that leaked (tests boot with slab_nomerge so the
 * cache is never shared).
 */
struct kmem_cache *cnvme_ctrl_cache;

struct class cnvme_class = {
	.name = "nvme",
};

/*
 * cnvme and the in-kernel nvme_core claim the same class names and the
 * same devices: only one of them can be loaded.
 */
static bool cnvme_nvme_core_loaded(void)
{
	void *sym = __symbol_get("nvme_init_ctrl");

	if (!sym)
		return false;
	symbol_put_addr(sym);
	return true;
}

static int __init cnvme_init(void)
{
	int ret;

	if (cnvme_nvme_core_loaded()) {
		pr_err(CNVME_NAME ": the in-kernel NVMe driver (nvme_core) is loaded; unload it first (rmmod nvme nvme_core) or boot with module_blacklist=nvme,nvme_core\n");
		return -EBUSY;
	}

	cnvme_ctrl_cache = KMEM_CACHE(cnvme_ctrl, 0);
	if (!cnvme_ctrl_cache)
		return -ENOMEM;

	ret = class_register(&cnvme_class);
	if (ret) {
		pr_err(CNVME_NAME ": cannot register class \"nvme\" (%d)\n", ret);
		goto destroy_cache;
	}
	ret = cnvme_pci_register();
	if (ret)
		goto unregister_class;
	return 0;

unregister_class:
	class_unregister(&cnvme_class);
destroy_cache:
	kmem_cache_destroy(cnvme_ctrl_cache);
	return ret;
}

static void __exit cnvme_exit(void)
{
	cnvme_pci_unregister();
	class_unregister(&cnvme_class);
	kmem_cache_destroy(cnvme_ctrl_cache);
}

module_init(cnvme_init);
module_exit(cnvme_exit);

MODULE_DESCRIPTION("cnvme: standalone PCI NVMe driver");
MODULE_AUTHOR("cnvme developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
