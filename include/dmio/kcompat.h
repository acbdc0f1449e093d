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
 * dmio_kcopyd_* names: a kcopyd of dmio's, not dm-mod's; so do the other
 * libraries and targets below.
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

/*
 * The exports of the libraries and targets built on dmio (kernel-targets/)
 * get dmio's names too, so that they load beside the stock modules (dm-thin
 * or dm-verity may hold the stock dm-bufio) and a target built here binds
 * to the copies built here, never half to the stock ones.  The exports of
 * 6.1 and 6.12.
 */
/* dm-bufio */
#define dm_bufio_client_create dmio_bufio_client_create
#define dm_bufio_client_destroy dmio_bufio_client_destroy
#define dm_bufio_client_reset dmio_bufio_client_reset
#define dm_bufio_forget dmio_bufio_forget
#define dm_bufio_forget_buffers dmio_bufio_forget_buffers
#define dm_bufio_get dmio_bufio_get
#define dm_bufio_get_aux_data dmio_bufio_get_aux_data
#define dm_bufio_get_block_data dmio_bufio_get_block_data
#define dm_bufio_get_block_number dmio_bufio_get_block_number
#define dm_bufio_get_block_size dmio_bufio_get_block_size
#define dm_bufio_get_client dmio_bufio_get_client
#define dm_bufio_get_device_size dmio_bufio_get_device_size
#define dm_bufio_get_dm_io_client dmio_bufio_get_dm_io_client
#define dm_bufio_issue_discard dmio_bufio_issue_discard
#define dm_bufio_issue_flush dmio_bufio_issue_flush
#define dm_bufio_mark_buffer_dirty dmio_bufio_mark_buffer_dirty
#define dm_bufio_mark_partial_buffer_dirty dmio_bufio_mark_partial_buffer_dirty
#define dm_bufio_new dmio_bufio_new
#define dm_bufio_prefetch dmio_bufio_prefetch
#define dm_bufio_prefetch_with_ioprio dmio_bufio_prefetch_with_ioprio
#define dm_bufio_read dmio_bufio_read
#define dm_bufio_read_with_ioprio dmio_bufio_read_with_ioprio
#define dm_bufio_release dmio_bufio_release
#define dm_bufio_release_move dmio_bufio_release_move
#define dm_bufio_set_minimum_buffers dmio_bufio_set_minimum_buffers
#define dm_bufio_set_sector_offset dmio_bufio_set_sector_offset
#define dm_bufio_write_dirty_buffers dmio_bufio_write_dirty_buffers
#define dm_bufio_write_dirty_buffers_async dmio_bufio_write_dirty_buffers_async

/* dm-log */
#define dm_dirty_log_create dmio_dirty_log_create
#define dm_dirty_log_destroy dmio_dirty_log_destroy
#define dm_dirty_log_type_register dmio_dirty_log_type_register
#define dm_dirty_log_type_unregister dmio_dirty_log_type_unregister

/* dm-region-hash */
#define dm_region_hash_create dmio_region_hash_create
#define dm_region_hash_destroy dmio_region_hash_destroy
#define dm_rh_bio_to_region dmio_rh_bio_to_region
#define dm_rh_dec dmio_rh_dec
#define dm_rh_delay dmio_rh_delay
#define dm_rh_dirty_log dmio_rh_dirty_log
#define dm_rh_flush dmio_rh_flush
#define dm_rh_get_region_key dmio_rh_get_region_key
#define dm_rh_get_region_size dmio_rh_get_region_size
#define dm_rh_get_state dmio_rh_get_state
#define dm_rh_inc_pending dmio_rh_inc_pending
#define dm_rh_mark_nosync dmio_rh_mark_nosync
#define dm_rh_recovery_end dmio_rh_recovery_end
#define dm_rh_recovery_in_flight dmio_rh_recovery_in_flight
#define dm_rh_recovery_prepare dmio_rh_recovery_prepare
#define dm_rh_recovery_start dmio_rh_recovery_start
#define dm_rh_region_context dmio_rh_region_context
#define dm_rh_region_to_sector dmio_rh_region_to_sector
#define dm_rh_start_recovery dmio_rh_start_recovery
#define dm_rh_stop_recovery dmio_rh_stop_recovery
#define dm_rh_update_states dmio_rh_update_states

/* dm-snapshot */
#define dm_exception_store_create dmio_exception_store_create
#define dm_exception_store_destroy dmio_exception_store_destroy
#define dm_exception_store_type_register dmio_exception_store_type_register
#define dm_exception_store_type_unregister dmio_exception_store_type_unregister
#define dm_snap_cow dmio_snap_cow
#define dm_snap_origin dmio_snap_origin
#endif /* _DMIO_KCOMPAT_H */
