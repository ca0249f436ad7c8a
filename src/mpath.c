// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: multipath.  A namespace that several controllers of one NVM
 * subsystem may reach gets a head: a bio-based disk nvme<S>n<H> (a child
 * of the subsystem device) and its generic node ng<S>n<H>.  Each
 * controller's own namespace becomes a path: a hidden disk
 * nvme<S>c<C>n<H> under the controller, without a generic node.
 *
 * A bio on the head goes down one path, chosen by the subsystem's I/O
 * policy among the paths whose controller is live (else any that may
 * come back: resetting or connecting).  A request that fails because its
 * path went away (cancelled by the host, Host Path Error, ANA
 * inaccessible) gives its bios back to the head, which sends them down
 * another path; with no path left they fail.
 *
 * Locking: subsys->lock guards the heads list and each head's path list
 * (RCU list, readers under head->srcu).  Every path holds a reference to
 * its head until the path's disk is freed; the head itself is freed with
 * its disk's last reference.
 */
#include <linux/blkdev.h>
#include <linux/hdreg.h>
#include <linux/slab.h>

#include "cnvme.h"
#include "compat.h"
#include "limits.h"

/* The in-kernel driver's rule for a namespace that gets a head. */
bool cnvme_ns_multipath(struct cnvme_ctrl *ctrl, struct nvme_id_ns *id)
{
	struct cnvme_subsys *s = ctrl->subsys;

	if (!s || !(s->cmic & NVME_CTRL_CMIC_MULTI_CTRL))
		return false;
	return (id->nmic & NVME_NS_NMIC_SHARED) ||
	       (le16_to_cpu(ctrl->id->oacs) & NVME_CTRL_OACS_NS_MNGT_SUPP) ||
	       (s->cmic & NVME_CTRL_CMIC_ANA);
}

static bool cnvme_path_live(struct cnvme_ns *ns)
{
	return !ns->removed && cnvme_state(ns->ctrl) == CNVME_STATE_LIVE;
}

/* Not live now, but its controller may bring it back. */
static bool cnvme_path_pending(struct cnvme_ns *ns)
{
	switch (cnvme_state(ns->ctrl)) {
	case CNVME_STATE_NEW:
	case CNVME_STATE_RESETTING:
	case CNVME_STATE_CONNECTING:
		return !ns->removed;
	default:
		return false;
	}
}

/* Under head->srcu. */
static struct cnvme_ns *cnvme_find_path(struct cnvme_ns_head *head)
{
	unsigned int policy = READ_ONCE(head->subsys->iopolicy);
	struct cnvme_ns *ns, *last, *found = NULL, *pending = NULL;
	bool past_last = false;
	int depth, best = INT_MAX;

	switch (policy) {
	case CNVME_IOPOLICY_RR:	/* the next live path after the last */
		last = srcu_dereference(head->last_path, &head->srcu);
		list_for_each_entry_srcu(ns, &head->paths, sibling,
					 srcu_read_lock_held(&head->srcu)) {
			if (!cnvme_path_live(ns))
				continue;
			if (!found)
				found = ns;	/* wraps to the first */
			if (past_last) {
				found = ns;
				break;
			}
			if (ns == last)
				past_last = true;
		}
		if (found && found != last)
			rcu_assign_pointer(head->last_path, found);
		break;
	case CNVME_IOPOLICY_QD:	/* fewest multipath requests in flight */
		list_for_each_entry_srcu(ns, &head->paths, sibling,
					 srcu_read_lock_held(&head->srcu)) {
			if (!cnvme_path_live(ns))
				continue;
			depth = atomic_read(&ns->ctrl->nr_active);
			if (depth < best) {
				best = depth;
				found = ns;
			}
		}
		break;
	default:	/* numa: one node in practice, the first live path */
		list_for_each_entry_srcu(ns, &head->paths, sibling,
					 srcu_read_lock_held(&head->srcu)) {
			if (cnvme_path_live(ns)) {
				found = ns;
				break;
			}
		}
		break;
	}
	if (found)
		return found;
	list_for_each_entry_srcu(ns, &head->paths, sibling,
				 srcu_read_lock_held(&head->srcu)) {
		if (cnvme_path_pending(ns)) {
			pending = ns;
			break;
		}
	}
	return pending;
}

static void cnvme_head_submit_bio(struct bio *bio)
{
	struct cnvme_ns_head *head = bio->bi_bdev->bd_disk->private_data;
	struct cnvme_ns *ns;
	int idx;

	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	idx = srcu_read_lock(&head->srcu);
	ns = cnvme_find_path(head);
	if (ns) {
		bio_set_dev(bio, ns->disk->part0);
		bio->bi_opf |= CNVME_REQ_MPATH;
		submit_bio_noacct(bio);
	} else {
		pr_warn_ratelimited("%s: no path left: failing I/O\n",
				    head->disk->disk_name);
		bio_io_error(bio);
	}
	srcu_read_unlock(&head->srcu, idx);
}

/* Bios given back by a failed path go down the head again. */
static void cnvme_head_requeue_work(struct work_struct *work)
{
	struct cnvme_ns_head *head = container_of(work, struct cnvme_ns_head,
						  requeue_work);
	struct bio *bio, *next;

	spin_lock_irq(&head->requeue_lock);
	next = bio_list_get(&head->requeue_list);
	spin_unlock_irq(&head->requeue_lock);
	while ((bio = next) != NULL) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		submit_bio_noacct(bio);
	}
}

/*
 * From the completion of a request a head sent down: when it failed
 * because of its path, its bios go back to the head and the request ends
 * without them.  False when the error is the namespace's own.
 */
bool cnvme_mpath_failover(struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	struct cnvme_ns *ns = rq->q->queuedata;
	struct cnvme_ns_head *head = ns->head;
	u16 sc = iod->status & CNVME_SCT_SC_MASK;
	unsigned long flags;
	struct bio *bio;

	/*
	 * The block layer's flush request has no bio: moving nothing and
	 * ending it would report a flush no controller ran.  It stays on
	 * its controller (retried there, or failed).
	 */
	if (!head || !rq->bio)
		return false;
	if (!iod->cancelled && sc != NVME_SC_HOST_PATH_ERROR &&
	    sc != NVME_SC_ANA_INACCESSIBLE &&
	    sc != NVME_SC_ANA_PERSISTENT_LOSS && sc != NVME_SC_ANA_TRANSITION)
		return false;

	spin_lock_irqsave(&head->requeue_lock, flags);
	for (bio = rq->bio; bio; bio = bio->bi_next) {
		bio_set_dev(bio, head->disk->part0);
		/* resubmitted from a worker, it may wait for a tag */
		bio->bi_opf &= ~REQ_NOWAIT;
		if (bio->bi_opf & REQ_POLLED) {
			bio->bi_opf &= ~REQ_POLLED;
			bio->bi_cookie = BLK_QC_T_NONE;
		}
	}
	blk_steal_bios(&head->requeue_list, rq);
	spin_unlock_irqrestore(&head->requeue_lock, flags);
	atomic_long_inc(&ns->diag_failovers);
	iod->status = 0;
	blk_mq_end_request(rq, BLK_STS_OK);
	kblockd_schedule_work(&head->requeue_work);
	return true;
}

/* A path for a caller that may sleep: the path's disk is held. */
struct cnvme_ns *cnvme_head_get_path(struct cnvme_ns_head *head)
{
	struct cnvme_ns *ns;
	int idx;

	idx = srcu_read_lock(&head->srcu);
	ns = cnvme_find_path(head);
	if (ns)
		get_device(disk_to_dev(ns->disk));
	srcu_read_unlock(&head->srcu, idx);
	return ns;
}

void cnvme_head_put_path(struct cnvme_ns *ns)
{
	put_device(disk_to_dev(ns->disk));
}

bool cnvme_disk_is_head(struct gendisk *disk)
{
	return disk->fops->submit_bio == cnvme_head_submit_bio;
}

/* The namespace behind a disk, head or not, for its sysfs attributes. */
struct cnvme_ns *cnvme_disk_ns_get(struct gendisk *disk)
{
	if (cnvme_disk_is_head(disk))
		return cnvme_head_get_path(disk->private_data);
	return disk->private_data;
}

void cnvme_disk_ns_put(struct gendisk *disk, struct cnvme_ns *ns)
{
	if (cnvme_disk_is_head(disk) && ns)
		cnvme_head_put_path(ns);
}

long cnvme_head_ioctl(struct cnvme_ns_head *head, unsigned int cmd,
		      void __user *argp, bool partition, bool open_for_write)
{
	struct cnvme_ns *ns = cnvme_head_get_path(head);
	long ret;

	if (!ns)
		return -EWOULDBLOCK;
	ret = cnvme_ns_ioctl(ns, cmd, argp, partition, open_for_write);
	cnvme_head_put_path(ns);
	return ret;
}

static int cnvme_head_bdev_ioctl(struct block_device *bdev,
				 cnvme_blk_mode_t mode, unsigned int cmd,
				 unsigned long arg)
{
	return cnvme_head_ioctl(bdev->bd_disk->private_data, cmd,
				(void __user *)arg, bdev_is_partition(bdev),
				mode & CNVME_BLK_OPEN_WRITE);
}

static void cnvme_head_free(struct cnvme_ns_head *head);

static void cnvme_head_free_disk(struct gendisk *disk)
{
	cnvme_head_free(disk->private_data);
}

static const struct block_device_operations cnvme_head_ops = {
	.owner		= THIS_MODULE,
	.submit_bio	= cnvme_head_submit_bio,
	.ioctl		= cnvme_head_bdev_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.getgeo		= cnvme_getgeo,
	.free_disk	= cnvme_head_free_disk,
};

/*
 * What a head takes of its path's limits: no integrity (each path checks
 * it on its own queue); atomic writes only where the in-kernel driver's
 * heads show them (not on 6.12).
 */
static void cnvme_head_limits(struct cnvme_limits *hl)
{
	hl->integrity = false;
	if (CNVME_HEAD_ATOMIC_WRITES)
		return;
	hl->atomic_max = 0;
	hl->atomic_boundary = 0;
	hl->atomic_unit_min = 0;
	hl->atomic_unit_max = 0;
}

static bool cnvme_ids_equal(const struct cnvme_ns_ids *a,
			    const struct cnvme_ns_ids *b)
{
	return uuid_equal(&a->uuid, &b->uuid) &&
	       !memcmp(a->nguid, b->nguid, sizeof(a->nguid)) &&
	       !memcmp(a->eui64, b->eui64, sizeof(a->eui64)) &&
	       a->csi == b->csi;
}

static struct cnvme_ns_head *cnvme_head_alloc(struct cnvme_ctrl *ctrl,
					      u32 nsid,
					      const struct cnvme_ns_ids *ids,
					      const struct cnvme_limits *lim)
{
	int node = dev_to_node(&ctrl->pdev->dev);
	struct cnvme_subsys *s = ctrl->subsys;
	struct cnvme_limits hl = *lim;
	struct cnvme_ns_head *head;
	bool poll;
	int ret;

	head = kzalloc(sizeof(*head), GFP_KERNEL);
	if (!head)
		return ERR_PTR(-ENOMEM);
	head->subsys = s;
	head->nsid = nsid;
	head->ids = *ids;
	kref_init(&head->ref);
	INIT_LIST_HEAD(&head->paths);
	spin_lock_init(&head->requeue_lock);
	bio_list_init(&head->requeue_list);
	INIT_WORK(&head->requeue_work, cnvme_head_requeue_work);
	ret = init_srcu_struct(&head->srcu);
	if (ret)
		goto free_head;
	ret = ida_alloc_min(&s->ns_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto cleanup_srcu;
	head->instance = ret;

	cnvme_head_limits(&hl);
	poll = ctrl->nr_maps[HCTX_TYPE_POLL] > 0;
	head->disk = cnvme_limits_alloc_head_disk(&hl, node, poll);
	if (IS_ERR(head->disk)) {
		ret = PTR_ERR(head->disk);
		goto free_instance;
	}
	head->disk->fops = &cnvme_head_ops;
	head->disk->private_data = head;
	snprintf(head->disk->disk_name, DISK_NAME_LEN, "nvme%dn%d",
		 s->instance, head->instance);
	/* dropped when head is freed */
	get_device(&s->dev);
	list_add_tail(&head->entry, &s->heads);
	return head;

free_instance:
	ida_free(&s->ns_ida, head->instance);
cleanup_srcu:
	cleanup_srcu_struct(&head->srcu);
free_head:
	kfree(head);
	return ERR_PTR(ret);
}

/*
 * The head of namespace @nsid in the controller's subsystem, made if
 * there is none, with a reference for the path about to be made.  NULL
 * (logged) if another controller's namespace of that id is a different
 * one, or on allocation failure.
 */
struct cnvme_ns_head *cnvme_head_get(struct cnvme_ctrl *ctrl, u32 nsid,
				     const struct cnvme_ns_ids *ids,
				     const struct cnvme_limits *lim)
{
	struct cnvme_subsys *s = ctrl->subsys;
	struct cnvme_ns_head *head, *found = NULL;

	mutex_lock(&s->lock);
	list_for_each_entry(head, &s->heads, entry) {
		if (head->nsid == nsid) {
			found = head;
			break;
		}
	}
	if (found && !cnvme_ids_equal(&found->ids, ids)) {
		dev_err(&ctrl->dev,
			"namespace %u: identifiers differ from another controller's namespace %u: ignored\n",
			nsid, nsid);
		found = NULL;
		goto unlock;
	}
	if (!found) {
		found = cnvme_head_alloc(ctrl, nsid, ids, lim);
		if (IS_ERR(found)) {
			dev_err(&ctrl->dev,
				"namespace %u: no multipath head (%ld)\n",
				nsid, PTR_ERR(found));
			found = NULL;
			goto unlock;
		}
	} else {
		kref_get(&found->ref);
	}
	found->pending++;
unlock:
	mutex_unlock(&s->lock);
	return found;
}

static void cnvme_head_free(struct cnvme_ns_head *head)
{
	struct cnvme_subsys *s = head->subsys;

	cleanup_srcu_struct(&head->srcu);
	ida_free(&s->ns_ida, head->instance);
	kfree(head);
	put_device(&s->dev);
}

/*
 * The last reference: the head's disk goes with its own last reference
 * (free_disk frees the head); a disk never added is not given to
 * free_disk by the block layer, so the head is freed here.
 */
static void cnvme_head_release(struct kref *ref)
{
	struct cnvme_ns_head *head = container_of(ref, struct cnvme_ns_head,
						  ref);
	bool added = head->disk_added;

	put_disk(head->disk);
	if (!added)
		cnvme_head_free(head);
}

/* The reference a path held, from its disk's free_disk. */
void cnvme_head_unref(struct cnvme_ns_head *head)
{
	kref_put(&head->ref, cnvme_head_release);
}

/*
 * Under the subsystem lock: a head with no path, and none being added
 * (pending), leaves the subsystem; true if it did.  The caller then
 * takes its disk away (cnvme_head_teardown), outside the lock.
 */
static bool cnvme_head_unused(struct cnvme_ns_head *head)
{
	if (!list_empty(&head->paths) || head->pending)
		return false;
	list_del_init(&head->entry);
	return true;
}

/*
 * The head's disk and node go; what still waits for a path fails (no
 * path can come: the head is out of the subsystem).
 */
static void cnvme_head_teardown(struct cnvme_ns_head *head, bool had_disk)
{
	if (had_disk) {
		cnvme_head_cdev_del(head);
		del_gendisk(head->disk);
	}
	kblockd_schedule_work(&head->requeue_work);
	flush_work(&head->requeue_work);
}

/*
 * Drop a reference from cnvme_head_get that no path took over.  If the
 * head's last path went while this one was being added, the head goes
 * now.
 */
void cnvme_head_put(struct cnvme_ns_head *head)
{
	struct cnvme_subsys *s = head->subsys;
	bool unused, had_disk;

	mutex_lock(&s->lock);
	head->pending--;
	unused = cnvme_head_unused(head);
	had_disk = head->disk_added;
	mutex_unlock(&s->lock);
	if (unused)
		cnvme_head_teardown(head, had_disk);
	kref_put(&head->ref, cnvme_head_release);
}

/*
 * The path's disk is added: it joins the head, whose disk and generic
 * node appear with the first path.
 */
void cnvme_head_add_path(struct cnvme_ns *ns)
{
	struct cnvme_ns_head *head = ns->head;
	struct cnvme_subsys *s = head->subsys;
	bool add_disk;
	int ret;

	mutex_lock(&s->lock);
	head->pending--;
	list_add_tail_rcu(&ns->sibling, &head->paths);
	add_disk = !head->disk_added && !head->disk_failed;
	if (add_disk) {
		head->disk_added = true;
		set_capacity(head->disk, get_capacity(ns->disk));
		ret = device_add_disk(&s->dev, head->disk, cnvme_ns_groups);
		if (ret) {
			dev_err(&ns->ctrl->dev,
				"%s: cannot add the multipath disk (%d)\n",
				head->disk->disk_name, ret);
			head->disk_added = false;
			head->disk_failed = true;
			add_disk = false;
		}
	}
	mutex_unlock(&s->lock);
	if (add_disk) {
		ret = cnvme_head_cdev_add(head);
		if (ret)
			dev_warn(&ns->ctrl->dev,
				 "%s: no generic char device (%d)\n",
				 head->disk->disk_name, ret);
	}
	/* bios that waited for a path */
	kblockd_schedule_work(&head->requeue_work);
}

/* A path's format or size changed: the head follows. */
void cnvme_head_update(struct cnvme_ns *ns, const struct cnvme_limits *lim,
		       sector_t capacity)
{
	struct cnvme_ns_head *head = ns->head;
	struct cnvme_limits hl = *lim;

	cnvme_head_limits(&hl);
	cnvme_limits_update(head->disk, &hl);
	set_capacity_and_notify(head->disk, capacity);
}

/*
 * The path's namespace goes: it leaves the head; the last path takes the
 * head's disk and node away, failing what still waits for a path, unless
 * another controller's path to it is being added (that one keeps the
 * head, or takes it away if its add fails: cnvme_head_put).
 */
void cnvme_head_remove_path(struct cnvme_ns *ns)
{
	struct cnvme_ns_head *head = ns->head;
	struct cnvme_subsys *s = head->subsys;
	bool last, had_disk;

	mutex_lock(&s->lock);
	list_del_rcu(&ns->sibling);
	if (rcu_access_pointer(head->last_path) == ns)
		RCU_INIT_POINTER(head->last_path, NULL);
	last = cnvme_head_unused(head);
	had_disk = head->disk_added;
	mutex_unlock(&s->lock);
	synchronize_srcu(&head->srcu);
	/* a reader may have made it the round-robin position meanwhile */
	cmpxchg((struct cnvme_ns __force **)&head->last_path, ns, NULL);

	/* bios this path gave back find another path, or fail */
	kblockd_schedule_work(&head->requeue_work);
	if (last)
		cnvme_head_teardown(head, had_disk);
	/* the path's reference to the head goes with its disk */
}
