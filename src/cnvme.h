/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnvme: shared types of the driver.
 *
 * One struct cnvme_ctrl per PCI function.  Its lifetime follows the
 * embedded class device: the PCI driver holds one reference from probe
 * to remove, and every later user (sysfs, char device openers) takes its
 * own.  The admin queue is a blk-mq queue of one hardware context so that
 * driver commands and user passthrough share tags, timeouts and
 * cancellation.  The I/O queues form one tag set shared by every
 * namespace of the controller; hardware context i is I/O queue i + 1.
 */
#ifndef CNVME_H
#define CNVME_H

#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/blk-mq.h>
#include <linux/device.h>
#include <linux/dmapool.h>
#include <linux/kref.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include "compat.h"

#define CNVME_NAME		"cnvme"
#define CNVME_ADMIN_DEPTH	NVME_AQ_DEPTH

/* The driver always runs the controller with 4 KiB memory pages (CC.MPS 0). */
#define CNVME_CTRL_PAGE_SHIFT	12
#define CNVME_CTRL_PAGE_SIZE	BIT(CNVME_CTRL_PAGE_SHIFT)

/*
 * Data transfer limits.  A PRP list never needs chaining: 2 MiB, even
 * starting mid-page, is PRP1 plus at most 512 list entries, one page.
 */
#define CNVME_MAX_TRANSFER	(2U << 20)
#define CNVME_MAX_SEGMENTS	128
#define CNVME_SMALL_POOL_SIZE	256
#define CNVME_DSM_MAX_RANGES	256
/* Identify Namespace NSFEAT: NPWG, NPWA, NPDG, NPDA and NOWS are valid */
#define CNVME_NSFEAT_OPTPERF	BIT(4)
/* fewest spare CQ entries worth reporting the CQ head lazily for */
#define CNVME_CQ_MIN_SLACK	16

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
	/* submission side, under sq_lock */
	spinlock_t sq_lock;
	u16 sq_tail;
	u16 last_sq_tail;	/* tail the doorbell last saw */
	u16 depth;
	u16 qid;
	struct nvme_command *sqes;
	u32 __iomem *sq_db;

	/* completion side: the irq handler, or cq_lock */
	spinlock_t cq_lock;
	u16 cq_head;
	u8 cq_phase;
	bool polled;		/* no interrupt: reaped by ->poll */
	u16 cq_depth;		/* depth + cq_slack */
	u16 cq_slack;		/* 0: head reported after every batch */
	u16 cq_unreported;	/* entries consumed since the last report */
	struct nvme_completion *cqes;
	u32 __iomem *cq_db;

	/* shadow doorbells and event indexes (dbbuf.c), NULL if none */
	__le32 *dbbuf_sq_db;
	__le32 *dbbuf_cq_db;
	__le32 *dbbuf_sq_ei;
	__le32 *dbbuf_cq_ei;

	/* set when the queue is made (probe, reset work), then constant */
	struct cnvme_ctrl *ctrl;
	dma_addr_t sq_dma;
	dma_addr_t cq_dma;
	int vector;		/* ctrl->lock: PCI irq vector index, -1 none */
	bool live;		/* WRITE_ONCE/READ_ONCE: usable for I/O */
#ifdef CNVME_FAULT_INJECT
	bool fault_replay_valid;	/* completion side */
	struct nvme_completion fault_replay;
#endif
};

/* The status code type and code of a status field, without More and DNR */
#define CNVME_SCT_SC_MASK	0x7ff

/*
 * The names the in-kernel driver's log lines give commands and statuses
 * when the kernel is built without CONFIG_NVME_VERBOSE_ERRORS (Debian's).
 */
#define CNVME_IO_CMD_NAME	"I/O Cmd"
#define CNVME_ADMIN_CMD_NAME	"Admin Cmd"
#define CNVME_STATUS_NAME	"I/O Error"

/*
 * A command identifier: the request's tag in the low 12 bits, and in the
 * top 4 the generation of its use, counted up at each submission, so
 * that a late or duplicate completion of an earlier use of the tag is
 * recognised (tags stay below 4096: queue depths are at most 4095).
 */
#define CNVME_CID_TAG_BITS	12
#define CNVME_CID_TAG_MASK	(BIT(CNVME_CID_TAG_BITS) - 1)
#define CNVME_CID_GEN_MASK	0xf
/* the stored identifier of a request whose completion was taken */
#define CNVME_CID_TAKEN		0xffff

static inline u16 cnvme_cid(struct request *rq, u8 gen)
{
	return (gen & CNVME_CID_GEN_MASK) << CNVME_CID_TAG_BITS | rq->tag;
}

/*
 * Per-request private data (blk-mq pdu).  The mapping fields (bvec_len,
 * nr_mapped, sgl, list, meta_dma) are zero whenever the request holds no
 * mapping: blk-mq allocates the pdus zeroed, a failed mapping undoes
 * itself and cnvme_unmap_data() zeroes what it releases.  So starting a
 * request (cnvme_iod_start) resets only the per-use status.
 */
struct cnvme_iod {
	struct nvme_command cmd;
	union nvme_result result;
	u16 status;		/* NVMe status field, phase bit stripped */
	bool cancelled;		/* failed by the host, not the controller */
	bool mpath_counted;	/* in ctrl->nr_active */
	u8 retries;
	u8 genctr;		/* uses of the tag; never reset */
	bool aborted;		/* an Abort was sent for it */
	bool small_list;	/* list came from the small pool */
	u16 nr_mapped;		/* DMA-mapped sg entries, 0 if none */
	dma_addr_t bvec_dma;	/* single-segment fast path */
	unsigned int bvec_len;
	void *list;		/* PRP list, SGL segment or DSM ranges */
	dma_addr_t list_dma;
	dma_addr_t meta_dma;
	unsigned int meta_len;
	struct scatterlist *sgl;
};

/*
 * A new use of the request: clear its status and give its command the
 * next command identifier.  Admin and I/O queues alike.
 */
static inline void cnvme_iod_start(struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);

	iod->status = 0;
	iod->cancelled = false;
	iod->aborted = false;
	iod->cmd.common.command_id = cnvme_cid(rq, ++iod->genctr);
}

/* Namespace identifiers (Identify Namespace and its descriptor list). */
struct cnvme_ns_ids {
	u8 eui64[8];
	u8 nguid[16];
	uuid_t uuid;
	u8 csi;
};

/*
 * A namespace shared by the controllers of a subsystem (multipath): one
 * bio-based disk, nvme<S>n<H>, sends each bio down one of its paths, the
 * per-controller namespaces (hidden disks nvme<S>c<C>n<H>).
 */
struct cnvme_ns_head {
	struct list_head entry;		/* subsys->heads, under subsys->lock */
	struct cnvme_subsys *subsys;
	u32 nsid;
	int instance;			/* the n<H> of every name */
	struct cnvme_ns_ids ids;
	struct list_head paths;		/* cnvme_ns.sibling: RCU, subsys->lock */
	struct srcu_struct srcu;	/* readers of paths */
	struct cnvme_ns __rcu *last_path;	/* round-robin position */
	struct gendisk *disk;
	bool disk_added;
	bool disk_failed;		/* device_add_disk failed: never again */
	int pending;			/* cnvme_head_get without a path yet */
	struct kref ref;		/* paths and pending gets */
	spinlock_t requeue_lock;
	struct bio_list requeue_list;	/* bios waiting for a path */
	struct work_struct requeue_work;
	struct device cdev_device;	/* /dev/ng<S>n<H> */
	struct cdev cdev;
	bool cdev_added;
};

/* One namespace, one gendisk. */
struct cnvme_ns {
	struct list_head entry;
	struct cnvme_ctrl *ctrl;
	struct gendisk *disk;
	struct cnvme_ns_head *head;	/* NULL unless a multipath path */
	struct list_head sibling;	/* in head->paths */
	u32 nsid;
	int instance;		/* the n<H> in the disk name */
	u8 lba_shift;
	u16 ms;			/* metadata bytes per block */
	u8 pi_type;
	bool ext;		/* metadata interleaved with data */
	bool meta_separate;	/* metadata through MPTR, block integrity */
	bool deac;		/* Write Zeroes may deallocate */
	bool removed;
	unsigned long flags;	/* CNVME_NS_* */
	u64 nsze;
	u64 nuse;		/* as last read; sysfs re-reads it */
	struct ratelimit_state nuse_rs;
	bool passthru_err_log;
	/* sysfs diag/ counters (7.2) */
	atomic_long_t diag_errors;	/* failed I/O commands */
	atomic_long_t diag_retries;	/* commands sent again */
	atomic_long_t diag_failovers;	/* moved to another path */
	struct cnvme_ns_ids ids;
	struct device cdev_device;	/* /dev/ng<C>n<H> */
	struct cdev cdev;
	bool cdev_added;
};

/* Multipath I/O policies, in the order of their names in subsys.c */
enum {
	CNVME_IOPOLICY_NUMA,
	CNVME_IOPOLICY_RR,
	CNVME_IOPOLICY_QD,
};

/*
 * An NVM subsystem.  Controllers that report more than one controller in
 * their subsystem (CMIC bit 1) and the same NQN share one; any other
 * controller has its own.
 */
/*
 * The Identify Controller strings sysfs shows, space padded and not
 * terminated, as the controller gives them.
 */
struct cnvme_id_strs {
	char serial[20];
	char model[40];
	char firmware_rev[8];
};

struct cnvme_subsys {
	struct device dev;	/* class "nvme-subsystem", nvme-subsys<K> */
	struct list_head entry;	/* cnvme_subsystems, under its lock */
	int instance;		/* the K: the first controller's instance */
	int nr_ctrls;		/* under the global subsystem lock */
	u8 cmic;
	u16 vid;
	struct mutex lock;	/* heads and their path lists */
	struct list_head heads;
	struct ida ns_ida;	/* the n<H> of namespace names */
	struct cnvme_id_strs strs;
	char subnqn[NVMF_NQN_SIZE];
	unsigned int iopolicy;	/* CNVME_IOPOLICY_*, its name in subsys.c */
};

static inline struct cnvme_subsys *to_cnvme_subsys(struct device *dev)
{
	return container_of(dev, struct cnvme_subsys, dev);
}

enum {
	CNVME_NS_STOPPED,	/* queue quiesced by the driver */
	CNVME_NS_FROZEN,	/* queue frozen by cnvme_drain_io */
};

enum {
	CNVME_ADMIN_STOPPED,	/* admin queue quiesced by the driver */
	CNVME_CAPS_CHANGED,	/* a user command changed the capabilities */
	CNVME_AEN_ARMED,	/* an AER is outstanding on the controller */
	CNVME_REMOVAL_STOP,	/* an I/O timeout stopped it during removal */
	CNVME_IO_REROUTE,	/* a reset resizes the tag set (io.c) */
	CNVME_PM_STOPPED,	/* shut down for a system sleep (pm.c) */
};

/* The AER's command identifier: just above the admin tag set. */
#define CNVME_AEN_CID		(CNVME_ADMIN_DEPTH - 2)

/*
 * One controller (one PCI function).  The comment of each field says what
 * keeps it consistent:
 *
 *   probe     set before the device is visible, constant until remove;
 *   reset     written by probe, the reset work, suspend or remove, all
 *             under ctrl->lock; other readers (sysfs, ioctls, the scan,
 *             the timeout handlers) take no lock and can meet a value
 *             the reset work is rewriting: harmless for most, not for
 *             all (the discard limits, the I/O queue array: known, not
 *             yet fixed);
 *   sysfs     written by a sysfs store at any time with WRITE_ONCE, read
 *             with READ_ONCE;
 *   a lock    written under that lock (and read under it unless said);
 *   atomic    an atomic type or atomic bit operations.
 */
struct cnvme_ctrl {
	struct device dev;	/* probe: class "nvme", name nvme<instance> */
	struct cdev cdev;	/* probe: /dev/nvme<instance> */
	struct cnvme_subsys *subsys;		/* reset: set once; remove */
	bool instance_to_subsys;	/* cnvme_subsystems_lock: it frees
					 * the instance
					 */
	atomic_t nr_active;	/* atomic: multipath requests in flight */
	struct pci_dev *pdev;	/* probe */
	void __iomem *bar;	/* probe; remove clears it under remove_sem */
	resource_size_t bar_len;	/* probe */
	int instance;		/* probe */

	u64 cap;		/* probe */
	unsigned long quirks;	/* probe: CNVME_QUIRK_* (quirks.c) */
	u32 vs;			/* probe */
	u32 ctrl_config;	/* reset (CC as last written) */
	u32 db_stride;		/* probe */
	u32 page_shift;		/* probe */

	spinlock_t state_lock;	/* the state, and the count of resets */
	enum cnvme_state state;	/* state_lock; cnvme_state() reads it */
	struct mutex lock;	/* enable/disable/teardown: "reset" below */
	struct mutex cancel_lock;	/* one canceller of requests at a time */
	struct rw_semaphore remove_sem;	/* write: admin queue and BAR go */
	unsigned long flags;	/* atomic: CNVME_ADMIN_* and the others */
	struct work_struct reset_work;
	struct work_struct scan_work;
	struct work_struct aen_work;
	u32 aen_result;		/* WRITE_ONCE in the irq, READ_ONCE in the work */

	struct cnvme_queue adminq;		/* probe (its fields: below) */
	struct blk_mq_tag_set admin_set;	/* probe; remove_sem */
	struct request_queue *admin_q;		/* probe; remove_sem */

	/* I/O queues: ioqs[i] is qid i + 1; all "reset" */
	struct cnvme_queue *ioqs;
	unsigned int max_ioqs;		/* size of ioqs */
	unsigned int nr_ioqs;		/* created on the controller */
	unsigned int nr_maps[HCTX_MAX_TYPES];
	unsigned int nr_vecs;		/* irq vectors allocated */
	u16 io_depth;
	u16 io_cq_depth;		/* io_depth + CQ slack (ioq.c) */
	struct blk_mq_tag_set tagset;	/* reset; .timeout: ns_lock too */
	bool tagset_ready;		/* reset */
	/* bios of requests whose queue a resize took away (tagset.c) */
	spinlock_t reroute_lock;
	struct bio_list reroute_list;	/* reroute_lock */
	unsigned int nr_rerouted, nr_reroute_failed;	/* reroute_lock */

	/* shadow doorbell buffers (dbbuf.c): reset */
	__le32 *dbbuf_dbs;
	__le32 *dbbuf_eis;
	dma_addr_t dbbuf_dbs_dma;
	dma_addr_t dbbuf_eis_dma;
	size_t dbbuf_bytes;

	struct dma_pool *page_pool;	/* probe */
	struct dma_pool *small_pool;	/* probe */
	mempool_t *sg_pool;		/* probe */

	struct mutex scan_lock;	/* one scan at a time */
	struct mutex ns_lock;	/* the namespaces list, held briefly */
	struct list_head namespaces;	/* changed under both; either walks */

	/* Identify Controller as the device reported it: reset (in place) */
	struct nvme_id_ctrl *id;
	struct nvme_effects_log *effects;	/* reset: log page 05h, once */
	struct device *hwmon;	/* reset */
	u16 cntlid;		/* reset */
	u8 cntrltype;		/* reset, WRITE_ONCE: 0 until Identify */
	u8 dctype;		/* reset, WRITE_ONCE */
	u32 rtd3e;		/* reset */
	u16 crdt[3];		/* reset: retry delay times, 100 ms units */
	u32 max_hw_sectors;	/* reset */
	u32 max_zeroes_sectors;	/* reset */
	u32 dmrsl;		/* reset: Identify CNS 06h, discard limits */
	u8 dmrl;		/* reset */
	bool passthru_err_log;	/* sysfs */
	/* timeouts of this controller's commands, jiffies: sysfs (7.2) */
	unsigned int admin_timeout;
	unsigned int io_timeout;
	/* sysfs diag/ counters (7.2): resets, failed I/O commands; atomic */
	atomic_long_t diag_resets;
	atomic_long_t diag_errors;
	u16 oncs;		/* reset */
	u8 vwc;			/* reset */
	bool sgls;		/* reset */
	struct cnvme_id_strs strs;		/* reset */
	char subsysnqn[NVMF_NQN_SIZE];		/* reset */

	/* debugfs fault points (fault.c): atomic, or READ_ONCE */
#ifdef CNVME_FAULT_INJECT
	struct dentry *fault_dir;
	atomic_t fault_drop_io;
	atomic_t fault_drop_admin;
	atomic_t fault_fail_enable;
	atomic_t fault_cfs;
	atomic_t fault_identify_ns;
	u32 fault_enable_delay_ms;
	atomic_t fault_replay_io;
	u32 fault_max_ioqs;
	u32 fault_disable_delay_ms;
	bool fault_regs_gone;
#endif
};

static inline struct cnvme_ctrl *to_cnvme_ctrl(struct device *dev)
{
	return container_of(dev, struct cnvme_ctrl, dev);
}

/* The tags of a queue, read from its tag set (resizing may replace them). */
static inline struct blk_mq_tags *cnvme_queue_tags(struct cnvme_queue *q)
{
	if (!q->qid)
		return q->ctrl->admin_set.tags[0];
	return q->ctrl->tagset.tags[q->qid - 1];
}

static inline enum cnvme_state cnvme_state(struct cnvme_ctrl *ctrl)
{
	return READ_ONCE(ctrl->state);
}

/* main.c: module parameters */
extern unsigned int cnvme_admin_timeout_jiffies;
extern unsigned int cnvme_io_timeout_jiffies;
extern unsigned int cnvme_shutdown_timeout;	/* seconds */
extern unsigned int cnvme_io_queue_depth;
extern unsigned int cnvme_poll_queues;
extern unsigned int cnvme_write_queues;
extern unsigned int cnvme_sgl_threshold;
extern unsigned int cnvme_max_retries;
extern struct class cnvme_class;
extern struct kmem_cache *cnvme_ctrl_cache;
extern struct kmem_cache *cnvme_ns_cache;
extern struct workqueue_struct *cnvme_wq;

/*
 * A controller's command timeouts: its own where the kernel's in-kernel
 * driver has them in sysfs (7.2), else the module parameters', which a
 * write changes for bound controllers too.
 */
static inline unsigned int cnvme_ctrl_admin_timeout(struct cnvme_ctrl *ctrl)
{
	return CNVME_SYSFS_7_2 ? READ_ONCE(ctrl->admin_timeout) :
				 READ_ONCE(cnvme_admin_timeout_jiffies);
}

static inline unsigned int cnvme_ctrl_io_timeout(struct cnvme_ctrl *ctrl)
{
	return CNVME_SYSFS_7_2 ? READ_ONCE(ctrl->io_timeout) :
				 READ_ONCE(cnvme_io_timeout_jiffies);
}

/* pci.c */
int cnvme_pci_register(void);
void cnvme_pci_unregister(void);
extern struct ida cnvme_instance_ida;

/* quirks.c: the in-kernel driver's quirks that cnvme implements */
#define CNVME_QUIRK_BOGUS_NID_BIT	0	/* ignore namespace identifiers */
#define CNVME_QUIRK_BOGUS_NID		BIT(CNVME_QUIRK_BOGUS_NID_BIT)
unsigned long cnvme_pci_quirks(struct pci_dev *pdev);
ssize_t cnvme_quirks_show(unsigned long quirks, char *buf);

/* pcierr.c */
extern const struct pci_error_handlers cnvme_err_handler;

/* pm.c */
extern const struct dev_pm_ops cnvme_pm_ops;

/* fault.c: fault points, only in a FAULT_INJECT=1 build */
enum cnvme_fault_work {
	CNVME_FAULT_WORK_RESET,
	CNVME_FAULT_WORK_SCAN,
	CNVME_FAULT_WORKS
};

#ifdef CNVME_FAULT_INJECT
bool cnvme_fault_work_begin(enum cnvme_fault_work w);
void cnvme_fault_work_end(enum cnvme_fault_work w, bool armed);
void cnvme_fault_init(void);
void cnvme_fault_exit(void);
void cnvme_fault_ctrl_add(struct cnvme_ctrl *ctrl);
void cnvme_fault_ctrl_del(struct cnvme_ctrl *ctrl);
bool cnvme_fault_drop_cqe(struct cnvme_queue *q, u16 cid);
bool cnvme_fault_fail_enable(struct cnvme_ctrl *ctrl);
u32 cnvme_fault_csts(struct cnvme_ctrl *ctrl, u32 csts);
bool cnvme_fault_fail_identify_ns(struct cnvme_ctrl *ctrl, u32 nsid);
bool cnvme_fault_replay_cqe(struct cnvme_queue *q,
			    const struct nvme_completion *cqe,
			    struct nvme_completion *dup);
unsigned int cnvme_fault_max_ioqs(struct cnvme_ctrl *ctrl,
				  unsigned int granted);
void cnvme_fault_disable_delay(struct cnvme_ctrl *ctrl);
void cnvme_assert_locked(struct cnvme_ctrl *ctrl);
void cnvme_fault_path_join_delay(struct cnvme_ctrl *ctrl, u32 nsid);

static inline bool cnvme_fault_regs_gone(struct cnvme_ctrl *ctrl)
{
	return READ_ONCE(ctrl->fault_regs_gone);
}
#else
static inline bool cnvme_fault_work_begin(enum cnvme_fault_work w)
{
	return false;
}

static inline void cnvme_fault_work_end(enum cnvme_fault_work w,
					bool armed) { }
static inline void cnvme_fault_init(void) { }
static inline void cnvme_fault_exit(void) { }
static inline void cnvme_fault_ctrl_add(struct cnvme_ctrl *ctrl) { }
static inline void cnvme_fault_ctrl_del(struct cnvme_ctrl *ctrl) { }

static inline bool cnvme_fault_drop_cqe(struct cnvme_queue *q, u16 cid)
{
	return false;
}

static inline bool cnvme_fault_fail_enable(struct cnvme_ctrl *ctrl)
{
	return false;
}

static inline bool cnvme_fault_regs_gone(struct cnvme_ctrl *ctrl)
{
	return false;
}

static inline u32 cnvme_fault_csts(struct cnvme_ctrl *ctrl, u32 csts)
{
	return csts;
}

static inline bool cnvme_fault_fail_identify_ns(struct cnvme_ctrl *ctrl,
						u32 nsid)
{
	return false;
}

static inline bool cnvme_fault_replay_cqe(struct cnvme_queue *q,
					  const struct nvme_completion *cqe,
					  struct nvme_completion *dup)
{
	return false;
}

static inline unsigned int cnvme_fault_max_ioqs(struct cnvme_ctrl *ctrl,
						unsigned int granted)
{
	return granted;
}

static inline void cnvme_fault_disable_delay(struct cnvme_ctrl *ctrl) { }

static inline void cnvme_assert_locked(struct cnvme_ctrl *ctrl)
{
	lockdep_assert_held(&ctrl->lock);
}

static inline void cnvme_fault_path_join_delay(struct cnvme_ctrl *ctrl,
					       u32 nsid) { }
#endif

/* regs.c */
static inline u32 cnvme_readl(struct cnvme_ctrl *ctrl, u32 off)
{
	if (cnvme_fault_regs_gone(ctrl))
		return ~0U;
	if (off == NVME_REG_CSTS)
		return cnvme_fault_csts(ctrl, readl(ctrl->bar + off));
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

/* state.c: the controller state machine */
bool cnvme_change_state(struct cnvme_ctrl *ctrl, enum cnvme_state new);
const char *cnvme_state_name(enum cnvme_state state);

/* dbbuf.c */
void cnvme_dbbuf_setup(struct cnvme_ctrl *ctrl);
void cnvme_dbbuf_init_queue(struct cnvme_ctrl *ctrl, struct cnvme_queue *q);
void cnvme_dbbuf_free(struct cnvme_ctrl *ctrl);

/*
 * Store @value in a shadow doorbell; true if the register must be written
 * too: always without shadow doorbells, else when @value moved past the
 * controller's event index (the test is on 16-bit wrapping counters).
 */
static inline bool cnvme_dbbuf_update(u16 value, __le32 *db, __le32 *ei)
{
	u16 old, event;

	if (!db)
		return true;
	/* the queue entries before the shadow value that publishes them */
	wmb();
	old = le32_to_cpu(*db);
	WRITE_ONCE(*db, cpu_to_le32(value));
	/* the shadow value before the event index it is compared with */
	mb();
	event = le32_to_cpu(READ_ONCE(*ei));
	return (u16)(value - event - 1) < (u16)(value - old);
}

/* queue.c */
int cnvme_queue_alloc(struct cnvme_ctrl *ctrl, struct cnvme_queue *q,
		      u16 qid, u16 depth, u16 cq_depth);
void cnvme_queue_free(struct cnvme_queue *q);
void cnvme_queue_reset(struct cnvme_queue *q);

/* admin.c */
int cnvme_admin_init(struct cnvme_ctrl *ctrl);
void cnvme_admin_exit(struct cnvme_ctrl *ctrl);
int cnvme_admin_exec(struct cnvme_ctrl *ctrl, struct nvme_command *cmd,
		     void *buf, unsigned int len, union nvme_result *result);
int cnvme_identify(struct cnvme_ctrl *ctrl, u8 cns, u32 nsid, u8 csi,
		   void *buf, unsigned int len);
int cnvme_get_log(struct cnvme_ctrl *ctrl, u8 lid, void *buf, u32 len);
int cnvme_get_features(struct cnvme_ctrl *ctrl, u8 fid, u32 dword11,
		       u32 *result);
int cnvme_set_features(struct cnvme_ctrl *ctrl, u8 fid, u32 dword11,
		       u32 *result);

/* dma.c */
int cnvme_dma_init(struct cnvme_ctrl *ctrl);
void cnvme_dma_exit(struct cnvme_ctrl *ctrl);
blk_status_t cnvme_map_data(struct cnvme_ctrl *ctrl, struct request *rq,
			    bool sgl_ok);
void cnvme_unmap_data(struct cnvme_ctrl *ctrl, struct request *rq);
void *cnvme_alloc_list(struct cnvme_ctrl *ctrl, struct cnvme_iod *iod,
		       size_t bytes);
int cnvme_slab_init(void);
void cnvme_slab_exit(void);

/* ioq.c */
int cnvme_setup_admin_irq(struct cnvme_ctrl *ctrl);
void cnvme_free_irqs(struct cnvme_ctrl *ctrl);
int cnvme_setup_io_queues(struct cnvme_ctrl *ctrl);
void cnvme_delete_io_queues(struct cnvme_ctrl *ctrl);
void cnvme_free_io_queues(struct cnvme_ctrl *ctrl);
void cnvme_sync_io_irqs(struct cnvme_ctrl *ctrl);

/* io.c: the hot path, submission to completion, of both queue types */
extern const struct blk_mq_ops cnvme_io_mq_ops;
extern const struct blk_mq_ops cnvme_admin_mq_ops;
void cnvme_submit_cmd(struct cnvme_queue *q, struct nvme_command *cmd);
void cnvme_complete_rq(struct request *rq);
irqreturn_t cnvme_irq(int irq, void *data);
int cnvme_reap_cq_trylock(struct cnvme_queue *nq, struct io_comp_batch *iob);
void cnvme_reap_cq_sync(struct cnvme_queue *q);

/* timeout.c: requests that do not complete */
enum blk_eh_timer_return cnvme_io_timeout(struct request *rq);
enum blk_eh_timer_return cnvme_admin_timeout(struct request *rq);
bool cnvme_cancel_rq(struct request *rq, void *data);
void cnvme_cancel_all_io(struct cnvme_ctrl *ctrl);
void cnvme_admin_cancel_all(struct cnvme_ctrl *ctrl);

/* tagset.c: the I/O tag set */
blk_status_t cnvme_reroute(struct cnvme_ctrl *ctrl, struct request *rq);
void cnvme_map_queues(struct blk_mq_tag_set *set);
int cnvme_io_tagset_update(struct cnvme_ctrl *ctrl);
void cnvme_io_resubmit_rerouted(struct cnvme_ctrl *ctrl);
void cnvme_io_tagset_free(struct cnvme_ctrl *ctrl);

/* ns.c */
struct hd_geometry;
int cnvme_getgeo(cnvme_getgeo_t *dev, struct hd_geometry *geo);
void cnvme_scan_work(struct work_struct *work);
void cnvme_remove_namespaces(struct cnvme_ctrl *ctrl);
void cnvme_quiesce_io(struct cnvme_ctrl *ctrl);
void cnvme_unquiesce_io(struct cnvme_ctrl *ctrl);
void cnvme_mark_namespaces_dead(struct cnvme_ctrl *ctrl);
bool cnvme_drain_io_locked(struct cnvme_ctrl *ctrl, unsigned long timeout);
bool cnvme_drain_io(struct cnvme_ctrl *ctrl, unsigned long timeout);
void cnvme_drain_io_end(struct cnvme_ctrl *ctrl);

/* reset.c */
void cnvme_reset_work(struct work_struct *work);
bool cnvme_schedule_reset(struct cnvme_ctrl *ctrl);
int cnvme_reset_sync(struct cnvme_ctrl *ctrl);
enum cnvme_stop {
	CNVME_STOP_RESET,	/* CC.EN cleared, for a reset */
	CNVME_STOP_SHUTDOWN,	/* drained, CC.SHN: removal, power-off */
	CNVME_STOP_SLEEP,	/* as shutdown, the queues left frozen */
};

void cnvme_dev_disable(struct cnvme_ctrl *ctrl, enum cnvme_stop how);
void cnvme_kill(struct cnvme_ctrl *ctrl, const char *why);
bool cnvme_stop_for_removal(struct cnvme_ctrl *ctrl);
void cnvme_reap_io_queues(struct cnvme_ctrl *ctrl);
void cnvme_unquiesce_admin(struct cnvme_ctrl *ctrl);

/* chrdev.c */
extern struct class cnvme_ns_class;
int cnvme_chrdev_init(void);
void cnvme_chrdev_exit(void);
void cnvme_ctrl_cdev_init(struct cnvme_ctrl *ctrl);
int cnvme_ns_cdev_add(struct cnvme_ns *ns);
void cnvme_ns_cdev_del(struct cnvme_ns *ns);
int cnvme_head_cdev_add(struct cnvme_ns_head *head);
void cnvme_head_cdev_del(struct cnvme_ns_head *head);

/* ioctl.c: a passthrough command, whatever structure it came in */
struct cnvme_user_cmd {
	struct nvme_command cmd;
	u64 addr;
	u32 data_len;		/* bytes, or iovecs with @vec */
	u64 metadata;
	u32 metadata_len;
	u32 timeout_ms;
	bool vec;
	bool rescan;		/* set by the command: flush scan_work after */
};

struct nvme_uring_cmd;
void __user *cnvme_user_ptr(u64 addr);
int cnvme_parse_user_cmd(struct cnvme_ns *ns, const struct nvme_uring_cmd *c,
			 struct cnvme_user_cmd *uc, bool vec);
long cnvme_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long cnvme_ns_ioctl(struct cnvme_ns *ns, unsigned int cmd, void __user *argp,
		    bool partition, bool open_for_write);
int cnvme_effects_init(struct cnvme_ctrl *ctrl);
bool cnvme_cmd_allowed(struct cnvme_ns *ns, struct nvme_command *c,
		       bool partition, bool open_for_write);
int cnvme_user_too_long(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
			struct request *rq, u64 len);
int cnvme_user_map_vec(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		       struct request *rq, struct cnvme_user_cmd *uc);
struct cnvme_umeta;

/* umeta.c: the metadata buffer (MPTR) of a user command */
int __cnvme_umeta_map(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		      struct cnvme_user_cmd *uc, struct cnvme_umeta **out);
void __cnvme_umeta_unmap(struct cnvme_umeta *m);
int __cnvme_umeta_done(struct cnvme_umeta *m, int status);

/*
 * User metadata: the calls for a command without any (no buffer given,
 * none the namespace's format moves), nearly every one, return here.
 */
static inline int cnvme_umeta_map(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
				  struct cnvme_user_cmd *uc,
				  struct cnvme_umeta **out)
{
	if (!uc->metadata && !(ns && ns->meta_separate)) {
		*out = NULL;
		return 0;
	}
	return __cnvme_umeta_map(ctrl, ns, uc, out);
}

static inline void cnvme_umeta_unmap(struct cnvme_umeta *m)
{
	if (m)
		__cnvme_umeta_unmap(m);
}

static inline int cnvme_umeta_done(struct cnvme_umeta *m, int status)
{
	return m ? __cnvme_umeta_done(m, status) : 0;
}

/*
 * The request of a user command, for the ioctls and io_uring (inline:
 * io_uring's submission path is hot): on the admin
 * queue or @ns's queue, failed fast (the caller sees the status, nothing
 * retries it), with the command's own timeout.  What completion reports
 * is cleared here: a request the driver fails before it starts (a dead
 * controller) would otherwise report its tag's previous command.
 */
static __always_inline struct request *
cnvme_user_rq_alloc(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		    struct cnvme_user_cmd *uc, blk_opf_t opf,
		    blk_mq_req_flags_t flags)
{
	struct request_queue *q = ns ? ns->disk->queue : ctrl->admin_q;
	struct cnvme_iod *iod;
	struct request *rq;

	opf |= nvme_is_write(&uc->cmd) ? REQ_OP_DRV_OUT : REQ_OP_DRV_IN;
	rq = blk_mq_alloc_request(q, opf, flags);
	if (IS_ERR(rq))
		return rq;
	rq->cmd_flags |= REQ_FAILFAST_DRIVER;
	if (uc->timeout_ms)
		rq->timeout = msecs_to_jiffies(uc->timeout_ms);
	iod = blk_mq_rq_to_pdu(rq);
	iod->status = 0;
	iod->cancelled = false;
	iod->result.u64 = 0;
	return rq;
}

/* The most data a user command can carry: one request's worth. */
static inline u64 cnvme_user_max(struct request *rq)
{
	return (u64)queue_max_hw_sectors(rq->q) << SECTOR_SHIFT;
}

/*
 * Map the user's data (@iter: a fixed buffer io_uring imported; else the
 * address in @uc) and metadata onto @rq, and put the command in it.  On
 * failure nothing stays mapped; the caller frees the request.  Afterwards
 * rq->bio is what blk_rq_unmap_user() takes back.
 */
static __always_inline int
cnvme_user_rq_map(struct cnvme_ctrl *ctrl, struct cnvme_ns *ns,
		  struct request *rq, struct cnvme_user_cmd *uc,
		  struct iov_iter *iter, struct cnvme_umeta **meta)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	u64 max = cnvme_user_max(rq);
	int ret = 0;

	/* lengths first: see cnvme_user_too_long() */
	if (iter) {
		if (unlikely(iov_iter_count(iter) > max))
			return cnvme_user_too_long(ctrl, ns, rq,
						   iov_iter_count(iter));
		ret = blk_rq_map_user_iov(rq->q, rq, NULL, iter, GFP_KERNEL);
	} else if (uc->addr && uc->data_len && uc->vec) {
		ret = cnvme_user_map_vec(ctrl, ns, rq, uc);
	} else if (uc->addr && uc->data_len) {
		if (unlikely(uc->data_len > max))
			return cnvme_user_too_long(ctrl, ns, rq, uc->data_len);
		ret = blk_rq_map_user_io(rq, NULL, cnvme_user_ptr(uc->addr),
					 uc->data_len, GFP_KERNEL, false, 0,
					 false, rq_data_dir(rq));
	}
	if (ret)
		return ret;
	ret = cnvme_umeta_map(ctrl, ns, uc, meta);
	if (ret) {
		if (rq->bio)
			blk_rq_unmap_user(rq->bio);
		return ret;
	}
	iod->cmd = uc->cmd;	/* with the metadata pointer */
	return 0;
}

/* aen.c */
void cnvme_aen_start(struct cnvme_ctrl *ctrl);
void cnvme_aen_disarm(struct cnvme_ctrl *ctrl);
void cnvme_aen_complete(struct cnvme_ctrl *ctrl, struct nvme_completion *cqe);
void cnvme_aen_work(struct work_struct *work);

/* hwmon.c */
void cnvme_hwmon_init(struct cnvme_ctrl *ctrl);
void cnvme_hwmon_exit(struct cnvme_ctrl *ctrl);

/* uring.c */
struct io_uring_cmd;
int cnvme_ns_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
int cnvme_dev_uring_cmd(struct io_uring_cmd *ioucmd,
			unsigned int issue_flags);
int cnvme_ns_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			      struct io_comp_batch *iob,
			      unsigned int poll_flags);
int cnvme_head_uring_cmd(struct io_uring_cmd *ioucmd,
			 unsigned int issue_flags);

/* subsys.c */
extern struct class cnvme_subsys_class;
int cnvme_subsys_add(struct cnvme_ctrl *ctrl);
void cnvme_subsys_del(struct cnvme_ctrl *ctrl);
int cnvme_subsystem_reset(struct cnvme_ctrl *ctrl);

/* mpath.c: multipath heads */
struct cnvme_limits;
#define CNVME_REQ_MPATH		REQ_DRV	/* a bio sent down by a head */
bool cnvme_ns_multipath(struct cnvme_ctrl *ctrl, struct nvme_id_ns *id);
struct cnvme_ns_head *cnvme_head_get(struct cnvme_ctrl *ctrl, u32 nsid,
				     const struct cnvme_ns_ids *ids,
				     const struct cnvme_limits *lim);
void cnvme_head_add_path(struct cnvme_ns *ns);
void cnvme_head_update(struct cnvme_ns *ns, const struct cnvme_limits *lim,
		       sector_t capacity);
void cnvme_head_remove_path(struct cnvme_ns *ns);
void cnvme_head_put(struct cnvme_ns_head *head);
void cnvme_head_unref(struct cnvme_ns_head *head);
bool cnvme_mpath_failover(struct request *rq);
struct cnvme_ns *cnvme_head_get_path(struct cnvme_ns_head *head);
void cnvme_head_put_path(struct cnvme_ns *ns);
long cnvme_head_ioctl(struct cnvme_ns_head *head, unsigned int cmd,
		      void __user *argp, bool partition, bool open_for_write);
bool cnvme_disk_is_head(struct gendisk *disk);
struct cnvme_ns *cnvme_disk_ns_get(struct gendisk *disk);
void cnvme_disk_ns_put(struct gendisk *disk, struct cnvme_ns *ns);

/* identify.c */
int cnvme_identify_ctrl(struct cnvme_ctrl *ctrl);
int cnvme_id_str_len(const char *s, int len);
void cnvme_identify_nvm_limits(struct cnvme_ctrl *ctrl);

/* sysfs.c */
extern const struct attribute_group *cnvme_ctrl_groups[];
extern const struct attribute_group *cnvme_ns_groups[];
extern struct device_attribute dev_attr_model, dev_attr_serial,
	dev_attr_firmware_rev;

#endif /* CNVME_H */
