// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-snap-persistent.c, unmodified, on dmio (see Kbuild). */
#include "dm-snap-persistent.c"
