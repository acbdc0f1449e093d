// SPDX-License-Identifier: GPL-2.0
//
// dmio_mempool.cpp - clients and the reservations dm_io_get()/dm_io_put()
// size.
//
// Every module that calls dmio is a client with pools of its own (why:
// Client in dmio_mempool.h).  A reservation of n pages keeps, for each
// kind of bio a call uses (shim.h), as many as n pages in flight can need
// of that kind at worst:
//
//   calls   n      every call has one, and a call can be a single page
//   clones  n      a region's copy of a bio carries at least a page
//   chunks  n/32   a call's later bios each follow a full one, which holds
//                  at least 32 pages (256 bio_vec entries of 512 bytes)
//   tables  n/4 for calls, n/32 for chunks: a bio needs a vector table
//                  only past its four inline entries
//
// Forward progress needs only one element of each (the Dispatcher never
// waits on a pool it holds an element of); the rest is concurrency.

#include "dmio_mempool.h"

namespace dmio {
namespace {

constexpr unsigned int div_up(unsigned int n, unsigned int d) { return n / d + (n % d != 0); }

void sizes_for(unsigned int pages, unsigned int sizes[DMIO_NR_POOLS]) {
  sizes[DMIO_POOL_CALLS] = pages;
  sizes[DMIO_POOL_CALL_TABLES] = div_up(pages, 4);
  sizes[DMIO_POOL_CHUNKS] = div_up(pages, 32);
  sizes[DMIO_POOL_CHUNK_TABLES] = div_up(pages, 32);
  sizes[DMIO_POOL_CLONES] = pages;
}

// Owner -> client.  Lookups are lock-free: a slot's client is published
// before its owner, and a slot is only cleared when its owner unloads,
// when no call of that owner can be looking.  Few modules use dmio at
// once; a full table makes a new one's calls fail with -ENOMEM.
constexpr unsigned int kMaxClients = 64;

struct Slot {
  ktl::Atomic<dmio_owner_t> owner{nullptr};
  ktl::Atomic<Client *> client{nullptr};
};

struct Registry {
  Slot slots[kMaxClients];
  ktl::Atomic<unsigned int> used{0};  // slots ever filled: lookups stop here
  ktl::Mutex lock;                    // serialises changes
};

constinit Registry registry;

Client *lookup(dmio_owner_t owner) {
  if (!owner) return nullptr;  // an empty slot's key
  const unsigned int used = registry.used.load();
  for (unsigned int i = 0; i < used; i++) {
    Slot &s = registry.slots[i];
    if (s.owner.load() == owner) return s.client.load(ktl::MemoryOrder::kRelaxed);
  }
  return nullptr;
}

}  // namespace

Client *Client::create() {
  Client *c = new Client();
  if (!c) return nullptr;
  c->lock_.init();
  unsigned int sizes[DMIO_NR_POOLS];
  sizes_for(kBasePages, sizes);
  c->pools_ = dmio_pools_create(sizes);
  if (!c->pools_) {
    delete c;
    return nullptr;
  }
  return c;
}

void Client::destroy() {
  dmio_pools_destroy(pools_);
  delete this;
}

int Client::get(unsigned int pages) {
  ktl::Guard<ktl::Mutex> guard(lock_);
  const unsigned int now = kBasePages + extra_;
  if (pages > kMaxPages - now) {
    dmio_reject("dm_io_get(%u) would reserve more than %u pages", pages, kMaxPages);
    return -DMIO_ENOMEM;
  }
  unsigned int sizes[DMIO_NR_POOLS];
  sizes_for(now + pages, sizes);
  if (int r = dmio_pools_resize(pools_, sizes)) return r;
  extra_ += pages;
  return 0;
}

void Client::put(unsigned int pages) {
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
  unsigned int sizes[DMIO_NR_POOLS];
  sizes_for(kBasePages + extra_, sizes);
  dmio_pools_resize(pools_, sizes);  // shrinking never fails
}

unsigned int Client::pages() {
  ktl::Guard<ktl::Mutex> guard(lock_);
  return kBasePages + extra_;
}

Client *find_client(dmio_owner_t owner) { return lookup(owner); }

Client *make_client(dmio_owner_t owner) {
  if (!owner) return nullptr;
  if (Client *c = lookup(owner)) return c;

  ktl::Guard<ktl::Mutex> guard(registry.lock);
  if (Client *c = lookup(owner)) return c;  // made while we waited
  unsigned int i = 0;
  while (i < kMaxClients && registry.slots[i].owner.load(ktl::MemoryOrder::kRelaxed)) i++;
  if (i == kMaxClients) {
    dmio_reject("more than %u modules use dmio", kMaxClients);
    return nullptr;
  }
  Client *c = Client::create();
  if (!c) {
    dmio_reject("no memory for a new client's reserve");
    return nullptr;
  }
  Slot &s = registry.slots[i];
  s.client.store(c, ktl::MemoryOrder::kRelaxed);
  s.owner.store(owner);  // release: publishes the client
  if (i >= registry.used.load(ktl::MemoryOrder::kRelaxed)) registry.used.store(i + 1);
  return c;
}

void owner_gone(dmio_owner_t owner) {
  ktl::Guard<ktl::Mutex> guard(registry.lock);
  const unsigned int used = registry.used.load(ktl::MemoryOrder::kRelaxed);
  for (unsigned int i = 0; i < used; i++) {
    Slot &s = registry.slots[i];
    if (s.owner.load(ktl::MemoryOrder::kRelaxed) != owner) continue;
    Client *c = s.client.load(ktl::MemoryOrder::kRelaxed);
    s.owner.store(nullptr);
    s.client.store(nullptr);
    c->destroy();
    return;
  }
}

void clients_init() { registry.lock.init(); }

// dmio's own unload: every consumer module, which holds a reference on
// dmio, is gone already; this only catches a client made by dmio itself.
void clients_exit() {
  for (unsigned int i = 0; i < registry.used.load(); i++) {
    if (dmio_owner_t owner = registry.slots[i].owner.load()) owner_gone(owner);
  }
}

}  // namespace dmio

extern "C" int dmio_core_owner_coming(dmio_owner_t owner) {
  return dmio::make_client(owner) ? 0 : -DMIO_ENOMEM;
}

extern "C" int dmio_core_get(dmio_owner_t owner, unsigned int num_pages) {
  dmio_might_sleep();
  dmio::Client *c = dmio::make_client(owner);
  return c ? c->get(num_pages) : -DMIO_ENOMEM;
}

extern "C" void dmio_core_put(dmio_owner_t owner, unsigned int num_pages) {
  dmio_might_sleep();
  if (dmio::Client *c = dmio::find_client(owner)) {
    c->put(num_pages);
  } else {
    dmio_warn("dm_io_put(%u) by a module that never used dmio", num_pages);
  }
}

extern "C" unsigned int dmio_core_reserved_pages(dmio_owner_t owner) {
  dmio::Client *c = dmio::find_client(owner);
  return c ? c->pages() : 0;
}

extern "C" dmio_pools *dmio_core_owner_pools(dmio_owner_t owner) {
  dmio::Client *c = dmio::find_client(owner);
  return c ? c->pools() : nullptr;
}

extern "C" unsigned int dmio_core_pool_free(dmio_owner_t owner, dmio_pool pool) {
  dmio::Client *c = dmio::find_client(owner);
  return c ? c->pool_free(pool) : 0;
}

extern "C" void dmio_core_owner_gone(dmio_owner_t owner) { dmio::owner_gone(owner); }
