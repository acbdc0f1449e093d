// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-region-hash.c, unmodified, on dmio (see Kbuild). */
#include "dm-region-hash.c"
