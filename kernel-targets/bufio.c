// SPDX-License-Identifier: GPL-2.0
/* The kernel's drivers/md/dm-bufio.c, unmodified, on dmio (see Kbuild). */
#include "dm-bufio.c"
