// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: a standalone PCI NVMe driver.  Module entry points and
 * parameters (the in-kernel nvme driver's names and meanings).
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "cnvme.h"
#include "compat.h"

unsigned int cnvme_admin_timeout_jiffies = 60 * HZ;
unsigned int cnvme_io_timeout_jiffies = 30 * HZ;
unsigned int cnvme_shutdown_timeout = 5;
unsigned int cnvme_io_queue_depth = 1024;
unsigned int cnvme_poll_queues;
unsigned int cnvme_write_queues;
unsigned int cnvme_sgl_threshold = SZ_32K;
unsigned int cnvme_max_retries = 5;

/*
 * An unsigned parameter refused at load (and at write through sysfs)
 * when outside [min, max], with a log line that says why.  Timeouts are
 * given in seconds and kept in jiffies.
 */
struct cnvme_uint_param {
	const char *name;
	unsigned int *value;
	unsigned int min;
	unsigned int max;
	bool seconds;		/* kept as jiffies */
};

static int cnvme_param_set(const char *val, const struct kernel_param *kp)
{
	const struct cnvme_uint_param *p = kp->arg;
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret || n < p->min || n > p->max) {
		pr_err(CNVME_NAME ": %s=%s refused: want a number in [%u, %u]\n",
		       p->name, val, p->min, p->max);
		return -EINVAL;
	}
	*p->value = p->seconds ? n * HZ : n;
	return 0;
}

static int cnvme_param_get(char *buf, const struct kernel_param *kp)
{
	const struct cnvme_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", p->seconds ? *p->value / HZ : *p->value);
}

static const struct kernel_param_ops cnvme_param_ops = {
	.set = cnvme_param_set,
	.get = cnvme_param_get,
};

static const struct cnvme_uint_param cnvme_param_admin_timeout = {
	.name = "admin_timeout", .value = &cnvme_admin_timeout_jiffies,
	.min = 1, .max = 255, .seconds = true,
};
module_param_cb(admin_timeout, &cnvme_param_ops, (void *)&cnvme_param_admin_timeout, 0644);
MODULE_PARM_DESC(admin_timeout, "timeout in seconds for admin commands (1-255, default 60)");

static const struct cnvme_uint_param cnvme_param_io_timeout = {
	.name = "io_timeout", .value = &cnvme_io_timeout_jiffies,
	.min = 1, .max = 3600, .seconds = true,
};
module_param_cb(io_timeout, &cnvme_param_ops, (void *)&cnvme_param_io_timeout, 0644);
MODULE_PARM_DESC(io_timeout, "timeout in seconds for I/O (1-3600, default 30)");

static const struct cnvme_uint_param cnvme_param_shutdown_timeout = {
	.name = "shutdown_timeout", .value = &cnvme_shutdown_timeout,
	.min = 1, .max = 255, .seconds = false,
};
module_param_cb(shutdown_timeout, &cnvme_param_ops, (void *)&cnvme_param_shutdown_timeout, 0644);
MODULE_PARM_DESC(shutdown_timeout, "timeout in seconds for controller shutdown (1-255, default 5)");

static const struct cnvme_uint_param cnvme_param_io_queue_depth = {
	.name = "io_queue_depth", .value = &cnvme_io_queue_depth,
	.min = 2, .max = 4095, .seconds = false,
};
module_param_cb(io_queue_depth, &cnvme_param_ops, (void *)&cnvme_param_io_queue_depth, 0444);
MODULE_PARM_DESC(io_queue_depth, "entries per I/O queue, capped by CAP.MQES (2-4095, default 1024)");

static const struct cnvme_uint_param cnvme_param_poll_queues = {
	.name = "poll_queues", .value = &cnvme_poll_queues,
	.min = 0, .max = 256, .seconds = false,
};
module_param_cb(poll_queues, &cnvme_param_ops, (void *)&cnvme_param_poll_queues, 0444);
MODULE_PARM_DESC(poll_queues, "number of queues for polled I/O (0-256, default 0)");

static const struct cnvme_uint_param cnvme_param_write_queues = {
	.name = "write_queues", .value = &cnvme_write_queues,
	.min = 0, .max = 256, .seconds = false,
};
module_param_cb(write_queues, &cnvme_param_ops, (void *)&cnvme_param_write_queues, 0444);
MODULE_PARM_DESC(write_queues, "number of queues for writes, reads get the others (0-256, default 0: shared)");

static const struct cnvme_uint_param cnvme_param_sgl_threshold = {
	.name = "sgl_threshold", .value = &cnvme_sgl_threshold,
	.min = 0, .max = UINT_MAX, .seconds = false,
};
module_param_cb(sgl_threshold, &cnvme_param_ops, (void *)&cnvme_param_sgl_threshold, 0644);
MODULE_PARM_DESC(sgl_threshold, "average segment size from which SGLs are used, 0: never (default 32768)");

static const struct cnvme_uint_param cnvme_param_max_retries = {
	.name = "max_retries", .value = &cnvme_max_retries,
	.min = 0, .max = 255, .seconds = false,
};
module_param_cb(max_retries, &cnvme_param_ops, (void *)&cnvme_param_max_retries, 0644);
MODULE_PARM_DESC(max_retries, "retries of an I/O failed without DNR (0-255, default 5)");

/*
 * Controllers and namespaces come from caches of their own:
 * kmem_cache_destroy() at unload reports any that leaked (tests boot with
 * slab_nomerge so the caches are never shared).
 */
struct kmem_cache *cnvme_ctrl_cache;
struct kmem_cache *cnvme_ns_cache;
struct workqueue_struct *cnvme_wq;

/* What udev learns of a controller, as from the in-kernel driver. */
static int cnvme_class_uevent(cnvme_class_dev_t *dev,
			      struct kobj_uevent_env *env)
{
	return add_uevent_var(env, "NVME_TRTYPE=pcie");
}

struct class cnvme_class = {
	.name = "nvme",
	.dev_uevent = cnvme_class_uevent,
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
	cnvme_ns_cache = KMEM_CACHE(cnvme_ns, 0);
	if (!cnvme_ns_cache) {
		ret = -ENOMEM;
		goto destroy_ctrl_cache;
	}
	ret = cnvme_slab_init();
	if (ret)
		goto destroy_ns_cache;
	ret = -ENOMEM;
	cnvme_wq = alloc_workqueue("cnvme-wq", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!cnvme_wq)
		goto slab_exit;

	ret = class_register(&cnvme_class);
	if (ret) {
		pr_err(CNVME_NAME ": cannot register class \"nvme\" (%d)\n", ret);
		goto destroy_wq;
	}
	ret = class_register(&cnvme_subsys_class);
	if (ret)
		goto unregister_class;
	ret = cnvme_chrdev_init();
	if (ret)
		goto unregister_subsys_class;
	cnvme_fault_init();
	ret = cnvme_pci_register();
	if (ret)
		goto chrdev_exit;
	return 0;

chrdev_exit:
	cnvme_fault_exit();
	cnvme_chrdev_exit();
unregister_subsys_class:
	class_unregister(&cnvme_subsys_class);
unregister_class:
	class_unregister(&cnvme_class);
destroy_wq:
	destroy_workqueue(cnvme_wq);
slab_exit:
	cnvme_slab_exit();
destroy_ns_cache:
	kmem_cache_destroy(cnvme_ns_cache);
destroy_ctrl_cache:
	kmem_cache_destroy(cnvme_ctrl_cache);
	return ret;
}

static void __exit cnvme_exit(void)
{
	cnvme_pci_unregister();
	cnvme_fault_exit();
	cnvme_chrdev_exit();
	class_unregister(&cnvme_subsys_class);
	class_unregister(&cnvme_class);
	destroy_workqueue(cnvme_wq);
	cnvme_slab_exit();
	kmem_cache_destroy(cnvme_ns_cache);
	kmem_cache_destroy(cnvme_ctrl_cache);
}

module_init(cnvme_init);
module_exit(cnvme_exit);

MODULE_DESCRIPTION("cnvme: standalone PCI NVMe driver");
MODULE_AUTHOR("cnvme developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
