#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print a folder holding the few kernel-source files the checks need
# (kselftest headers, checkpatch and its data), extracted once from
# Debian's linux-source package into build/ksrc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/build/ksrc
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$tarball" ]; then
	echo "ksrc.sh: no /usr/src/linux-source-*.tar.xz: run 'make deps'" >&2
	exit 1
fi
top=$(basename "$tarball" .tar.xz)
if [ ! -f "$dest/$top/scripts/checkpatch.pl" ] ||
   [ ! -f "$dest/$top/tools/testing/selftests/kselftest_harness.h" ]; then
	mkdir -p "$dest"
	tar -xJf "$tarball" -C "$dest" --wildcards \
		"$top/tools/testing/selftests/kselftest*.h" \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
fi
echo "$dest/$top"
