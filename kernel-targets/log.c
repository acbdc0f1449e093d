// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-log.c, unmodified, on dmio (see Kbuild). */
#include "dm-log.c"
