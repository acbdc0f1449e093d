/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Introspection for dmio's own KUnit suites; not part of the API.
 */
#ifndef _DMIO_TESTING_H
#define _DMIO_TESTING_H

/*
 * A consumer's reserve pools.  Shared with the core through shim.h, so
 * plain C, no kernel headers.
 */
enum dmio_pool {
	DMIO_POOL_CALLS,	/* a call's first bio, which holds its state */
	DMIO_POOL_CALL_TABLES,	/* their vector tables */
	DMIO_POOL_CHUNKS,	/* a call's later bios */
	DMIO_POOL_CHUNK_TABLES,	/* their vector tables */
	DMIO_POOL_CLONES,	/* copies of a bio for other regions */
	DMIO_NR_POOLS
};

struct module;

#ifdef THIS_MODULE
/**
 * dmio_pool_reserved() - elements one of this module's pools holds now
 * @pool: which pool
 *
 * With no I/O in flight this is what the module's reservation promises.
 *
 * Return: the number of free elements in @pool.
 */
#define dmio_pool_reserved(pool) __dmio_pool_reserved(THIS_MODULE, pool)
#endif
unsigned int __dmio_pool_reserved(struct module *owner, enum dmio_pool pool);

/**
 * dmio_owner_gone() - end a client as if its module had unloaded
 * @owner: the key its calls passed as their module
 *
 * Lets a test be a second consumer: it makes a client for a key of its
 * own with __dm_io_get(key, 0), calls the __dm_io_*() functions with the
 * key as owner, then ends that client here.  No call of @owner may be in
 * flight.  Only where CONFIG_KUNIT is set.
 */
void dmio_owner_gone(struct module *owner);

/**
 * dmio_debugfs_text() - what a file of dmio's debugfs directory shows now
 * @name: "calls" or "clients"
 * @buf: where to put the text, NUL-terminated
 * @size: bytes at @buf
 *
 * The kernel cannot read debugfs files itself; a test reads the same text
 * here.  Only where CONFIG_KUNIT is set.
 *
 * Return: the length of the text, -EINVAL for another @name, or
 * -EOVERFLOW when it does not fit.
 */
long dmio_debugfs_text(const char *name, char *buf, unsigned long size);

#endif /* _DMIO_TESTING_H */
