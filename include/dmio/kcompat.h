/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat.h - build a target written for the kernel's dm-io on dmio,
 * unchanged: compile its sources with "-include <this file>".
 *
 * The kernel's own names become dmio's wherever they are declared or
 * called, so <linux/dm-io.h> and <linux/dm-kcopyd.h> declare dmio's
 * exports and the target's object binds to dmio.ko instead of dm-mod.
 * dm_io is renamed only where it is called (a function-like macro), so
 * struct dm_io and fields named dm_io elsewhere in device-mapper stay as
 * they are.  dm-kcopyd.c compiled with this header defines and exports the
 * dmio_kcopyd_* names: a kcopyd of dmio's, not dm-mod's.
 *
 * Nothing here may need a header: it comes before any.
 */
#ifndef _DMIO_KCOMPAT_H
#define _DMIO_KCOMPAT_H

#define dm_io(...) dmio_io(__VA_ARGS__)
#define dm_io_client_create dmio_io_client_create
#define dm_io_client_destroy dmio_io_client_destroy

#define dm_kcopyd_client_create dmio_kcopyd_client_create
#define dm_kcopyd_client_destroy dmio_kcopyd_client_destroy
#define dm_kcopyd_client_flush dmio_kcopyd_client_flush
#define dm_kcopyd_copy dmio_kcopyd_copy
#define dm_kcopyd_zero dmio_kcopyd_zero
#define dm_kcopyd_prepare_callback dmio_kcopyd_prepare_callback
#define dm_kcopyd_do_callback dmio_kcopyd_do_callback

#endif /* _DMIO_KCOMPAT_H */
