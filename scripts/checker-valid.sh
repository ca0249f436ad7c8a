#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kbuild (7.x) asks its headers tree's scripts/checker-valid.sh, given
# the checker and its flags, whether C=1/C=2 may run the checker: only
# when it prints 1.  Debian's headers packages do not ship that script,
# so kbuild would quietly skip sparse.  sid-kernel.sh puts this one in
# its place in the chroot: 1 when the checker exists and reads a function
# using __typeof_unqual__ (which the 7.x headers use) without an error.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp --suffix=.c) || { echo 0; exit 0; }
printf 'int f(const int *p)\n{\n\t__typeof_unqual__(*p) x = *p;\n\treturn x;\n}\n' >"$t"
if "$@" "$t" 2>&1 | grep -qi error; then
	echo 0
else
	echo 1
fi
rm -f "$t"
