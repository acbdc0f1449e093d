// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's drivers/md/dm-kcopyd.c, unmodified, on dmio: a kcopyd of
 * its own (dmio_kcopyd_* through kcompat.h) whose I/O goes through
 * dmio_io().  In the kernel it is part of dm-mod, which also gives it
 * what this file adds: module init and exit, and __dm_get_module_param(),
 * which dm-mod does not export.
 */
#include <linux/module.h>
#include <linux/slab.h>

/*
 * dm-mod has a cache named "kcopyd_job"; caches are never merged under
 * KASAN, and a second one of that name fails in sysfs.  The only cache
 * dm-kcopyd.c makes gets a name of its own.
 */
static struct kmem_cache *dmio_kcopyd_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   slab_flags_t flags,
						   void (*ctor)(void *))
{
	return kmem_cache_create("dmio_kcopyd_job", size, align, flags, ctor);
}

/* dm-kcopyd.c makes no other cache: a second one would get this name. */
#undef kmem_cache_create
#define kmem_cache_create dmio_kcopyd_cache_create

#include "dm-kcopyd.c"

/*
 * Like dm-mod's: a module parameter of 0 means @def, none exceeds @max,
 * and the value used is stored back only if it is still the one read (an
 * administrator may be writing the parameter through sysfs meanwhile).
 */
unsigned int __dm_get_module_param(unsigned int *module_param,
				   unsigned int def, unsigned int max)
{
	unsigned int param = READ_ONCE(*module_param);
	unsigned int used = !param ? def : min(param, max);

	if (used != param)
		cmpxchg(module_param, param, used);
	return used;
}

static int __init dm_kcopyd_dmio_init(void)
{
	return dm_kcopyd_init();
}
module_init(dm_kcopyd_dmio_init);

static void __exit dm_kcopyd_dmio_exit(void)
{
	dm_kcopyd_exit();
}
module_exit(dm_kcopyd_dmio_exit);

MODULE_DESCRIPTION("The kernel's dm-kcopyd on dmio");
MODULE_LICENSE("GPL");
