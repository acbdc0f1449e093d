// SPDX-License-Identifier: GPL-2.0
/*
 * testdisk.c - a memory-backed, bio-based block device for KUnit cases
 * (testdisk.h): cuts bios to its limits as blk-mq does, logs them, holds
 * or fails them on request.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/io.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <dmio/compat.h>

#include "testdisk.h"

struct testdisk {
	struct gendisk *disk;
	struct dmio_bdev_ref dev;
	void *data;
	int id;
	bool failing;
	atomic_t plugs;			/* plugs seen, to number them */

	spinlock_t lock;		/* guards the fields below */
	bool holding;
	struct bio_list held;
	unsigned int nr_held;
	wait_queue_head_t held_wait;	/* for nr_held to grow */
	struct testdisk_io *log;
	unsigned int log_len;
	unsigned int log_lost;
};

static DEFINE_IDA(testdisk_ida);

/* Physical segments of @bio as bio_split_rw() counts them. */
static unsigned int testdisk_segments(const struct queue_limits *lim,
				      struct bio *bio)
{
	unsigned long mask = lim->seg_boundary_mask;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int n = 0;

	if (!bio_has_data(bio))
		return 0;
	bio_for_each_bvec(bv, bio, iter) {
		unsigned int done = 0;

		if (bv.bv_offset + bv.bv_len <= PAGE_SIZE) {
			n++;
			continue;
		}
		while (done < bv.bv_len) {
			unsigned long at = mask & (page_to_phys(bv.bv_page) +
						   bv.bv_offset + done);
			unsigned long seg = min_not_zero(mask - at + 1,
					(unsigned long)lim->max_segment_size);

			done += min_t(unsigned long, seg, bv.bv_len - done);
			n++;
		}
	}
	return n;
}

/* Moves @bio's data; BLK_STS_IOERR when failing, nothing moved then. */
static blk_status_t testdisk_transfer(struct testdisk *td, struct bio *bio)
{
	size_t at = (size_t)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (READ_ONCE(td->failing))
		return BLK_STS_IOERR;
	if (bio_end_sector(bio) > get_capacity(td->disk))
		return BLK_STS_IOERR;
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		bio_for_each_segment(bv, bio, iter) {
			memcpy_to_page(bv.bv_page, bv.bv_offset, td->data + at,
				       bv.bv_len);
			at += bv.bv_len;
		}
		return BLK_STS_OK;
	case REQ_OP_WRITE:
		bio_for_each_segment(bv, bio, iter) {
			memcpy_from_page(td->data + at, bv.bv_page,
					 bv.bv_offset, bv.bv_len);
			at += bv.bv_len;
		}
		return BLK_STS_OK;
	case REQ_OP_WRITE_ZEROES:
		memset(td->data + at, 0, bio->bi_iter.bi_size);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

static void testdisk_complete(struct testdisk *td, struct bio *bio)
{
	bio->bi_status = testdisk_transfer(td, bio);
	bio_endio(bio);
}

/*
 * A plug's callback, registered on the submitter's plug: it lives as long
 * as the plug does, so every bio submitted under one plug finds the same
 * one, and its number.
 */
struct testdisk_plug {
	struct blk_plug_cb cb;
	unsigned int id;
};

static void testdisk_unplug(struct blk_plug_cb *cb, bool from_schedule)
{
	kfree(container_of(cb, struct testdisk_plug, cb));
}

/* Which plug the submitter holds, numbered from 1 per disk; 0: none. */
static unsigned int testdisk_plug_id(struct testdisk *td)
{
	struct blk_plug_cb *cb = blk_check_plugged(testdisk_unplug, td,
						   sizeof(struct testdisk_plug));
	struct testdisk_plug *plug;

	if (!cb)
		return 0;
	plug = container_of(cb, struct testdisk_plug, cb);
	if (!plug->id)
		plug->id = atomic_inc_return(&td->plugs);
	return plug->id;
}

static void testdisk_submit_bio(struct bio *bio)
{
	struct testdisk *td = bio->bi_bdev->bd_disk->private_data;
	bool cloned = bio_flagged(bio, BIO_CLONED);
	struct testdisk_io io;
	unsigned long flags;
	bool hold;

	/* As blk-mq: cut to the limits, the rest comes back resubmitted. */
	bio = bio_split_to_limits(bio);
	if (!bio)
		return;

	io = (struct testdisk_io){
		.op = bio_op(bio),
		.flags = bio->bi_opf & ~REQ_OP_MASK,
		.sector = bio->bi_iter.bi_sector,
		.size = bio->bi_iter.bi_size,
		.segments = testdisk_segments(&td->disk->queue->limits, bio),
		.ioprio = bio->bi_ioprio,
		.cloned = cloned,
		.plug = testdisk_plug_id(td),
	};
	spin_lock_irqsave(&td->lock, flags);
	if (td->log_len < TESTDISK_LOG_MAX)
		td->log[td->log_len++] = io;
	else
		td->log_lost++;
	hold = td->holding;
	if (hold) {
		bio_list_add(&td->held, bio);
		WRITE_ONCE(td->nr_held, td->nr_held + 1);
	}
	spin_unlock_irqrestore(&td->lock, flags);

	if (hold)
		wake_up_all(&td->held_wait);
	else
		testdisk_complete(td, bio);
}

static const struct block_device_operations testdisk_fops = {
	.owner = THIS_MODULE,
	.submit_bio = testdisk_submit_bio,
};

static bool testdisk_config_ok(const struct testdisk_config *cfg,
			       unsigned int lbs)
{
	unsigned long mask = cfg->virt_boundary_mask;

	return cfg->sectors && cfg->sectors <= ULONG_MAX >> SECTOR_SHIFT &&
	       (lbs == 512 || lbs == 4096) &&
	       IS_ALIGNED(cfg->sectors, lbs >> SECTOR_SHIFT) &&
	       mask < PAGE_SIZE && !(mask & (mask + 1));
}

struct testdisk *testdisk_create(const struct testdisk_config *cfg)
{
	unsigned int lbs = cfg->logical_block_size ?: SECTOR_SIZE;
	struct testdisk *td;
	int r;

	if (!testdisk_config_ok(cfg, lbs))
		return ERR_PTR(-EINVAL);
	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&td->lock);
	bio_list_init(&td->held);
	init_waitqueue_head(&td->held_wait);

	r = -ENOMEM;
	td->log = kvcalloc(TESTDISK_LOG_MAX, sizeof(*td->log), GFP_KERNEL);
	td->data = vzalloc(cfg->sectors << SECTOR_SHIFT);
	if (!td->log || !td->data)
		goto out_free;
	td->id = ida_alloc(&testdisk_ida, GFP_KERNEL);
	if (td->id < 0) {
		r = td->id;
		goto out_free;
	}
	td->disk = dmio_alloc_disk(&(struct dmio_disk_limits){
		.logical_block_size = lbs,
		.max_hw_sectors = cfg->max_hw_sectors,
		.max_segments = cfg->max_segments,
		.virt_boundary_mask = cfg->virt_boundary_mask,
		.write_cache = cfg->write_cache,
		.max_write_zeroes_sectors = cfg->max_write_zeroes_sectors,
	});
	if (IS_ERR(td->disk)) {
		r = PTR_ERR(td->disk);
		goto out_ida;
	}

	td->disk->fops = &testdisk_fops;
	td->disk->private_data = td;
	td->disk->flags |= GENHD_FL_NO_PART;
	snprintf(td->disk->disk_name, DISK_NAME_LEN, "dmiotd%d", td->id);
	set_capacity(td->disk, cfg->sectors);

	r = add_disk(td->disk);
	if (r)
		goto out_put_disk;
	r = dmio_bdev_open_dev(disk_devt(td->disk), &td->dev);
	if (r)
		goto out_del_disk;
	return td;

out_del_disk:
	del_gendisk(td->disk);
out_put_disk:
	put_disk(td->disk);
out_ida:
	ida_free(&testdisk_ida, td->id);
out_free:
	vfree(td->data);
	kvfree(td->log);
	kfree(td);
	return ERR_PTR(r);
}

void testdisk_destroy(struct testdisk *td)
{
	if (IS_ERR_OR_NULL(td))
		return;
	testdisk_release(td);
	dmio_bdev_close(&td->dev);
	del_gendisk(td->disk);
	put_disk(td->disk);
	ida_free(&testdisk_ida, td->id);
	vfree(td->data);
	kvfree(td->log);
	kfree(td);
}

static void testdisk_kunit_free(struct kunit_resource *res)
{
	testdisk_destroy(res->data);
}

struct testdisk *kunit_testdisk(struct kunit *test,
				const struct testdisk_config *cfg)
{
	struct testdisk *td = testdisk_create(cfg);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(td), "cannot make a test disk: %ld",
			       PTR_ERR(td));
	if (!kunit_alloc_resource(test, NULL, testdisk_kunit_free, GFP_KERNEL,
				  td)) {
		testdisk_destroy(td);
		KUNIT_ASSERT_FAILURE(test, "no memory to track a test disk");
	}
	return td;
}

struct block_device *testdisk_bdev(struct testdisk *td)
{
	return td->dev.bdev;
}

void *testdisk_data(struct testdisk *td)
{
	return td->data;
}

void testdisk_hold(struct testdisk *td)
{
	spin_lock_irq(&td->lock);
	td->holding = true;
	spin_unlock_irq(&td->lock);
}

unsigned int testdisk_held(struct testdisk *td)
{
	return READ_ONCE(td->nr_held);
}

bool testdisk_wait_held(struct testdisk *td, unsigned int n,
			unsigned long timeout)
{
	return wait_event_timeout(td->held_wait, READ_ONCE(td->nr_held) >= n,
				  timeout) > 0;
}

void testdisk_release(struct testdisk *td)
{
	struct bio_list held;
	struct bio *bio;

	spin_lock_irq(&td->lock);
	td->holding = false;
	held = td->held;
	bio_list_init(&td->held);
	WRITE_ONCE(td->nr_held, 0);
	spin_unlock_irq(&td->lock);

	while ((bio = bio_list_pop(&held)))
		testdisk_complete(td, bio);
}

void testdisk_fail(struct testdisk *td, bool fail)
{
	WRITE_ONCE(td->failing, fail);
}

unsigned int testdisk_log_len(struct testdisk *td)
{
	unsigned int len;

	spin_lock_irq(&td->lock);
	len = td->log_len;
	spin_unlock_irq(&td->lock);
	return len;
}

const struct testdisk_io *testdisk_log(struct testdisk *td, unsigned int i)
{
	return i < testdisk_log_len(td) ? &td->log[i] : NULL;
}

unsigned int testdisk_log_lost(struct testdisk *td)
{
	unsigned int lost;

	spin_lock_irq(&td->lock);
	lost = td->log_lost;
	spin_unlock_irq(&td->lock);
	return lost;
}

void testdisk_log_clear(struct testdisk *td)
{
	spin_lock_irq(&td->lock);
	td->log_len = 0;
	td->log_lost = 0;
	spin_unlock_irq(&td->lock);
}
