// SPDX-License-Identifier: GPL-2.0
//
// Clients and their reservations: the pools every call draws from
// (dmio_mempool.cpp).
#pragma once

#include <dmio/ktl.h>

namespace dmio {

// Pages of I/O a client can have in flight from reserves before any
// dm_io_get().
constexpr unsigned int kBasePages = 16;
// The most a reservation may grow to: 1 GiB of 4 KiB pages in flight.  It
// keeps each pool's element array within one kmalloc.
constexpr unsigned int kMaxPages = 1U << 18;

// One consumer of dmio: its reservation and the pools that hold it.  Its
// calls draw only from its own pools, so consumers stacked on each other
// never wait for each other's elements.
class Client {
 public:
  dmio_pools *pools() const { return pools_; }

  // All or nothing.
  int get(unsigned int pages);
  // More than was got warns once and clamps.
  void put(unsigned int pages);
  unsigned int pages();
  unsigned int pool_free(dmio_pool pool) const { return dmio_pools_free(pools_, pool); }

  // Made by client_for(); gone with its owner.
  static Client *create();
  void destroy();

 private:
  Client() = default;
  ~Client() = default;

  ktl::Mutex lock_;
  dmio_pools *pools_ = nullptr;
  unsigned int extra_ = 0;  // pages reserved by get(), not yet put
  bool warned_ = false;
};

// @owner's client, made if it has none (process context: it allocates);
// nullptr if that failed.
Client *make_client(dmio_owner_t owner);
// @owner's client if it has one; never allocates, so calls may use it.
Client *find_client(dmio_owner_t owner);
// @owner is unloading: no call of its can be in flight.
void owner_gone(dmio_owner_t owner);
void clients_init();
void clients_exit();

}  // namespace dmio
