// SPDX-License-Identifier: GPL-2.0
/*
 * modern.c - suite dmio_modern: dmio_io() keeps the promises of the
 * kernel's dm_io() that its targets rely on.
 *
 * Memory of each type, sync and async, count-0 regions and flushes, the
 * I/O priority, a call dm-io would carry out that must not be refused, and
 * clients that do not share their reserves.
 */
#include <linux/delay.h>
#include <linux/dm-io.h>
#include <linux/ioprio.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "fixture.h"
#include "testdisk.h"

/* A disk with a volatile cache: flushes reach it and are logged. */
static const struct testdisk_config cached = {
	.sectors = 16384, .write_cache = true,
};

static struct dm_io_client *client(struct kunit *test)
{
	struct dm_io_client *c = dmio_io_client_create();

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	return c;
}

static struct dm_io_region dm_region(struct block_device *bdev,
				     sector_t sector, sector_t count)
{
	return (struct dm_io_region){ .bdev = bdev, .sector = sector,
				      .count = count };
}

/* A synchronous dmio_io() of @opf on @mem; returns what it returned. */
static int sync_io(struct dm_io_client *c, blk_opf_t opf,
		   struct dm_io_memory mem, unsigned int n,
		   struct dm_io_region *where, unsigned long *bits)
{
	struct dm_io_request req = {
		.bi_opf = opf, .mem = mem, .client = c,
	};

	return dmio_io(&req, n, where, bits, IOPRIO_DEFAULT);
}

static struct dm_io_memory kmem(void *addr)
{
	return (struct dm_io_memory){ .type = DM_IO_KMEM, .ptr.addr = addr };
}

static struct dm_io_memory vma(void *addr)
{
	return (struct dm_io_memory){ .type = DM_IO_VMA, .ptr.vma = addr };
}

/* Reads @bytes at sector 0 of @bdev through the classic face. */
static void *read_back(struct kunit *test, struct block_device *bdev,
		       size_t bytes)
{
	void *buf = filled(test, bytes, 0xee);
	struct io_region where = region(bdev, 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, READ, buf, &bits), 0);
	return buf;
}

static void page_list_with_offset_writes_from_the_offset(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	struct page **pages = pages_alloc(test, 3);
	struct page_list pl[3] = {
		{ &pl[1], pages[0] }, { &pl[2], pages[1] }, { NULL, pages[2] },
	};
	struct dm_io_memory mem = {
		.type = DM_IO_PAGE_LIST, .offset = 1024, .ptr.pl = pl,
	};
	struct dm_io_region where = dm_region(bdev, 0, 2 * PAGE_SECTORS);
	unsigned long bits;
	unsigned int i;
	u8 *back;

	for (i = 0; i < 3; i++)
		memset(page_address(pages[i]), 0x10 + i, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, mem, 1, &where, &bits), 0);
	back = read_back(test, bdev, 2 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, all_bytes(back, PAGE_SIZE - 1024, 0x10));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + PAGE_SIZE - 1024, PAGE_SIZE, 0x11));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + 2 * PAGE_SIZE - 1024, 1024, 0x12));
	vfree(back);
	pages_free(pages, 3);
	dmio_io_client_destroy(c);
}

/* kcopyd's zero list is one page whose next is itself. */
static void looping_page_list_is_walked_as_far_as_needed(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	struct page **page = pages_alloc(test, 1);
	struct page_list pl = { &pl, page[0] };
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &pl };
	size_t bytes = 64 * PAGE_SIZE;
	struct dm_io_region where = dm_region(bdev, 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;
	u8 *back;

	memset(page_address(page[0]), 0x3c, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, mem, 1, &where, &bits), 0);
	back = read_back(test, bdev, bytes);
	KUNIT_EXPECT_TRUE(test, all_bytes(back, bytes, 0x3c));
	vfree(back);
	pages_free(page, 1);
	dmio_io_client_destroy(c);
}

/* A bio of 4 pages, patterned, its iterator advanced by @advance bytes. */
static struct bio *patterned_bio(struct kunit *test, struct page **pages,
				 unsigned int advance)
{
	struct bio *bio = bio_kmalloc(4, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, bio);
	bio_init(bio, NULL, bio->bi_inline_vecs, 4, REQ_OP_WRITE);
	for (i = 0; i < 4; i++) {
		memset(page_address(pages[i]), 0x20 + i, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, bio_add_page(bio, pages[i], PAGE_SIZE, 0),
				(int)PAGE_SIZE);
	}
	bio_advance(bio, advance);
	return bio;
}

/* dm-raid1 writes a bio its caller may have partly completed already. */
static void bio_memory_starts_at_its_iterator(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	struct page **pages = pages_alloc(test, 4);
	struct bio *bio = patterned_bio(test, pages, PAGE_SIZE + 2048);
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = bio };
	struct dm_io_region where = dm_region(bdev, 0, bio_sectors(bio));
	unsigned long bits;
	u8 *back;

	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, mem, 1, &where, &bits), 0);
	back = read_back(test, bdev, 2 * PAGE_SIZE + 2048);
	KUNIT_EXPECT_TRUE(test, all_bytes(back, 2048, 0x21));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + 2048, PAGE_SIZE, 0x22));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + 2048 + PAGE_SIZE, PAGE_SIZE, 0x23));
	vfree(back);
	bio_uninit(bio);
	kfree(bio);
	pages_free(pages, 4);
	dmio_io_client_destroy(c);
}

/* dm-raid1 resubmits the bio to another leg after a failed read. */
static void bio_memory_is_left_unchanged(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct page **pages = pages_alloc(test, 4);
	struct bio *bio = patterned_bio(test, pages, 2048);
	struct bvec_iter before = bio->bi_iter;
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = bio };
	struct dm_io_region where = dm_region(ram(test, 40), 0, bio_sectors(bio));
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_READ, mem, 1, &where, &bits), 0);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_size, before.bi_size);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_idx, before.bi_idx);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_bvec_done, before.bi_bvec_done);
	KUNIT_EXPECT_EQ(test, bio->bi_iter.bi_sector, before.bi_sector);
	bio_uninit(bio);
	kfree(bio);
	pages_free(pages, 4);
	dmio_io_client_destroy(c);
}

/* dm-raid1 flushes with an empty bio: no vectors at all. */
static void bio_without_vectors_may_flush(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct testdisk *td = kunit_testdisk(test, &cached);
	struct bio bio;
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = &bio };
	struct dm_io_region where = dm_region(testdisk_bdev(td), 0, 0);
	unsigned long bits;

	bio_init(&bio, NULL, NULL, 0, REQ_OP_WRITE | REQ_PREFLUSH);
	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE | REQ_PREFLUSH, mem, 1,
				      &where, &bits), 0);
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 1u);
	KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->size, 0u);
	KUNIT_EXPECT_TRUE(test, testdisk_log(td, 0)->flags & REQ_PREFLUSH);
	bio_uninit(&bio);
	dmio_io_client_destroy(c);
}

static void vma_read_fills_a_vmalloc_buffer(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	size_t bytes = 256 << 10;
	void *src = pattern(test, bytes, 11), *dst = filled(test, bytes, 0);
	struct dm_io_region where = dm_region(bdev, 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, vma(src), 1, &where, &bits), 0);
	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_READ, vma(dst), 1, &where, &bits), 0);
	KUNIT_EXPECT_EQ(test, memcmp(src, dst, bytes), 0);
	vfree(src);
	vfree(dst);
	dmio_io_client_destroy(c);
}

static void kmem_write_reads_back(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	size_t bytes = 3 * PAGE_SIZE;
	u8 *buf = kunit_kmalloc(test, bytes, GFP_KERNEL), *back;
	struct dm_io_region where = dm_region(bdev, 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0x44, bytes);
	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, kmem(buf), 1, &where, &bits), 0);
	back = read_back(test, bdev, bytes);
	KUNIT_EXPECT_TRUE(test, all_bytes(back, bytes, 0x44));
	vfree(back);
	dmio_io_client_destroy(c);
}

static void sync_call_adds_req_sync(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct testdisk *td = kunit_testdisk(test, &cached);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where = dm_region(testdisk_bdev(td), 0, PAGE_SECTORS);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE, vma(buf), 1, &where, &bits), 0);
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 1u);
	KUNIT_EXPECT_TRUE(test, testdisk_log(td, 0)->flags & REQ_SYNC);
	vfree(buf);
	dmio_io_client_destroy(c);
}

static void async_call_notifies_once_with_the_failed_regions(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct async_result *a = async_result(test);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where[2] = {
		dm_region(ram(test, 40), 0, PAGE_SECTORS),
		dm_region(dev(test, FAIL_MAKE_REQUEST), 0, PAGE_SECTORS),
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .mem = vma(buf),
		.notify = { .fn = async_notify, .context = a }, .client = c,
	};

	KUNIT_ASSERT_EQ(test, dmio_io(&req, 2, where, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 2ul);
	vfree(buf);
	dmio_io_client_destroy(c);
}

static void sync_failure_returns_eio_and_writes_the_bits(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where = dm_region(dev(test, FAIL_MAKE_REQUEST), 0,
					      PAGE_SECTORS);
	unsigned long bits = 0;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE, vma(buf), 1, &where, &bits),
			-EIO);
	KUNIT_EXPECT_EQ(test, bits, 1ul);
	vfree(buf);
	dmio_io_client_destroy(c);
}

/* dm-io never looks at a region with nothing to do, not even its device. */
static void count_zero_region_without_flush_is_skipped(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where[2] = {
		dm_region(NULL, 0, 0),
		dm_region(ram(test, 40), 0, PAGE_SECTORS),
	};
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE, vma(buf), 2, where, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	vfree(buf);
	dmio_io_client_destroy(c);
}

/* dm-log and dm-bufio flush a device with a count-0 region. */
static void count_zero_region_with_preflush_sends_one_empty_flush(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct testdisk *td = kunit_testdisk(test, &cached);
	struct dm_io_region where = dm_region(testdisk_bdev(td), 0, 0);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, sync_io(c, REQ_OP_WRITE | REQ_PREFLUSH, kmem(NULL), 1,
				      &where, &bits), 0);
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 1u);
	KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->size, 0u);
	KUNIT_EXPECT_TRUE(test, testdisk_log(td, 0)->flags & REQ_PREFLUSH);
	dmio_io_client_destroy(c);
}

static void ioprio_reaches_every_bio_and_clone(struct kunit *test)
{
	const unsigned short prio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3);
	struct dm_io_client *c = client(test);
	struct testdisk *a = kunit_testdisk(test, &cached);
	struct testdisk *b = kunit_testdisk(test, &cached);
	size_t bytes = 2 << 20;	/* several bios */
	void *buf = pattern(test, bytes, 5);
	struct dm_io_region where[2] = {
		dm_region(testdisk_bdev(a), 0, bytes >> SECTOR_SHIFT),
		dm_region(testdisk_bdev(b), 0, bytes >> SECTOR_SHIFT),
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .mem = vma(buf), .client = c,
	};
	unsigned long bits;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dmio_io(&req, 2, where, &bits, prio), 0);
	KUNIT_EXPECT_GT(test, testdisk_log_len(a), 1u);
	for (i = 0; i < testdisk_log_len(a); i++)
		KUNIT_EXPECT_EQ(test, testdisk_log(a, i)->ioprio, prio);
	for (i = 0; i < testdisk_log_len(b); i++)
		KUNIT_EXPECT_EQ(test, testdisk_log(b, i)->ioprio, prio);
	vfree(buf);
	dmio_io_client_destroy(c);
}

/* dm-io sends it and the block layer fails it: the call goes on. */
static void region_past_the_end_fails_alone(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = ram(test, 40);
	void *buf = filled(test, PAGE_SIZE, 0x61);
	struct dm_io_region where[2] = {
		dm_region(ram(test, 41), bdev_nr_sectors(ram(test, 41)), PAGE_SECTORS),
		dm_region(bdev, 0, PAGE_SECTORS),
	};
	unsigned long bits = 0;
	u8 *back;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE, vma(buf), 2, where, &bits),
			-EIO);
	KUNIT_EXPECT_EQ(test, bits, 1ul);
	back = read_back(test, bdev, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, all_bytes(back, PAGE_SIZE, 0x61));
	vfree(back);
	vfree(buf);
	dmio_io_client_destroy(c);
}

static void no_regions_complete_at_once(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct async_result *a = async_result(test);
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .mem = kmem(NULL),
		.notify = { .fn = async_notify, .context = a }, .client = c,
	};
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE, kmem(NULL), 0, NULL, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_ASSERT_EQ(test, dmio_io(&req, 0, NULL, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
	dmio_io_client_destroy(c);
}

/* dm-io WARNs and fails it: refused before any I/O, no callback. */
static void read_of_two_regions_is_refused(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct async_result *a = async_result(test);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where[2] = {
		dm_region(ram(test, 40), 0, PAGE_SECTORS),
		dm_region(ram(test, 41), 0, PAGE_SECTORS),
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_READ, .mem = vma(buf),
		.notify = { .fn = async_notify, .context = a }, .client = c,
	};

	KUNIT_EXPECT_EQ(test, dmio_io(&req, 2, where, NULL, 0), -EINVAL);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 0);
	vfree(buf);
	dmio_io_client_destroy(c);
}

/*
 * A DM_IO_BIO write from a 4-page bio whose iterator has used @done bytes,
 * to a region 8 sectors longer than what the iterator has left: refused.
 */
static void expect_short_bio_write_refused(struct kunit *test, unsigned int done)
{
	struct dm_io_client *c = client(test);
	struct page **pages = pages_alloc(test, 4);
	struct bio *bio = patterned_bio(test, pages, done);
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = bio };
	struct dm_io_region where = dm_region(ram(test, 40), 0,
					      bio_sectors(bio) + 8);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE, mem, 1, &where, &bits),
			-EINVAL);
	bio_uninit(bio);
	kfree(bio);
	pages_free(pages, 4);
	dmio_io_client_destroy(c);
}

static void bio_shorter_than_the_region_is_refused(struct kunit *test)
{
	expect_short_bio_write_refused(test, 0);
}

/* dm-raid1 presets the bits of its flush and reads only them. */
static void refused_sync_call_leaves_the_bits_alone(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct dm_io_region where[2] = {
		dm_region(ram(test, 40), 0, PAGE_SECTORS),
		dm_region(ram(test, 41), 0, PAGE_SECTORS),
	};
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_READ, vma(buf), 2, where, &bits),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bits, ~0ul);
	vfree(buf);
	dmio_io_client_destroy(c);
}

/* dm-raid1 copies FUA and PREFLUSH from the bio it mirrors, discards too. */
static void discard_with_fua_and_preflush_is_carried_out(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct dm_io_region where = dm_region(dev(test, NB_MEM), 0, 64);
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_DISCARD | REQ_FUA | REQ_PREFLUSH,
				      kmem(NULL), 1, &where, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	dmio_io_client_destroy(c);
}

/*
 * dm-io's empty flush has no sectors, so the block layer never checks
 * where it points (a null_blk disk with a cache: the flush reaches it).
 */
static void empty_flush_region_may_point_anywhere(struct kunit *test)
{
	struct dm_io_client *c = client(test);
	struct block_device *bdev = dev(test, NB_CACHE);
	struct dm_io_region where = dm_region(bdev, bdev_nr_sectors(bdev) + 3, 0);
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, sync_io(c, REQ_OP_WRITE | REQ_PREFLUSH, kmem(NULL), 1,
				      &where, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	dmio_io_client_destroy(c);
}

/* Nothing left: the region is a page. */
static void bio_with_its_iterator_used_up_is_refused(struct kunit *test)
{
	expect_short_bio_write_refused(test, 4 * PAGE_SIZE);
}

#ifdef CONFIG_FAULT_INJECTION
/* A page-sized async write of @c's, the slab failing for the caller. */
struct held_write {
	struct dm_io_client *c;
	struct dm_io_region where;
	void *page;
	struct async_result *done;
	struct completion issued;
	int r;
};

static int held_write_fn(void *p)
{
	struct held_write *w = p;
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .mem = vma(w->page), .client = w->c,
		.notify = { .fn = async_notify, .context = w->done },
	};

	current->make_it_fail = 1;
	w->r = dmio_io(&req, 1, &w->where, NULL, 0);
	current->make_it_fail = 0;
	complete_all(&w->issued);
	return 0;
}

static struct held_write *held_write_start(struct kunit *test,
					   struct dm_io_client *c,
					   struct block_device *bdev, void *page)
{
	struct held_write *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	*w = (struct held_write){ .c = c, .page = page,
				  .where = dm_region(bdev, 0, PAGE_SECTORS),
				  .done = async_result(test) };
	init_completion(&w->issued);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(held_write_fn, w, "dmio-held")));
	return w;
}

/*
 * Client a's 16 call elements (its whole reserve) wait on a disk that
 * holds its bios, and its 17th call waits for one of them; a call of
 * client b's, the slab failing, must still be issued.
 */
static void clients_do_not_share_reserves(struct kunit *test)
{
	static const struct testdisk_config holding = { .sectors = 8192 };
	struct dm_io_client *a = client(test), *b = client(test);
	struct testdisk *td = kunit_testdisk(test, &holding);
	struct block_device *other = ram(test, 40);
	void *page = filled(test, PAGE_SIZE, 0x5a);
	struct held_write *w[17], *wb;
	unsigned int i;

	testdisk_hold(td);
	for (i = 0; i < 16; i++) {
		w[i] = held_write_start(test, a, testdisk_bdev(td), page);
		wait_for_completion(&w[i]->issued);
		KUNIT_ASSERT_EQ(test, w[i]->r, 0);
	}
	w[16] = held_write_start(test, a, testdisk_bdev(td), page);
	KUNIT_EXPECT_FALSE_MSG(test, wait_for_completion_timeout(&w[16]->issued, HZ),
			       "client a had more than 16 call elements");
	wb = held_write_start(test, b, other, page);
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&wb->issued, 5 * HZ),
			      "client b waited on client a's reserve");
	testdisk_release(td);
	for (i = 0; i < 17; i++) {
		wait_for_completion(&w[i]->issued);
		KUNIT_EXPECT_EQ(test, async_wait(test, w[i]->done), 0ul);
	}
	wait_for_completion(&wb->issued);
	KUNIT_EXPECT_EQ(test, async_wait(test, wb->done), 0ul);
	vfree(page);
	dmio_io_client_destroy(a);
	dmio_io_client_destroy(b);
}
#endif

static struct kunit_case dmio_modern_cases[] = {
	KUNIT_CASE(page_list_with_offset_writes_from_the_offset),
	KUNIT_CASE(looping_page_list_is_walked_as_far_as_needed),
	KUNIT_CASE(bio_memory_starts_at_its_iterator),
	KUNIT_CASE(bio_memory_is_left_unchanged),
	KUNIT_CASE(bio_without_vectors_may_flush),
	KUNIT_CASE(vma_read_fills_a_vmalloc_buffer),
	KUNIT_CASE(kmem_write_reads_back),
	KUNIT_CASE(sync_call_adds_req_sync),
	KUNIT_CASE(async_call_notifies_once_with_the_failed_regions),
	KUNIT_CASE(sync_failure_returns_eio_and_writes_the_bits),
	KUNIT_CASE(count_zero_region_without_flush_is_skipped),
	KUNIT_CASE(count_zero_region_with_preflush_sends_one_empty_flush),
	KUNIT_CASE(ioprio_reaches_every_bio_and_clone),
	KUNIT_CASE(region_past_the_end_fails_alone),
	KUNIT_CASE(no_regions_complete_at_once),
	KUNIT_CASE(read_of_two_regions_is_refused),
	KUNIT_CASE(bio_shorter_than_the_region_is_refused),
	KUNIT_CASE(refused_sync_call_leaves_the_bits_alone),
	KUNIT_CASE(discard_with_fua_and_preflush_is_carried_out),
	KUNIT_CASE(empty_flush_region_may_point_anywhere),
	KUNIT_CASE(bio_with_its_iterator_used_up_is_refused),
#ifdef CONFIG_FAULT_INJECTION
	KUNIT_CASE(clients_do_not_share_reserves),
#endif
	{}
};

static struct kunit_suite dmio_modern_suite = {
	.name = "dmio_modern",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_modern_cases,
};

kunit_test_suite(dmio_modern_suite);
