// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the PCI driver: probe, remove and shutdown of one controller.
 */
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/slab.h>

#include "cnvme.h"

/* controller numbers; a subsystem keeps its first controller's */
DEFINE_IDA(cnvme_instance_ida);

static void cnvme_ctrl_release(struct device *dev)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	if (!ctrl->instance_to_subsys)
		ida_free(&cnvme_instance_ida, ctrl->instance);
	kfree(ctrl->id);
	kfree(ctrl->effects);
	pci_dev_put(ctrl->pdev);
	kmem_cache_free(cnvme_ctrl_cache, ctrl);
}

static int cnvme_map_bar(struct cnvme_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;

	ret = pci_request_mem_regions(pdev, CNVME_NAME);
	if (ret)
		goto disable;

	ctrl->bar_len = pci_resource_len(pdev, 0);
	if (ctrl->bar_len < NVME_REG_DBS + 2 * sizeof(u32)) {
		dev_err(&pdev->dev, "BAR0 too small (%pa bytes)\n",
			&ctrl->bar_len);
		ret = -ENODEV;
		goto release;
	}
	ctrl->bar = pci_ioremap_bar(pdev, 0);
	if (!ctrl->bar) {
		ret = -ENOMEM;
		goto release;
	}

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		dev_err(&pdev->dev, "no usable DMA mask\n");
		goto unmap;
	}
	/*
	 * PRPs and SGLs describe segments of any length: say so, or the DMA
	 * layer (and an IOMMU merging segments) assumes the 64 KiB default,
	 * below what the queues' limits let through
	 */
	dma_set_max_seg_size(&pdev->dev, 0xffffffff);
	pci_set_master(pdev);
	/* what the error recovery restores after a slot reset */
	pci_save_state(pdev);
	return 0;

unmap:
	iounmap(ctrl->bar);
	ctrl->bar = NULL;
release:
	pci_release_mem_regions(pdev);
disable:
	pci_disable_device(pdev);
	return ret;
}

static void cnvme_unmap_bar(struct cnvme_ctrl *ctrl)
{
	pci_clear_master(ctrl->pdev);
	iounmap(ctrl->bar);
	ctrl->bar = NULL;
	pci_release_mem_regions(ctrl->pdev);
	pci_disable_device(ctrl->pdev);
}

/* Read and check the capabilities the driver depends on. */
static int cnvme_read_caps(struct cnvme_ctrl *ctrl)
{
	struct device *dev = &ctrl->dev;
	u32 csts = cnvme_readl(ctrl, NVME_REG_CSTS);
	u32 doorbells;

	if (csts == ~0U) {
		dev_err(dev, "controller registers read all ones\n");
		return -ENODEV;
	}
	ctrl->cap = lo_hi_readq(ctrl->bar + NVME_REG_CAP);
	ctrl->vs = cnvme_readl(ctrl, NVME_REG_VS);
	ctrl->db_stride = 1U << NVME_CAP_STRIDE(ctrl->cap);
	ctrl->page_shift = CNVME_CTRL_PAGE_SHIFT;

	if (NVME_CAP_MPSMIN(ctrl->cap) > 0) {
		dev_err(dev, "controller needs pages of at least %u bytes; only 4096 is supported\n",
			1U << (12 + NVME_CAP_MPSMIN(ctrl->cap)));
		return -ENODEV;
	}
	if (!(NVME_CAP_CSS(ctrl->cap) & (NVME_CAP_CSS_NVM | NVME_CAP_CSS_CSI))) {
		dev_err(dev, "controller supports no NVM command set (CAP.CSS %#llx)\n",
			NVME_CAP_CSS(ctrl->cap));
		return -ENODEV;
	}
	/* the admin queue's doorbells must lie inside BAR0 */
	doorbells = NVME_REG_DBS + 2 * ctrl->db_stride * sizeof(u32);
	if (ctrl->bar_len < doorbells) {
		dev_err(dev, "BAR0 (%pa bytes) too small for doorbell stride %u\n",
			&ctrl->bar_len, ctrl->db_stride);
		return -ENODEV;
	}
	return 0;
}

static int cnvme_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct cnvme_ctrl *ctrl;
	int ret;

	ctrl = kmem_cache_alloc_node(cnvme_ctrl_cache, GFP_KERNEL | __GFP_ZERO,
				     dev_to_node(&pdev->dev));
	if (!ctrl)
		return -ENOMEM;
	/*
	 * The controller can outlive the PCI function (open nodes after a
	 * hot removal log through &pdev->dev): keep it until the release.
	 */
	ctrl->pdev = pci_dev_get(pdev);
	ctrl->quirks = cnvme_pci_quirks(pdev);
	ctrl->state = CNVME_STATE_NEW;
	ctrl->admin_timeout = cnvme_admin_timeout_jiffies;
	ctrl->io_timeout = cnvme_io_timeout_jiffies;
	spin_lock_init(&ctrl->state_lock);
	mutex_init(&ctrl->lock);
	mutex_init(&ctrl->cancel_lock);
	init_rwsem(&ctrl->remove_sem);
	mutex_init(&ctrl->scan_lock);
	mutex_init(&ctrl->ns_lock);
	INIT_LIST_HEAD(&ctrl->namespaces);
	spin_lock_init(&ctrl->reroute_lock);
	bio_list_init(&ctrl->reroute_list);
	INIT_WORK(&ctrl->reset_work, cnvme_reset_work);
	INIT_WORK(&ctrl->scan_work, cnvme_scan_work);
	INIT_WORK(&ctrl->aen_work, cnvme_aen_work);
	ctrl->adminq.vector = -1;

	ret = ida_alloc(&cnvme_instance_ida, GFP_KERNEL);
	if (ret < 0) {
		pci_dev_put(pdev);
		kmem_cache_free(cnvme_ctrl_cache, ctrl);
		return ret;
	}
	ctrl->instance = ret;

	/* from here on the device's release frees ctrl and its instance */
	device_initialize(&ctrl->dev);
	ctrl->dev.class = &cnvme_class;
	ctrl->dev.parent = &pdev->dev;
	ctrl->dev.groups = cnvme_ctrl_groups;
	ctrl->dev.release = cnvme_ctrl_release;
	ret = dev_set_name(&ctrl->dev, "nvme%d", ctrl->instance);
	if (ret)
		goto put_ctrl;
	dev_info(&ctrl->dev, "pci function %s\n", pci_name(pdev));

	ret = cnvme_map_bar(ctrl);
	if (ret)
		goto put_ctrl;
	ret = cnvme_read_caps(ctrl);
	if (ret)
		goto unmap;
	ret = cnvme_dma_init(ctrl);
	if (ret)
		goto unmap;
	ret = cnvme_admin_init(ctrl);
	if (ret)
		goto dma_exit;
	ret = cnvme_setup_admin_irq(ctrl);
	if (ret)
		goto admin_exit;
	cnvme_ctrl_cdev_init(ctrl);
	ret = cdev_device_add(&ctrl->cdev, &ctrl->dev);
	if (ret)
		goto free_irqs;
	pci_set_drvdata(pdev, ctrl);
	cnvme_fault_ctrl_add(ctrl);

	/* the controller comes up in the background, like after a reset */
	cnvme_schedule_reset(ctrl);
	return 0;

free_irqs:
	cnvme_free_irqs(ctrl);
admin_exit:
	cnvme_admin_exit(ctrl);
dma_exit:
	cnvme_dma_exit(ctrl);
unmap:
	cnvme_unmap_bar(ctrl);
put_ctrl:
	dev_err(&pdev->dev, "probe failed: %d\n", ret);
	put_device(&ctrl->dev);
	return ret;
}

/* Is the PCI function still there (not after a surprise removal)? */
static bool cnvme_present(struct cnvme_ctrl *ctrl)
{
	return !cnvme_fault_regs_gone(ctrl) && pci_device_is_present(ctrl->pdev);
}

static void cnvme_remove(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	cnvme_change_state(ctrl, CNVME_STATE_DELETING);
	if (!cnvme_present(ctrl)) {
		/*
		 * Nothing will answer any more (nor DMA): the admin command a
		 * reset may be waiting for fails now, as after its timeout,
		 * and its next ones at once (dead).  The stop itself waits for
		 * the reset to give up: one of them at a time.
		 */
		cnvme_change_state(ctrl, CNVME_STATE_DEAD);
		cnvme_admin_cancel_all(ctrl);
		mutex_lock(&ctrl->lock);
		cnvme_kill(ctrl, "device removed");
		mutex_unlock(&ctrl->lock);
	}
	flush_work(&ctrl->reset_work);
	flush_work(&ctrl->scan_work);

	/* requests requeued by an unfinished reset now fail instead of waiting */
	cnvme_unquiesce_io(ctrl);
	/*
	 * Completions on poll queues that no process polls any more (an
	 * io_uring owner that stopped reaping) are delivered now, so that
	 * deleting the disks does not wait for their timeouts.
	 */
	mutex_lock(&ctrl->lock);
	cnvme_reap_io_queues(ctrl);
	mutex_unlock(&ctrl->lock);
	cnvme_remove_namespaces(ctrl);

	mutex_lock(&ctrl->lock);
	cnvme_unquiesce_admin(ctrl);
	cnvme_dev_disable(ctrl, CNVME_STOP_SHUTDOWN);
	cnvme_change_state(ctrl, CNVME_STATE_DELETING_NOIO);
	cnvme_unquiesce_admin(ctrl);
	/*
	 * Its readers' admin commands fail at once from here on (a reset
	 * that stopped short may have left the queue quiesced until now),
	 * so the unregistration's wait for them ends; no reset registers it
	 * again (DELETING).
	 */
	cnvme_hwmon_exit(ctrl);
	cancel_work_sync(&ctrl->aen_work);
	cnvme_io_tagset_free(ctrl);
	cnvme_free_irqs(ctrl);
	cnvme_free_io_queues(ctrl);
	/* passthrough callers on still-open nodes see the admin queue go */
	down_write(&ctrl->remove_sem);
	cnvme_admin_exit(ctrl);
	cnvme_dma_exit(ctrl);
	cnvme_unmap_bar(ctrl);
	up_write(&ctrl->remove_sem);
	mutex_unlock(&ctrl->lock);

	cnvme_fault_ctrl_del(ctrl);
	cnvme_subsys_del(ctrl);
	cdev_device_del(&ctrl->cdev, &ctrl->dev);
	pci_set_drvdata(pdev, NULL);
	put_device(&ctrl->dev);
}

/* System shutdown or kexec: leave the media consistent, free nothing. */
static void cnvme_shutdown(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return;
	cnvme_change_state(ctrl, CNVME_STATE_DELETING);
	flush_work(&ctrl->reset_work);
	mutex_lock(&ctrl->lock);
	cnvme_dev_disable(ctrl, CNVME_STOP_SHUTDOWN);
	mutex_unlock(&ctrl->lock);
}

static const struct pci_device_id cnvme_id_table[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_EXPRESS, 0xffffff) },
	{ 0, }
};
MODULE_DEVICE_TABLE(pci, cnvme_id_table);

static struct pci_driver cnvme_pci_driver = {
	.name		= CNVME_NAME,
	.id_table	= cnvme_id_table,
	.probe		= cnvme_probe,
	.remove		= cnvme_remove,
	.shutdown	= cnvme_shutdown,
	.err_handler	= &cnvme_err_handler,
	.driver.pm	= pm_sleep_ptr(&cnvme_pm_ops),
};

int cnvme_pci_register(void)
{
	return pci_register_driver(&cnvme_pci_driver);
}

void cnvme_pci_unregister(void)
{
	pci_unregister_driver(&cnvme_pci_driver);
}
