// SPDX-License-Identifier: GPL-2.0
//
// Reservations: the pools every call draws from (dmio_mempool.cpp).
#pragma once

namespace dmio {

// Pages of I/O that can be in flight from reserves before any dm_io_get().
constexpr unsigned int kBasePages = 16;
// The most a reservation may grow to: 1 GiB of 4 KiB pages in flight.  It
// keeps each pool's element array within one kmalloc.
constexpr unsigned int kMaxPages = 1U << 18;

int reserves_init();
void reserves_exit();

}  // namespace dmio
