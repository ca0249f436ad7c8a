// SPDX-License-Identifier: GPL-2.0
/*
 * cnvme: the I/O tag set, shared by every namespace of a controller: made
 * once, mapped onto the queues, and resized when a reset brings a different
 * number of queues (with the requests of the queues that went away moved
 * elsewhere).
 */
#include <linux/blk-mq.h>

#include "cnvme.h"
#include "compat.h"

/*
 * A request of a queue that a reset took away (the controller granted
 * fewer), met while the tag set is drained for its resize: it can never
 * run where it is.  A multipath request goes to its head; the bios of a
 * file system request go back through the block layer once the resize
 * is done (cnvme_io_resubmit_rerouted), where they become requests of the
 * queues that remain.  A passthrough command or a step of a flush
 * sequence has nothing to resubmit: it fails, as the in-kernel driver
 * fails every request of such a queue.
 */
blk_status_t cnvme_reroute(struct cnvme_ctrl *ctrl, struct request *rq)
{
	struct cnvme_iod *iod = blk_mq_rq_to_pdu(rq);
	unsigned long flags;
	struct bio *bio;

	iod->status = 0;
	iod->cancelled = true;
	spin_lock_irqsave(&ctrl->reroute_lock, flags);
	if (blk_rq_is_passthrough(rq) || !rq->bio ||
	    (!(rq->cmd_flags & CNVME_REQ_MPATH) &&
	     (rq->rq_flags & RQF_FLUSH_SEQ))) {
		iod->status = NVME_SC_HOST_ABORTED_CMD | NVME_STATUS_DNR;
		ctrl->nr_reroute_failed++;
	} else if (rq->cmd_flags & CNVME_REQ_MPATH) {
		iod->status = NVME_SC_HOST_ABORTED_CMD;
		ctrl->nr_rerouted++;
	} else {
		for (bio = rq->bio; bio; bio = bio->bi_next) {
			/*
			 * its poll cookie named the old queue; resubmitted in a
			 * burst from a worker, it may wait for a tag
			 */
			bio->bi_opf &= ~(REQ_POLLED | REQ_NOWAIT);
			bio->bi_cookie = BLK_QC_T_NONE;
		}
		blk_steal_bios(&ctrl->reroute_list, rq);
		ctrl->nr_rerouted++;
	}
	spin_unlock_irqrestore(&ctrl->reroute_lock, flags);
	blk_mq_set_request_complete(rq);
	cnvme_complete_rq(rq);
	return BLK_STS_OK;
}

void cnvme_map_queues(struct blk_mq_tag_set *set)
{
	struct cnvme_ctrl *ctrl = set->driver_data;
	unsigned int i, offset = 0;

	for (i = 0; i < set->nr_maps; i++) {
		struct blk_mq_queue_map *map = &set->map[i];

		map->nr_queues = ctrl->nr_maps[i];
		if (!map->nr_queues)
			continue;
		map->queue_offset = offset;
		if (i != HCTX_TYPE_POLL && ctrl->nr_vecs > 1)
			cnvme_map_hw_queues(map, ctrl->pdev, offset + 1);
		else
			blk_mq_map_queues(map);
		offset += map->nr_queues;
	}
}

/* Hardware context @i of @set polls (its map as it stands). */
static bool cnvme_hctx_polled(struct blk_mq_tag_set *set, unsigned int i)
{
	struct blk_mq_queue_map *map = &set->map[HCTX_TYPE_POLL];

	return set->nr_maps > HCTX_TYPE_POLL && map->nr_queues &&
	       i >= map->queue_offset && i < map->queue_offset + map->nr_queues;
}

/*
 * A reset brought a different number of I/O queues (the new ones are
 * live, the namespace queues still quiesced).  blk-mq resizes a tag set
 * only once every queue of it is drained, so the requests the reset held
 * back must run first: on a queue that still exists they go to the
 * controller, on one that is gone they are rerouted (cnvme_reroute).  A
 * drain that does not finish within an I/O timeout gives the reset up.
 * Returns with the namespace queues running.
 */
static int cnvme_io_tagset_resize(struct cnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tagset;
	unsigned int old = set->nr_hw_queues, i;
	int ret = 0;

	spin_lock_irq(&ctrl->reroute_lock);
	ctrl->nr_rerouted = 0;
	ctrl->nr_reroute_failed = 0;
	spin_unlock_irq(&ctrl->reroute_lock);
	/*
	 * Until the resize, hardware context i sends to ioqs[i].  Where that
	 * queue became polled and the context is not (the poll queues come
	 * last), or the reverse, its requests are moved as well: a polled
	 * queue takes no interrupt, and an interrupt-driven one must not be
	 * reaped by a poller too.
	 */
	for (i = 0; i < min(old, ctrl->nr_ioqs); i++)
		if (ctrl->ioqs[i].polled != cnvme_hctx_polled(set, i))
			WRITE_ONCE(ctrl->ioqs[i].live, false);
	set_bit(CNVME_IO_REROUTE, &ctrl->flags);
	cnvme_unquiesce_io(ctrl);
	/* no namespace joins between the drain and the resize */
	mutex_lock(&ctrl->ns_lock);
	if (cnvme_drain_io_locked(ctrl, cnvme_ctrl_io_timeout(ctrl))) {
		blk_mq_update_nr_hw_queues(set, ctrl->nr_ioqs);
		for (i = 0; i < ctrl->nr_ioqs; i++)
			WRITE_ONCE(ctrl->ioqs[i].live, true);
	} else {
		ret = -ETIMEDOUT;
	}
	clear_bit(CNVME_IO_REROUTE, &ctrl->flags);
	mutex_unlock(&ctrl->ns_lock);
	cnvme_drain_io_end(ctrl);
	dev_info(&ctrl->dev, "I/O queues %u -> %u%s: %u requests of removed queues moved, %u failed\n",
		 old, ctrl->nr_ioqs,
		 ret ? " abandoned, I/O did not drain" : "",
		 ctrl->nr_rerouted, ctrl->nr_reroute_failed);
	return ret;
}

/* The bios cnvme_reroute took: down the block layer again. */
void cnvme_io_resubmit_rerouted(struct cnvme_ctrl *ctrl)
{
	struct bio *bio, *next;

	spin_lock_irq(&ctrl->reroute_lock);
	next = bio_list_get(&ctrl->reroute_list);
	spin_unlock_irq(&ctrl->reroute_lock);
	while ((bio = next)) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		submit_bio_noacct(bio);
	}
}

/*
 * The I/O tag set, shared by all namespaces: made once, then resized when
 * a reset brings a different number of queues.
 */
int cnvme_io_tagset_update(struct cnvme_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tagset;
	int ret;

	if (ctrl->tagset_ready) {
		if (set->nr_hw_queues != ctrl->nr_ioqs)
			return cnvme_io_tagset_resize(ctrl);
		return 0;
	}

	memset(set, 0, sizeof(*set));
	set->ops = &cnvme_io_mq_ops;
	set->nr_hw_queues = ctrl->nr_ioqs;
	set->nr_maps = cnvme_poll_queues ? HCTX_MAX_TYPES : 2;
	set->queue_depth = min_t(unsigned int, ctrl->io_depth - 1,
				 BLK_MQ_MAX_DEPTH);
	set->timeout = cnvme_ctrl_io_timeout(ctrl);
	set->numa_node = dev_to_node(&ctrl->pdev->dev);
	set->cmd_size = sizeof(struct cnvme_iod);
	set->flags = CNVME_BLK_MQ_F_MERGE;
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;
	ctrl->tagset_ready = true;
	return 0;
}

void cnvme_io_tagset_free(struct cnvme_ctrl *ctrl)
{
	if (!ctrl->tagset_ready)
		return;
	/* an io_uring poller reads the tags under RCU (uring.c) */
	synchronize_rcu();
	blk_mq_free_tag_set(&ctrl->tagset);
	ctrl->tagset_ready = false;
}

