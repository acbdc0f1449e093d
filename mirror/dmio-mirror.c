// SPDX-License-Identifier: GPL-2.0
/*
 * dmio-mirror - an N-way mirror device-mapper target built on dmio.
 *
 * This target exists to show dmio from the consumer's side: every byte it
 * moves goes through <dmio/dm-io.h>, never through the kernel's dm_io().
 * It is deliberately small: there is no dirty log and no resync.  A leg
 * that fails any I/O is taken out of service and stays out until userspace
 * (having resynchronised it, if it cares) puts it back with a message.
 *
 * Table:    <nr_legs> <dev_path> ...       2..8 legs, each used from sector 0
 * Status:   <nr_legs> then <dev> <A|D> <error_count> for each leg
 * Messages: enable <leg>                   put a dead leg back in service
 *           verify <sector> [<sectors>]    compare every alive leg there
 *
 * Buffer kinds, each on a real path: bio_vec arrays for all bio traffic,
 * a vmalloc'd buffer for the construction-time probe, page lists for verify.
 */

#include <linux/bio.h>
#include <linux/device-mapper.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <dmio/dm-io.h>

#define DM_MSG_PREFIX "dmio-mirror"

#define MIRROR_MIN_LEGS		2
#define MIRROR_MAX_LEGS		8

/*
 * Most bios are a few pages, so their bio_vec array fits in the per-bio
 * data and costs no allocation at all.
 */
#define MIRROR_INLINE_BVECS	4

/*
 * Bigger arrays come from a mempool so that a bio never fails for want of
 * memory; a bio with more segments than one array holds is cut down to
 * what fits and dm core sends us the rest as another bio.
 */
#define MIRROR_POOL_BVECS	BIO_MAX_VECS
#define MIRROR_POOL_MIN		8

/*
 * dm_io_get() reservation per leg: one maximum-sized bio per leg can then
 * always be in flight without waiting on the page allocator.
 */
#define MIRROR_IO_PAGES_PER_LEG	BIO_MAX_VECS

/* The construction-time probe reads the first 4 KiB of every leg. */
#define MIRROR_PROBE_SECTORS	8

/* verify's default and largest window, in sectors (4 KiB and 1 MiB). */
#define MIRROR_VERIFY_SECTORS	8
#define MIRROR_VERIFY_MAX	2048

/* Request flags worth passing down to the legs, per direction. */
#define MIRROR_READ_FLAGS	(REQ_SYNC | REQ_META | REQ_PRIO)
#define MIRROR_WRITE_FLAGS	(MIRROR_READ_FLAGS | REQ_FUA | REQ_PREFLUSH)

/**
 * struct mirror_leg - one copy of the data
 * @dev:         the underlying device, used from sector 0
 * @error_count: I/Os that failed on this leg since construction
 */
struct mirror_leg {
	struct dm_dev *dev;
	atomic_t error_count;
};

/**
 * struct mirror_set - the target's private state
 * @ti:         the target, for table events
 * @nr_legs:    number of entries in @legs
 * @dead:       bit i is set while leg i is out of service; atomic bitops
 *              because completions flip it from interrupt context
 * @bvec_pool:  bio_vec arrays for bios too big for the inline array
 * @wq:         process context for read retries and table events, which
 *              may sleep and so cannot run in a dmio completion
 * @event_work: raises a dm table event so that dmeventd-style watchers
 *              see a leg change state
 * @legs:       the legs, in table order
 */
struct mirror_set {
	struct dm_target *ti;
	unsigned int nr_legs;
	unsigned long dead;
	mempool_t *bvec_pool;
	struct workqueue_struct *wq;
	struct work_struct event_work;
	struct mirror_leg legs[];
};

/**
 * struct mirror_io - per-bio state, in the bio's dm per-bio data
 * @ms:          the mirror set
 * @bvec:        the bio's data as single-page bio_vecs, handed to dmio
 * @retry_work:  reissues a failed read to the next leg
 * @tried:       legs this read has been sent to, so a retry never loops
 * @read_leg:    the leg the current read attempt went to
 * @nr_regions:  regions in the current write
 * @region_leg:  leg of each write region: dmio's error bits are per region
 * @inline_bvec: storage for @bvec when the bio is small
 */
struct mirror_io {
	struct mirror_set *ms;
	struct bio_vec *bvec;
	struct work_struct retry_work;
	unsigned long tried;
	unsigned int read_leg;
	unsigned int nr_regions;
	u8 region_leg[MIRROR_MAX_LEGS];
	struct bio_vec inline_bvec[MIRROR_INLINE_BVECS];
};

static struct bio *mirror_io_bio(struct mirror_io *mio)
{
	return dm_bio_from_per_bio_data(mio, sizeof(*mio));
}

static void mirror_event_work(struct work_struct *work)
{
	struct mirror_set *ms = container_of(work, struct mirror_set,
					     event_work);

	dm_table_event(ms->ti->table);
}

/**
 * mirror_fail_leg() - account an I/O error and take the leg out of service
 * @ms:  the mirror set
 * @leg: index of the leg that failed
 *
 * Context: any, including interrupt context.
 */
static void mirror_fail_leg(struct mirror_set *ms, unsigned int leg)
{
	atomic_inc(&ms->legs[leg].error_count);
	if (test_and_set_bit(leg, &ms->dead))
		return;
	DMERR_LIMIT("leg %u (%s) failed; taken out of service",
		    leg, ms->legs[leg].dev->name);
	queue_work(ms->wq, &ms->event_work);
}

/**
 * mirror_pick_leg() - first alive leg not yet tried
 * @ms:    the mirror set
 * @tried: legs to skip
 *
 * Return: a leg index, or @ms->nr_legs if there is none.
 */
static unsigned int mirror_pick_leg(struct mirror_set *ms, unsigned long tried)
{
	unsigned int i;

	for (i = 0; i < ms->nr_legs; i++)
		if (!test_bit(i, &ms->dead) && !(tried & BIT(i)))
			break;
	return i;
}

static void mirror_put_bvecs(struct mirror_io *mio)
{
	if (mio->bvec != mio->inline_bvec)
		mempool_free(mio->bvec, mio->ms->bvec_pool);
	mio->bvec = NULL;
}

/**
 * mirror_get_bvecs() - describe the bio's data as an array dmio can walk
 * @ms:  the mirror set
 * @mio: per-bio state; @mio->bvec is set on return
 * @bio: the bio, possibly shortened on return
 *
 * dmio consumes a bio_vec array from its first element's bv_offset, while
 * a dm clone may start part-way into its bi_io_vec; copying the segments
 * the bio's iterator yields gives dmio exactly the bio's data, one page per
 * entry.  A bio with more segments than an array holds is accepted only in
 * part, in whole logical blocks (dm core resubmits the remainder), so no
 * allocation can fail.
 *
 * Context: the target's map function; may sleep.
 */
static void mirror_get_bvecs(struct mirror_set *ms, struct mirror_io *mio,
			     struct bio *bio)
{
	unsigned int nr = bio_segments(bio), cap, i = 0, bytes = 0;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (nr <= MIRROR_INLINE_BVECS) {
		mio->bvec = mio->inline_bvec;
		cap = MIRROR_INLINE_BVECS;
	} else {
		mio->bvec = mempool_alloc(ms->bvec_pool, GFP_NOIO);
		cap = MIRROR_POOL_BVECS;
	}

	bio_for_each_segment(bv, bio, iter) {
		if (i == cap)
			break;
		mio->bvec[i++] = bv;
		bytes += bv.bv_len;
	}
	/* The part taken must be whole blocks: entries may be smaller. */
	bytes = round_down(bytes, bdev_logical_block_size(bio->bi_bdev));
	if (bytes < bio->bi_iter.bi_size)
		dm_accept_partial_bio(bio, bytes >> SECTOR_SHIFT);
}

static void mirror_endio(struct mirror_io *mio, blk_status_t status)
{
	struct bio *bio = mirror_io_bio(mio);

	mirror_put_bvecs(mio);
	bio->bi_status = status;
	bio_endio(bio);
}

/*
 * dmio completion of a write, flush or discard to every alive leg.  The
 * mirror stays usable while any copy was written, so the bio fails only
 * when every region did.
 */
static void mirror_write_done(unsigned long error, void *context)
{
	struct mirror_io *mio = context;
	unsigned long all = GENMASK(mio->nr_regions - 1, 0);
	unsigned int i;

	for (i = 0; i < mio->nr_regions; i++)
		if (error & BIT(i))
			mirror_fail_leg(mio->ms, mio->region_leg[i]);

	mirror_endio(mio, (error & all) == all ? BLK_STS_IOERR : BLK_STS_OK);
}

static int mirror_map_write(struct mirror_set *ms, struct mirror_io *mio,
			    struct bio *bio)
{
	struct io_region where[MIRROR_MAX_LEGS];
	blk_opf_t opf = bio_op(bio) | (bio->bi_opf & MIRROR_WRITE_FLAGS);
	sector_t sector = dm_target_offset(ms->ti, bio->bi_iter.bi_sector);
	unsigned int i, n = 0;
	int r;

	/*
	 * Discards and empty flushes carry no data, but dmio still wants a
	 * valid buffer pointer; the (unused) inline array serves.
	 */
	if (op_is_discard(bio->bi_opf) || !bio_sectors(bio))
		mio->bvec = mio->inline_bvec;
	else
		mirror_get_bvecs(ms, mio, bio);

	for (i = 0; i < ms->nr_legs; i++) {
		if (test_bit(i, &ms->dead))
			continue;
		where[n].bdev = ms->legs[i].dev->bdev;
		where[n].sector = sector;
		/* 0 for an empty flush: dmio sends a bare flush to the leg. */
		where[n].count = bio_sectors(bio);
		mio->region_leg[n++] = i;
	}
	if (!n) {
		DMERR_LIMIT("no alive leg left: I/O failed");
		mirror_put_bvecs(mio);
		return DM_MAPIO_KILL;
	}
	mio->nr_regions = n;

	r = dm_io_async_bvec(n, where, (__force int)opf, mio->bvec,
			     mirror_write_done, mio);
	if (r) {
		DMERR_LIMIT("dmio refused a write: %d", r);
		mirror_put_bvecs(mio);
		return DM_MAPIO_KILL;
	}
	return DM_MAPIO_SUBMITTED;
}

static void mirror_read_done(unsigned long error, void *context);

/**
 * mirror_issue_read() - send a read to the first alive leg not yet tried
 * @mio: per-bio state, with @mio->bvec set
 *
 * Return: 0 once issued; -EIO when no leg is left or dmio refused it, in
 * which case the bio is still the caller's to complete.
 */
static int mirror_issue_read(struct mirror_io *mio)
{
	struct mirror_set *ms = mio->ms;
	struct bio *bio = mirror_io_bio(mio);
	blk_opf_t opf = REQ_OP_READ | (bio->bi_opf & MIRROR_READ_FLAGS);
	struct io_region where;
	unsigned int leg;
	int r;

	leg = mirror_pick_leg(ms, mio->tried);
	if (leg == ms->nr_legs) {
		DMERR_LIMIT("read of sector %llu failed on every leg",
			    (unsigned long long)bio->bi_iter.bi_sector);
		return -EIO;
	}
	mio->tried |= BIT(leg);
	mio->read_leg = leg;

	where.bdev = ms->legs[leg].dev->bdev;
	where.sector = dm_target_offset(ms->ti, bio->bi_iter.bi_sector);
	where.count = bio_sectors(bio);
	r = dm_io_async_bvec(1, &where, (__force int)opf, mio->bvec,
			     mirror_read_done, mio);
	if (r) {
		DMERR_LIMIT("dmio refused a read: %d", r);
		return -EIO;
	}
	return 0;
}

/*
 * A read that failed on one leg is retried on the next.  dmio's calls may
 * sleep and this completion may run in interrupt context, so the retry
 * goes through the workqueue.
 */
static void mirror_read_retry(struct work_struct *work)
{
	struct mirror_io *mio = container_of(work, struct mirror_io,
					     retry_work);

	if (mirror_issue_read(mio))
		mirror_endio(mio, BLK_STS_IOERR);
}

static void mirror_read_done(unsigned long error, void *context)
{
	struct mirror_io *mio = context;

	if (!error) {
		mirror_endio(mio, BLK_STS_OK);
		return;
	}
	/* Mark it now, so that reads issued meanwhile already avoid it. */
	mirror_fail_leg(mio->ms, mio->read_leg);
	DMWARN_LIMIT("read error on leg %u; retrying on another leg",
		     mio->read_leg);
	queue_work(mio->ms->wq, &mio->retry_work);
}

static int mirror_map(struct dm_target *ti, struct bio *bio)
{
	struct mirror_set *ms = ti->private;
	struct mirror_io *mio = dm_per_bio_data(bio, sizeof(*mio));

	mio->ms = ms;
	mio->bvec = NULL;
	mio->tried = 0;
	mio->nr_regions = 0;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
		INIT_WORK(&mio->retry_work, mirror_read_retry);
		mirror_get_bvecs(ms, mio, bio);
		if (mirror_issue_read(mio)) {
			mirror_put_bvecs(mio);
			return DM_MAPIO_KILL;
		}
		return DM_MAPIO_SUBMITTED;
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
		return mirror_map_write(ms, mio, bio);
	default:
		/* Only the ops the constructor advertised can arrive here. */
		return DM_MAPIO_KILL;
	}
}

/*
 * Construction-time probe: read the start of every leg with dmio's vm
 * interface, so that a leg that cannot even be read starts out dead
 * instead of failing the first user I/O.  It only reads: writing at
 * construction would destroy the user's data.
 */
static int mirror_probe_legs(struct dm_target *ti, struct mirror_set *ms)
{
	sector_t count = min_t(sector_t, MIRROR_PROBE_SECTORS, ti->len);
	unsigned int i, alive = 0;
	struct io_region where;
	void *buf;
	int r;

	buf = vmalloc(MIRROR_PROBE_SECTORS << SECTOR_SHIFT);
	if (!buf) {
		ti->error = "Cannot allocate probe buffer";
		return -ENOMEM;
	}

	for (i = 0; i < ms->nr_legs; i++) {
		where.bdev = ms->legs[i].dev->bdev;
		where.sector = 0;
		where.count = count;
		r = dm_io_sync_vm(1, &where, (__force int)REQ_OP_READ, buf,
				  NULL);
		if (r == -EIO) {
			DMWARN("leg %u (%s) unreadable; starting it dead",
			       i, ms->legs[i].dev->name);
			atomic_inc(&ms->legs[i].error_count);
			set_bit(i, &ms->dead);
			continue;
		}
		if (r) {
			ti->error = "dmio refused to read a leg";
			goto out;
		}
		alive++;
	}

	r = 0;
	if (!alive) {
		ti->error = "No readable leg";
		r = -EIO;
	}
out:
	vfree(buf);
	return r;
}

static void mirror_free(struct dm_target *ti, struct mirror_set *ms)
{
	unsigned int i;

	if (ms->wq)
		destroy_workqueue(ms->wq);
	mempool_destroy(ms->bvec_pool);
	for (i = 0; i < ms->nr_legs; i++)
		dm_put_device(ti, ms->legs[i].dev);
	kfree(ms);
}

/*
 * Get every leg named in the table, refusing anything that would let a
 * region run off a leg's end or mirror a device onto itself.
 */
static int mirror_get_legs(struct dm_target *ti, struct mirror_set *ms,
			   struct dm_arg_set *as, unsigned int nr_legs)
{
	unsigned int i, j;
	int r;

	for (i = 0; i < nr_legs; i++) {
		struct dm_dev *dev;

		r = dm_get_device(ti, dm_shift_arg(as),
				  dm_table_get_mode(ti->table), &dev);
		if (r) {
			ti->error = "Leg device lookup failed";
			return r;
		}
		ms->legs[ms->nr_legs++].dev = dev;

		if (ti->len > bdev_nr_sectors(dev->bdev)) {
			ti->error = "Target is larger than a leg";
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (ms->legs[j].dev->bdev == dev->bdev) {
				ti->error = "The same device is named twice";
				return -EINVAL;
			}
		}
	}
	return 0;
}

static bool mirror_legs_discard(struct mirror_set *ms)
{
	unsigned int i;

	for (i = 0; i < ms->nr_legs; i++)
		if (!bdev_max_discard_sectors(ms->legs[i].dev->bdev))
			return false;
	return true;
}

/*
 * Construct a mirror: <nr_legs> <dev_path> <dev_path> ...
 */
static int mirror_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	static const struct dm_arg nr_legs_arg = {
		MIRROR_MIN_LEGS, MIRROR_MAX_LEGS,
		"Invalid number of legs (must be 2..8)"
	};
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	struct mirror_set *ms;
	unsigned int nr_legs;
	int r;

	r = dm_read_arg(&nr_legs_arg, &as, &nr_legs, &ti->error);
	if (r)
		return r;
	if (as.argc != nr_legs) {
		ti->error = "Leg count does not match the number of devices";
		return -EINVAL;
	}

	ms = kzalloc(struct_size(ms, legs, nr_legs), GFP_KERNEL);
	if (!ms) {
		ti->error = "Cannot allocate mirror context";
		return -ENOMEM;
	}
	ms->ti = ti;
	INIT_WORK(&ms->event_work, mirror_event_work);

	r = mirror_get_legs(ti, ms, &as, nr_legs);
	if (r)
		goto bad;

	r = -ENOMEM;
	ms->bvec_pool = mempool_create_kmalloc_pool(MIRROR_POOL_MIN,
						    MIRROR_POOL_BVECS *
						    sizeof(struct bio_vec));
	if (!ms->bvec_pool) {
		ti->error = "Cannot allocate bio_vec pool";
		goto bad;
	}
	ms->wq = alloc_workqueue("dmio-mirror", WQ_MEM_RECLAIM, 0);
	if (!ms->wq) {
		ti->error = "Cannot allocate workqueue";
		goto bad;
	}

	r = mirror_probe_legs(ti, ms);
	if (r)
		goto bad;

	r = dm_io_get(nr_legs * MIRROR_IO_PAGES_PER_LEG);
	if (r) {
		ti->error = "Cannot reserve dmio memory";
		goto bad;
	}

	/* One flush bio is enough: mirror_map_write() fans it out. */
	ti->num_flush_bios = 1;
	if (mirror_legs_discard(ms)) {
		ti->num_discard_bios = 1;
		ti->discards_supported = true;
	}
	ti->per_io_data_size = sizeof(struct mirror_io);
	ti->private = ms;
	return 0;

bad:
	mirror_free(ti, ms);
	return r;
}

static void mirror_dtr(struct dm_target *ti)
{
	struct mirror_set *ms = ti->private;

	dm_io_put(ms->nr_legs * MIRROR_IO_PAGES_PER_LEG);
	mirror_free(ti, ms);
}

static void mirror_status(struct dm_target *ti, status_type_t type,
			  unsigned int status_flags, char *result,
			  unsigned int maxlen)
{
	struct mirror_set *ms = ti->private;
	unsigned int sz = 0, i;

	switch (type) {
	case STATUSTYPE_INFO:
		DMEMIT("%u", ms->nr_legs);
		for (i = 0; i < ms->nr_legs; i++)
			DMEMIT(" %s %c %u", ms->legs[i].dev->name,
			       test_bit(i, &ms->dead) ? 'D' : 'A',
			       atomic_read(&ms->legs[i].error_count));
		break;
	case STATUSTYPE_TABLE:
		DMEMIT("%u", ms->nr_legs);
		for (i = 0; i < ms->nr_legs; i++)
			DMEMIT(" %s", ms->legs[i].dev->name);
		break;
	case STATUSTYPE_IMA:
		DMEMIT_TARGET_NAME_VERSION(ti->type);
		DMEMIT(",nr_legs=%u", ms->nr_legs);
		for (i = 0; i < ms->nr_legs; i++)
			DMEMIT(",leg_%u_name=%s,leg_%u_state=%c", i,
			       ms->legs[i].dev->name, i,
			       test_bit(i, &ms->dead) ? 'D' : 'A');
		DMEMIT(";");
		break;
	}
}

static int mirror_enable_leg(struct mirror_set *ms, const char *arg)
{
	unsigned int leg;

	if (kstrtouint(arg, 10, &leg) || leg >= ms->nr_legs) {
		DMERR("enable: no leg \"%s\" (legs are 0..%u)",
		      arg, ms->nr_legs - 1);
		return -EINVAL;
	}
	/* No resync: whoever re-enables a leg vouches for its content. */
	if (test_and_clear_bit(leg, &ms->dead)) {
		DMINFO("leg %u (%s) back in service",
		       leg, ms->legs[leg].dev->name);
		queue_work(ms->wq, &ms->event_work);
	}
	return 0;
}

static void mirror_free_pages(struct page_list *pl)
{
	struct page_list *next;

	for (; pl; pl = next) {
		next = pl->next;
		__free_page(pl->page);
		kfree(pl);
	}
}

static struct page_list *mirror_alloc_pages(unsigned int nr)
{
	struct page_list *head = NULL, *pl;

	while (nr--) {
		pl = kmalloc(sizeof(*pl), GFP_KERNEL);
		if (!pl)
			goto fail;
		pl->page = alloc_page(GFP_KERNEL);
		if (!pl->page) {
			kfree(pl);
			goto fail;
		}
		pl->next = head;
		head = pl;
	}
	return head;

fail:
	mirror_free_pages(head);
	return NULL;
}

static bool mirror_pages_equal(struct page_list *a, struct page_list *b,
			       size_t bytes)
{
	bool equal = true;

	for (; equal && bytes; a = a->next, b = b->next) {
		size_t len = min_t(size_t, bytes, PAGE_SIZE);
		void *pa = kmap_local_page(a->page);
		void *pb = kmap_local_page(b->page);

		equal = !memcmp(pa, pb, len);
		kunmap_local(pb);
		kunmap_local(pa);
		bytes -= len;
	}
	return equal;
}

/*
 * Read the window from every alive leg with dmio's page-list interface
 * and compare each with the first leg read.  Meant for a quiesced mirror:
 * writes in flight can make the legs differ for a moment.  A leg whose read
 * fails is taken out of service like on any other I/O error.
 */
static int mirror_verify(struct mirror_set *ms, unsigned int argc,
			 char **argv, char *result, unsigned int maxlen)
{
	unsigned long long sector, count = MIRROR_VERIFY_SECTORS;
	struct page_list *ref = NULL, *cmp = NULL, *buf;
	unsigned int sz = 0, i, ref_leg = 0, compared = 0, differ = 0;
	struct io_region where;
	size_t bytes;
	int r;

	if (kstrtoull(argv[1], 10, &sector) ||
	    (argc == 3 && kstrtoull(argv[2], 10, &count)) ||
	    !count || count > MIRROR_VERIFY_MAX ||
	    sector >= ms->ti->len || count > ms->ti->len - sector) {
		DMERR("verify: want <sector> [<sectors>]: 1..%u sectors inside the target",
		      MIRROR_VERIFY_MAX);
		return -EINVAL;
	}
	bytes = count << SECTOR_SHIFT;

	ref = mirror_alloc_pages(DIV_ROUND_UP(bytes, PAGE_SIZE));
	cmp = mirror_alloc_pages(DIV_ROUND_UP(bytes, PAGE_SIZE));
	r = -ENOMEM;
	if (!ref || !cmp)
		goto out;

	for (i = 0; i < ms->nr_legs; i++) {
		if (test_bit(i, &ms->dead))
			continue;
		buf = compared ? cmp : ref;
		where.bdev = ms->legs[i].dev->bdev;
		where.sector = sector;
		where.count = count;
		r = dm_io_sync(1, &where, (__force int)REQ_OP_READ, buf, 0,
			       NULL);
		if (r == -EIO) {
			mirror_fail_leg(ms, i);
			continue;
		}
		if (r) {
			DMERR("verify: dmio refused to read leg %u: %d", i, r);
			goto out;
		}
		if (!compared++) {
			ref_leg = i;
		} else if (!mirror_pages_equal(ref, cmp, bytes)) {
			DMERR("verify: sectors %llu+%llu differ between legs %u and %u",
			      sector, count, ref_leg, i);
			differ++;
		}
	}

	r = 0;
	if (!compared) {
		DMERR("verify: no leg could be read");
		r = -EIO;
	} else if (differ) {
		r = -EIO;
	} else {
		DMINFO("verify: sectors %llu+%llu identical on %u legs",
		       sector, count, compared);
	}
	DMEMIT("%s %u", r ? "differ" : "identical", compared);
out:
	mirror_free_pages(cmp);
	mirror_free_pages(ref);
	return r;
}

static int mirror_message(struct dm_target *ti, unsigned int argc,
			  char **argv, char *result, unsigned int maxlen)
{
	struct mirror_set *ms = ti->private;

	if (argc == 2 && !strcasecmp(argv[0], "enable"))
		return mirror_enable_leg(ms, argv[1]);
	if ((argc == 2 || argc == 3) && !strcasecmp(argv[0], "verify"))
		return mirror_verify(ms, argc, argv, result, maxlen);

	DMERR("bad message \"%s\" (%u words); messages: enable, verify",
	      argc ? argv[0] : "", argc);
	return -EINVAL;
}

static int mirror_iterate_devices(struct dm_target *ti,
				  iterate_devices_callout_fn fn, void *data)
{
	struct mirror_set *ms = ti->private;
	unsigned int i;
	int r = 0;

	for (i = 0; !r && i < ms->nr_legs; i++)
		r = fn(ti, ms->legs[i].dev, 0, ti->len, data);
	return r;
}

static struct target_type mirror_target = {
	.name		 = "dmio-mirror",
	.version	 = {1, 0, 0},
	.module		 = THIS_MODULE,
	.ctr		 = mirror_ctr,
	.dtr		 = mirror_dtr,
	.map		 = mirror_map,
	.status		 = mirror_status,
	.message	 = mirror_message,
	.iterate_devices = mirror_iterate_devices,
};

static int __init dmio_mirror_init(void)
{
	int r = dm_register_target(&mirror_target);

	if (r)
		DMERR("cannot register target: %d", r);
	return r;
}

static void __exit dmio_mirror_exit(void)
{
	dm_unregister_target(&mirror_target);
}

module_init(dmio_mirror_init);
module_exit(dmio_mirror_exit);

MODULE_DESCRIPTION("N-way mirror device-mapper target built on dmio");
MODULE_LICENSE("GPL");
