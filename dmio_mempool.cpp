// SPDX-License-Identifier: GPL-2.0
//
// dmio_mempool.cpp - the reservations dm_io_get()/dm_io_put() size.
//
// A page of I/O in flight needs at most one bio (a bio covers at least a
// page, and a call's own state rides in its first bio) and one vector
// table, so a reservation of n pages keeps n of each in the bio_set's
// pools: kBasePages from load, plus every get not yet put.  A page written
// to k regions counts k times.

#include "dmio_mempool.h"

#include <dmio/ktl.h>

namespace dmio {
namespace {

class Reservation {
 public:
  int init() {
    lock_.init();
    return dmio_pools_init(kBasePages);
  }

  // All or nothing (the shim grows both pools or neither).
  int get(unsigned int pages) {
    ktl::Guard<ktl::Mutex> guard(lock_);
    const unsigned int now = kBasePages + extra_;
    if (pages > kMaxPages - now) {
      dmio_reject("dm_io_get(%u) would reserve more than %u pages", pages, kMaxPages);
      return -DMIO_ENOMEM;
    }
    if (int r = dmio_bio_pool_resize(now + pages)) return r;
    extra_ += pages;
    return 0;
  }

  void put(unsigned int pages) {
    ktl::Guard<ktl::Mutex> guard(lock_);
    if (pages > extra_) {
      if (!warned_) {
        dmio_warn("dm_io_put(%u) exceeds the %u pages reserved by dm_io_get(); clamping", pages,
                  extra_);
        warned_ = true;
      }
      pages = extra_;
    }
    extra_ -= pages;
    dmio_bio_pool_resize(kBasePages + extra_);  // shrinking never fails
  }

  unsigned int pages() {
    ktl::Guard<ktl::Mutex> guard(lock_);
    return kBasePages + extra_;
  }

 private:
  ktl::Mutex lock_;
  unsigned int extra_ = 0;  // pages reserved by dm_io_get(), not yet put
  bool warned_ = false;
};

constinit Reservation reservation;

}  // namespace

int reserves_init() { return reservation.init(); }

void reserves_exit() { dmio_pools_exit(); }

}  // namespace dmio

extern "C" int dmio_core_get(unsigned int num_pages) {
  dmio_might_sleep();
  return dmio::reservation.get(num_pages);
}

extern "C" void dmio_core_put(unsigned int num_pages) {
  dmio_might_sleep();
  dmio::reservation.put(num_pages);
}

extern "C" unsigned int dmio_core_reserved_pages(void) { return dmio::reservation.pages(); }
