#!/bin/sh
# Refuse a C++ object that needs runtime support the kernel lacks:
# dynamic initializers (global constructors), exception or RTTI machinery,
# or floating point.  Run by Kbuild on every C++ object it builds.
#
# The __cxa_* names dmio_rt.cpp defines are the only ones allowed.
set -eu
obj=$1
allowed_cxa='__cxa_pure_virtual'
nm=${NM:-nm}

bad=$($nm "$obj" | awk '{print $NF}' | grep -E \
	'^_GLOBAL__sub_I_|__gxx_personality|^_Unwind_|^_ZTI|^_ZTS|typeinfo|^__cxa_|^__(add|sub|mul|div|neg|fix|fixuns|float|floatun|extend|trunc|eq|ne|lt|le|gt|ge|un|cmp)[sdtx]f' |
	grep -vxE "$allowed_cxa" || true)
if [ -n "$bad" ]; then
	echo "$obj: C++ runtime support the kernel does not have:" >&2
	echo "$bad" | sed 's/^/  /' >&2
	rm -f "$obj"
	exit 1
fi
if ${OBJDUMP:-objdump} -d "$obj" | grep -qE '%[xyz]mm[0-9]|\s(fld|fst|fadd|fmul|fdiv)[sltp]?\s'; then
	echo "$obj: floating-point or vector instructions in kernel code" >&2
	rm -f "$obj"
	exit 1
fi
