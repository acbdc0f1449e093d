// SPDX-License-Identifier: GPL-2.0
//
// ktl: the little of a C++ library a freestanding kernel core needs, in
// the spirit of Zircon's ktl.  No exceptions, no RTTI, no std::.
#pragma once

// The kernel's printf-format annotation, which shim.h uses.
#define __printf(a, b) __attribute__((format(printf, a, b)))

// The kernel zero-fills every stack variable (INIT_STACK_ALL_ZERO, the
// distributions' default): a large one whose bytes are all written before
// they are read opts out, as with the kernel's own __uninitialized.
#define __uninitialized __attribute__((__uninitialized__))

#include <dmio/shim.h>

using size_t = decltype(sizeof(0));

// Placement new: how the core constructs objects in mempool memory.
inline void *operator new(size_t, void *where) noexcept { return where; }

namespace ktl {

template <class T>
constexpr const T &min(const T &a, const T &b) {
  return b < a ? b : a;
}
template <class T>
constexpr const T &max(const T &a, const T &b) {
  return a < b ? b : a;
}

// Round down to a multiple of a power of two.
template <class T>
constexpr T round_down(T v, T pow2) {
  return v & ~(pow2 - 1);
}

enum class MemoryOrder : int {
  kRelaxed = __ATOMIC_RELAXED,
  kAcquire = __ATOMIC_ACQUIRE,
  kRelease = __ATOMIC_RELEASE,
  kAcqRel = __ATOMIC_ACQ_REL,
};

// The compiler's atomics (instrumented by KASAN like the kernel's own).
template <class T>
class Atomic {
 public:
  constexpr explicit Atomic(T v = T()) : value_(v) {}
  Atomic(const Atomic &) = delete;
  Atomic &operator=(const Atomic &) = delete;

  T load(MemoryOrder o = MemoryOrder::kAcquire) const {
    return __atomic_load_n(&value_, static_cast<int>(o));
  }
  void store(T v, MemoryOrder o = MemoryOrder::kRelease) {
    __atomic_store_n(&value_, v, static_cast<int>(o));
  }
  T fetch_add(T v, MemoryOrder o) { return __atomic_fetch_add(&value_, v, static_cast<int>(o)); }
  T fetch_sub(T v, MemoryOrder o) { return __atomic_fetch_sub(&value_, v, static_cast<int>(o)); }
  T fetch_or(T v, MemoryOrder o) { return __atomic_fetch_or(&value_, v, static_cast<int>(o)); }

 private:
  T value_;
};

// A kernel mutex, and the scope that holds it (Zircon's Guard<Mutex>).
class Mutex {
 public:
  constexpr Mutex() = default;
  Mutex(const Mutex &) = delete;
  Mutex &operator=(const Mutex &) = delete;
  // Kernel mutexes need run-time initialisation (lockdep), not a constructor.
  void init() { dmio_mutex_init(&m_); }
  void lock() { dmio_mutex_lock(&m_); }
  void unlock() { dmio_mutex_unlock(&m_); }

 private:
  dmio_mutex m_{};
};

template <class Lock>
class Guard {
 public:
  explicit Guard(Lock &l) : lock_(l) { lock_.lock(); }
  ~Guard() { lock_.unlock(); }
  Guard(const Guard &) = delete;
  Guard &operator=(const Guard &) = delete;

 private:
  Lock &lock_;
};

}  // namespace ktl
