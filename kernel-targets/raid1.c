// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-raid1.c, unmodified, on dmio (see Kbuild). */
#include "dm-raid1.c"
