// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the PCI driver: probe, remove and shutdown of one controller.
 */
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/slab.h>

#include "cnvme.h"

static DEFINE_IDA(cnvme_instance_ida);

static void cnvme_ctrl_release(struct device *dev)
{
	struct cnvme_ctrl *ctrl = to_cnvme_ctrl(dev);

	ida_free(&cnvme_instance_ida, ctrl->instance);
	kfree(ctrl->id);
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
	pci_set_master(pdev);
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
	struct device *dev = &ctrl->pdev->dev;
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

static int cnvme_setup_admin_irq(struct cnvme_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	ret = pci_request_irq(pdev, 0, cnvme_irq, NULL, &ctrl->adminq,
			      "nvme%dq%d", ctrl->instance, 0);
	if (ret) {
		pci_free_irq_vectors(pdev);
		return ret;
	}
	ctrl->adminq.vector = 0;
	return 0;
}

static void cnvme_free_admin_irq(struct cnvme_ctrl *ctrl)
{
	if (ctrl->adminq.vector >= 0)
		pci_free_irq(ctrl->pdev, ctrl->adminq.vector, &ctrl->adminq);
	ctrl->adminq.vector = -1;
	pci_free_irq_vectors(ctrl->pdev);
}

/* Bring the controller from reset to an identified, live state. */
static int cnvme_ctrl_start(struct cnvme_ctrl *ctrl)
{
	int ret;

	ret = cnvme_disable_ctrl(ctrl);
	if (ret)
		return ret;
	ret = cnvme_enable_ctrl(ctrl);
	if (ret)
		return ret;
	ret = cnvme_identify_ctrl(ctrl);
	if (ret)
		return ret;
	if (!cnvme_change_state(ctrl, CNVME_STATE_LIVE))
		return -ENODEV;
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
	ctrl->pdev = pdev;
	ctrl->state = CNVME_STATE_NEW;
	spin_lock_init(&ctrl->state_lock);
	mutex_init(&ctrl->lock);
	ctrl->adminq.vector = -1;

	ret = ida_alloc(&cnvme_instance_ida, GFP_KERNEL);
	if (ret < 0) {
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
	pci_set_drvdata(pdev, ctrl);

	ret = cnvme_map_bar(ctrl);
	if (ret)
		goto put_ctrl;
	ret = cnvme_read_caps(ctrl);
	if (ret)
		goto unmap;
	ret = cnvme_admin_init(ctrl);
	if (ret)
		goto unmap;
	ret = cnvme_setup_admin_irq(ctrl);
	if (ret)
		goto admin_exit;
	ret = cnvme_ctrl_start(ctrl);
	if (ret)
		goto disable;

	ret = device_add(&ctrl->dev);
	if (ret)
		goto disable;
	return 0;

disable:
	cnvme_change_state(ctrl, CNVME_STATE_DEAD);
	cnvme_disable_ctrl(ctrl);
	cnvme_admin_cancel_all(ctrl);
	cnvme_free_admin_irq(ctrl);
admin_exit:
	cnvme_admin_exit(ctrl);
unmap:
	cnvme_unmap_bar(ctrl);
put_ctrl:
	dev_err(&pdev->dev, "probe failed: %d\n", ret);
	pci_set_drvdata(pdev, NULL);
	put_device(&ctrl->dev);
	return ret;
}

/* Stop the controller and give back everything probe took, but ctrl. */
static void cnvme_teardown(struct cnvme_ctrl *ctrl, bool shutdown)
{
	bool alive = cnvme_readl(ctrl, NVME_REG_CSTS) != ~0U;

	cnvme_admin_stop(ctrl);
	cnvme_change_state(ctrl, CNVME_STATE_DELETING_NOIO);
	if (alive) {
		if (shutdown)
			cnvme_shutdown_ctrl(ctrl);
		cnvme_disable_ctrl(ctrl);
	}
	cnvme_admin_cancel_all(ctrl);
	cnvme_admin_start(ctrl);
	cnvme_free_admin_irq(ctrl);
	cnvme_admin_exit(ctrl);
	cnvme_unmap_bar(ctrl);
}

static void cnvme_remove(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	cnvme_change_state(ctrl, CNVME_STATE_DELETING);
	device_del(&ctrl->dev);
	mutex_lock(&ctrl->lock);
	cnvme_teardown(ctrl, true);
	mutex_unlock(&ctrl->lock);
	pci_set_drvdata(pdev, NULL);
	put_device(&ctrl->dev);
}

/* System shutdown or kexec: leave the media consistent, free nothing. */
static void cnvme_shutdown(struct pci_dev *pdev)
{
	struct cnvme_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return;
	mutex_lock(&ctrl->lock);
	if (ctrl->bar && cnvme_readl(ctrl, NVME_REG_CSTS) != ~0U)
		cnvme_shutdown_ctrl(ctrl);
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
};

int cnvme_pci_register(void)
{
	return pci_register_driver(&cnvme_pci_driver);
}

void cnvme_pci_unregister(void)
{
	pci_unregister_driver(&cnvme_pci_driver);
}
