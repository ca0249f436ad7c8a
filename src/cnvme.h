/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: shared types of the driver.
 *
 * One struct cnvme_ctrl per PCI function.  Its lifetime follows the
 * embedded class device: the PCI driver holds one reference from probe
 * to remove, and every later user (sysfs, char device openers) takes its
 * own.  The admin queue is a blk-mq queue of one hardware context so that
 * driver commands and user passthrough share tags, timeouts and
 * cancellation.
 */
#ifndef CNVME_H
#define CNVME_H

#include <linux/bits.h>
#include <linux/blk-mq.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/spinlock.h>

#define CNVME_NAME		"cnvme"
#define CNVME_ADMIN_DEPTH	NVME_AQ_DEPTH

/* The driver always runs the controller with 4 KiB memory pages (CC.MPS 0). */
#define CNVME_CTRL_PAGE_SHIFT	12
#define CNVME_CTRL_PAGE_SIZE	BIT(CNVME_CTRL_PAGE_SHIFT)

enum cnvme_state {
	CNVME_STATE_NEW,
	CNVME_STATE_LIVE,
	CNVME_STATE_RESETTING,
	CNVME_STATE_CONNECTING,
	CNVME_STATE_DELETING,
	CNVME_STATE_DELETING_NOIO,
	CNVME_STATE_DEAD,
};

/* One submission/completion queue pair. */
struct cnvme_queue {
	struct cnvme_ctrl *ctrl;
	struct nvme_command *sqes;
	struct nvme_completion *cqes;
	dma_addr_t sq_dma;
	dma_addr_t cq_dma;
	u32 __iomem *sq_db;
	u32 __iomem *cq_db;
	struct blk_mq_tags *tags;
	spinlock_t sq_lock;	/* sq_tail and the SQ slots */
	spinlock_t cq_lock;	/* cq_head/cq_phase outside the irq */
	u16 depth;
	u16 qid;
	u16 sq_tail;
	u16 cq_head;
	u8 cq_phase;
	int vector;		/* index into the PCI irq vectors, -1 if none */
};

/* Per-request private data (blk-mq pdu). */
struct cnvme_iod {
	struct nvme_command cmd;
	union nvme_result result;
	u16 status;		/* NVMe status field, phase bit stripped */
};

struct cnvme_ctrl {
	struct device dev;	/* class "nvme" device, name nvme<instance> */
	struct pci_dev *pdev;
	void __iomem *bar;
	resource_size_t bar_len;
	int instance;

	u64 cap;
	u32 vs;
	u32 ctrl_config;
	u32 db_stride;
	u32 page_shift;

	spinlock_t state_lock;	/* state */
	enum cnvme_state state;
	struct mutex lock;	/* serialises enable/disable */

	struct cnvme_queue adminq;
	struct blk_mq_tag_set admin_set;
	struct request_queue *admin_q;

	/* Identify Controller, kept as the device reported it */
	struct nvme_id_ctrl *id;
	u16 cntlid;
	u32 rtd3e;
	char serial[20];
	char model[40];
	char firmware_rev[8];
	char subsysnqn[NVMF_NQN_SIZE];
};

static inline struct cnvme_ctrl *to_cnvme_ctrl(struct device *dev)
{
	return container_of(dev, struct cnvme_ctrl, dev);
}

/* main.c */
extern unsigned int cnvme_admin_timeout_jiffies;	/* jiffies */
extern unsigned int cnvme_shutdown_timeout;	/* seconds */
extern struct class cnvme_class;
extern struct kmem_cache *cnvme_ctrl_cache;

/* pci.c */
int cnvme_pci_register(void);
void cnvme_pci_unregister(void);

/* regs.c */
static inline u32 cnvme_readl(struct cnvme_ctrl *ctrl, u32 off)
{
	return readl(ctrl->bar + off);
}

static inline void cnvme_writel(struct cnvme_ctrl *ctrl, u32 val, u32 off)
{
	writel(val, ctrl->bar + off);
}

int cnvme_wait_ready(struct cnvme_ctrl *ctrl, bool enabled);
int cnvme_disable_ctrl(struct cnvme_ctrl *ctrl);
int cnvme_enable_ctrl(struct cnvme_ctrl *ctrl);
int cnvme_shutdown_ctrl(struct cnvme_ctrl *ctrl);
bool cnvme_change_state(struct cnvme_ctrl *ctrl, enum cnvme_state new);
const char *cnvme_state_name(enum cnvme_state state);

/* queue.c */
int cnvme_queue_alloc(struct cnvme_ctrl *ctrl, struct cnvme_queue *q,
		      u16 qid, u16 depth);
void cnvme_queue_free(struct cnvme_queue *q);
void cnvme_queue_reset(struct cnvme_queue *q);
void cnvme_submit_cmd(struct cnvme_queue *q, struct nvme_command *cmd);
int cnvme_process_cq(struct cnvme_queue *q);

/* admin.c */
int cnvme_admin_init(struct cnvme_ctrl *ctrl);
void cnvme_admin_start(struct cnvme_ctrl *ctrl);
void cnvme_admin_stop(struct cnvme_ctrl *ctrl);
void cnvme_admin_cancel_all(struct cnvme_ctrl *ctrl);
void cnvme_admin_exit(struct cnvme_ctrl *ctrl);
int cnvme_admin_exec(struct cnvme_ctrl *ctrl, struct nvme_command *cmd,
		     void *buf, unsigned int len, union nvme_result *result);
irqreturn_t cnvme_irq(int irq, void *data);

/* identify.c */
int cnvme_identify_ctrl(struct cnvme_ctrl *ctrl);

/* sysfs.c */
extern const struct attribute_group *cnvme_ctrl_groups[];

#endif /* CNVME_H */
