// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-snap.c, unmodified, on dmio (see Kbuild). */
#include "dm-snap.c"
