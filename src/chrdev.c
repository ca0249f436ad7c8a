// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the character devices: /dev/nvmeN for each controller (class
 * "nvme", minor = controller instance) and /dev/ngXnY for each namespace
 * or multipath head (class "nvme-generic", minors in allocation order),
 * with the block device's ioctls.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>

#include "cnvme.h"

#define CNVME_MINORS	BIT(MINORBITS)

static dev_t cnvme_ctrl_base;
static dev_t cnvme_ns_base;
static DEFINE_IDA(cnvme_ns_minor_ida);

struct class cnvme_ns_class = {
	.name = "nvme-generic",
};

/* /dev/nvmeN opens only while the controller is live. */
static int cnvme_dev_open(struct inode *inode, struct file *file)
{
	struct cnvme_ctrl *ctrl = container_of(inode->i_cdev, struct cnvme_ctrl,
					       cdev);

	if (cnvme_state(ctrl) != CNVME_STATE_LIVE)
		return -EWOULDBLOCK;
	file->private_data = ctrl;
	return 0;
}

static const struct file_operations cnvme_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= cnvme_dev_open,
	.unlocked_ioctl	= cnvme_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= cnvme_dev_uring_cmd,
};

/* Before device_add of ctrl->dev: give it its number and char device. */
void cnvme_ctrl_cdev_init(struct cnvme_ctrl *ctrl)
{
	ctrl->dev.devt = MKDEV(MAJOR(cnvme_ctrl_base), ctrl->instance);
	cdev_init(&ctrl->cdev, &cnvme_dev_fops);
	ctrl->cdev.owner = THIS_MODULE;
}

static int cnvme_ns_chr_open(struct inode *inode, struct file *file)
{
	struct cnvme_ns *ns = container_of(inode->i_cdev, struct cnvme_ns,
					   cdev);

	file->private_data = ns;
	return 0;
}

static long cnvme_ns_chr_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return cnvme_ns_ioctl(file->private_data, cmd, (void __user *)arg,
			      false, file->f_mode & FMODE_WRITE);
}

static const struct file_operations cnvme_ns_chr_fops = {
	.owner		= THIS_MODULE,
	.open		= cnvme_ns_chr_open,
	.unlocked_ioctl	= cnvme_ns_chr_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= cnvme_ns_uring_cmd,
	.uring_cmd_iopoll = cnvme_ns_uring_cmd_iopoll,
};

static int cnvme_head_chr_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct cnvme_ns_head,
					  cdev);
	return 0;
}

static long cnvme_head_chr_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	return cnvme_head_ioctl(file->private_data, cmd, (void __user *)arg,
				false, file->f_mode & FMODE_WRITE);
}

static const struct file_operations cnvme_head_chr_fops = {
	.owner		= THIS_MODULE,
	.open		= cnvme_head_chr_open,
	.unlocked_ioctl	= cnvme_head_chr_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= cnvme_head_uring_cmd,
	.uring_cmd_iopoll = cnvme_ns_uring_cmd_iopoll,
};

/*
 * A generic node holds a reference on the disk it serves (kept as the
 * device's driver data), hence on the namespace or head behind it.
 */
static void cnvme_generic_release(struct device *dev)
{
	ida_free(&cnvme_ns_minor_ida, MINOR(dev->devt));
	put_disk(dev_get_drvdata(dev));
}

/* /dev/ng<X>n<H> serving @disk, a child of @parent. */
static int cnvme_generic_add(struct device *dev, struct cdev *cdev,
			     const struct file_operations *fops,
			     struct device *parent, struct gendisk *disk,
			     int x, int h)
{
	int minor, ret;

	minor = ida_alloc_max(&cnvme_ns_minor_ida, CNVME_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0)
		return minor;
	device_initialize(dev);
	dev->devt = MKDEV(MAJOR(cnvme_ns_base), minor);
	dev->class = &cnvme_ns_class;
	dev->parent = parent;
	dev->release = cnvme_generic_release;
	get_device(disk_to_dev(disk));
	dev_set_drvdata(dev, disk);
	ret = dev_set_name(dev, "ng%dn%d", x, h);
	if (ret)
		goto put;
	cdev_init(cdev, fops);
	cdev->owner = THIS_MODULE;
	ret = cdev_device_add(cdev, dev);
	if (ret)
		goto put;
	return 0;
put:
	put_device(dev);
	return ret;
}

static void cnvme_generic_del(struct device *dev, struct cdev *cdev,
			      bool *added)
{
	if (!*added)
		return;
	*added = false;
	cdev_device_del(cdev, dev);
	put_device(dev);
}

/* /dev/ng<C>n<H> of a namespace, a child of the controller device. */
int cnvme_ns_cdev_add(struct cnvme_ns *ns)
{
	int ret;

	ret = cnvme_generic_add(&ns->cdev_device, &ns->cdev,
				&cnvme_ns_chr_fops, &ns->ctrl->dev, ns->disk,
				ns->ctrl->instance, ns->instance);
	ns->cdev_added = !ret;
	return ret;
}

void cnvme_ns_cdev_del(struct cnvme_ns *ns)
{
	cnvme_generic_del(&ns->cdev_device, &ns->cdev, &ns->cdev_added);
}

/* /dev/ng<S>n<H> of a multipath head, a child of the subsystem device. */
int cnvme_head_cdev_add(struct cnvme_ns_head *head)
{
	int ret;

	ret = cnvme_generic_add(&head->cdev_device, &head->cdev,
				&cnvme_head_chr_fops, &head->subsys->dev,
				head->disk, head->subsys->instance,
				head->instance);
	head->cdev_added = !ret;
	return ret;
}

void cnvme_head_cdev_del(struct cnvme_ns_head *head)
{
	cnvme_generic_del(&head->cdev_device, &head->cdev, &head->cdev_added);
}

int cnvme_chrdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&cnvme_ctrl_base, 0, CNVME_MINORS, "nvme");
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&cnvme_ns_base, 0, CNVME_MINORS,
				  "nvme-generic");
	if (ret)
		goto free_ctrl;
	ret = class_register(&cnvme_ns_class);
	if (ret)
		goto free_ns;
	return 0;

free_ns:
	unregister_chrdev_region(cnvme_ns_base, CNVME_MINORS);
free_ctrl:
	unregister_chrdev_region(cnvme_ctrl_base, CNVME_MINORS);
	return ret;
}

void cnvme_chrdev_exit(void)
{
	class_unregister(&cnvme_ns_class);
	unregister_chrdev_region(cnvme_ns_base, CNVME_MINORS);
	unregister_chrdev_region(cnvme_ctrl_base, CNVME_MINORS);
	ida_destroy(&cnvme_ns_minor_ida);
}
