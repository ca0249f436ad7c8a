#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh [--print | --series]
#
# Build cnvme's debug kernel (KASAN, KFENCE, lockdep, DMA-API debugging,
# kmemleak, the kernel's fault injection) from Debian's linux-source-6.12:
# x86_64 defconfig + kvm_guest.config + scripts/debug-kernel.config.  The
# result goes to a cache outside the checkout, keyed by the source
# package's version, the recipe's version below and a hash of the
# fragment's options, so that a machine builds it once:
#
#   $CACHE/<key>/vmlinuz        the kernel the VM runner boots
#   $CACHE/<key>/modules/lib/modules/<release>/   its modules
#   $CACHE/<key>/build/         the build tree (KDIR for cnvme.ko)
#   $CACHE/<key>/release        the kernel release string
#
# CACHE: $CNVME_CACHE/debug-kernel (default ~/.cache/cnvme/debug-kernel).
# Prints the key's directory when done (--print: only print it, build
# nothing; exit 1 when it is not built; --series: print the kernel series
# it is built from).  Takes the machine's CPUs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug-kernel.config
series=6.12
[ "${1:-}" = --series ] && { echo "$series"; exit 0; }
tarball=$(ls /usr/src/linux-source-$series.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || {
	echo "debug-kernel: no /usr/src/linux-source-$series.tar.xz (make deps)" >&2
	exit 1
}
# the recipe: bump it when the steps below change what gets built
recipe=1
srcver=$(dpkg-query -W -f='${Version}' linux-source-$series)
# the options only: comments may change
hash=$(grep -E '^(# )?CONFIG_' "$fragment" | sha256sum | cut -c1-12)
cache=${CNVME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cnvme}/debug-kernel
dir=$cache/$srcver-r$recipe-$hash

if [ -s "$dir/release" ] && [ -f "$dir/vmlinuz" ]; then
	echo "$dir"
	exit 0
fi
[ "${1:-}" = --print ] && exit 1

# built in place (the build tree names its sources by absolute path); an
# unfinished one (no release file) is started again
rm -rf "$dir"
mkdir -p "$dir"
start=$(date +%s)
echo "debug-kernel: extracting $tarball ($srcver)" >&2
tar -xf "$tarball" -C "$dir"
src=$dir/linux-source-$series
build=$dir/build
mk() { make -C "$src" O="$build" -j"$(nproc)" "$@"; }

echo "debug-kernel: configuring" >&2
mk -s defconfig >/dev/null
mk -s kvm_guest.config >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$fragment" >/dev/null
mk -s olddefconfig >/dev/null
# every option of the fragment must have taken
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qx "$line" "$build/.config" ||
			{ echo "debug-kernel: not taken: $line" >&2; missing=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$build/.config" ||
			{ echo "debug-kernel: still set: $opt" >&2; missing=1; }
		;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || exit 1

echo "debug-kernel: building (about 15 min on 2 CPUs)" >&2
mk -s bzImage modules
mk -s INSTALL_MOD_PATH="$dir/modules" INSTALL_MOD_STRIP=1 \
	modules_install >/dev/null
cp "$build/arch/x86/boot/bzImage" "$dir/vmlinuz"
# last: the mark of a finished build (the tree stays: cnvme.ko builds
# against it)
mk -s kernelrelease >"$dir/release.tmp"
mv "$dir/release.tmp" "$dir/release"
# builds of an older recipe or fragment are of no use any more (2.7 GB each)
for old in "$cache"/*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "debug-kernel: $(cat "$dir/release") built in $(($(date +%s) - start)) s" >&2
echo "$dir"
