/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Introspection for dmio's own KUnit suites; not part of the API.
 */
#ifndef _DMIO_TESTING_H
#define _DMIO_TESTING_H

enum dmio_pool {
	DMIO_POOL_BIOS,
	DMIO_POOL_BVECS,
};

/**
 * dmio_pool_reserved() - elements a reserve pool holds right now
 * @pool: which pool
 *
 * With no I/O in flight this is what the reservation promises.
 *
 * Return: the number of free elements in @pool.
 */
unsigned int dmio_pool_reserved(enum dmio_pool pool);

#endif /* _DMIO_TESTING_H */
