// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-snap-transient.c, unmodified, on dmio (see Kbuild). */
#include "dm-snap-transient.c"
