// SPDX-License-Identifier: GPL-2.0
//
// The C++ runtime the compiler may call into, and nothing else.  There is
// no exception or RTTI support to provide: the core is built with
// -fno-exceptions -fno-rtti, and the build refuses any object that
// references that machinery.

#include <dmio/ktl.h>

// Heap allocation maps to kmalloc.  The core builds its objects with
// placement new in memory the shim hands it (a bio's front pad); these
// exist so a stray `new` links to something sane.
// -fcheck-new makes callers test the result, which may be null.
void *operator new(size_t bytes) { return dmio_kmalloc(bytes); }
void *operator new[](size_t bytes) { return dmio_kmalloc(bytes); }
void operator delete(void *p) noexcept { dmio_kfree(p); }
void operator delete[](void *p) noexcept { dmio_kfree(p); }
void operator delete(void *p, size_t) noexcept { dmio_kfree(p); }
void operator delete[](void *p, size_t) noexcept { dmio_kfree(p); }

// Called if a pure virtual function is ever reached through a vtable.
// Declared first: 6.12's flags carry -Wmissing-declarations.
extern "C" void __cxa_pure_virtual();
extern "C" void __cxa_pure_virtual() { __builtin_trap(); }
