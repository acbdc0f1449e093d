// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-exception-store.c, unmodified, on dmio (see Kbuild). */
#include "dm-exception-store.c"
