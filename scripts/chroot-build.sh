#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# chroot-build.sh KERNEL_DIR [make arguments...]
#
# Build cnvme.ko for a kernel whose headers live in a chroot (the
# unstable kernel of scripts/sid-kernel.sh: its gcc and glibc are newer
# than the host's).  The sources are copied into the chroot, built there
# with "make modules KDIR=<the kernel's headers> [arguments]" (W=1,
# C=2, FAULT_INJECT=1 ...), and cnvme.ko comes back to the same place as
# a host build's: build/<release>/ or build/faults/<release>/.
# BUILD: where build/ is (default: the checkout's).
set -euo pipefail

kdir_dir=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
chroot=$(readlink -f "$kdir_dir/chroot")
release=$(cat "$kdir_dir/release")
[ -d "$chroot/lib/modules/$release/build" ] || {
	echo "chroot-build: no headers of $release in $chroot" >&2
	exit 1
}

# objtool reads /proc; mounted for the build only
mounted=0
cleanup() {
	if [ "$mounted" = 1 ] && ! umount "$chroot/proc"; then
		echo "chroot-build: $chroot/proc is still mounted" >&2
	fi
	return 0
}
trap cleanup EXIT
if ! mountpoint -q "$chroot/proc"; then
	mount -t proc proc "$chroot/proc"
	mounted=1
fi

# the sources, with their times (unchanged files are not rebuilt)
src=$chroot/tmp/cnvme
mkdir -p "$src"
for s in Kbuild Makefile src compat uapi scripts; do
	rm -rf "${src:?}/$s"
	cp -rp "$root/$s" "$src/"
done

faults=
for a in "$@"; do
	[ "$a" = FAULT_INJECT=1 ] && faults=faults/
done
# a clean environment: the caller's make exports its variables (CHROOT_KERNEL)
chroot "$chroot" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C make -C /tmp/cnvme -j"$(nproc)" \
	KDIR="/lib/modules/$release/build" "$@" modules
mkdir -p "$build/$faults$release"
cp "$src/build/$faults$release/cnvme.ko" "$build/$faults$release/cnvme.ko"
