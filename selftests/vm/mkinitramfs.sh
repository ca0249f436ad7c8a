#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh KVER OUT.cpio[.gz]
#
# Build the cached base initramfs for the cnvme VM tests of kernel KVER:
# busybox-static (applet links), bash, nvme-cli, fio, kmod, e2fsprogs,
# lm-sensors' sensors and
# a few util-linux/coreutils tools with the libraries they load; the
# in-kernel nvme driver modules of KVER and their dependencies plus
# null_blk and ext4, decompressed, with modules.dep (modprobe works in the
# guest; /bin/sh is bash, see below);
# /etc/nvme-modules (the nvme .ko paths in load order); /etc/nvme/hostnqn
# and hostid; /init = guest-init.sh.
#
# OUT is rebuilt only when missing or older than this script or the
# kernel's modules.dep.  FORCE=1 rebuilds.  OUT ending in .gz is gzipped,
# any other name is a plain cpio (bigger, but the guest boots about 1 s
# faster under TCG without gunzip; the kernel takes both).
set -eu

usage() {
	echo "usage: $0 KVER OUT.cpio[.gz]" >&2
	exit 2
}
[ $# -eq 2 ] || usage
kver=$1
out=$2

here=$(cd "$(dirname "$0")" && pwd)
self=$here/mkinitramfs.sh
init_src=$here/guest-init.sh
# MODULES_ROOT: where lib/modules/KVER is, for a kernel not installed on
# the host (the debug kernel); default /
modroot=${MODULES_ROOT:-}
moddir=$modroot/lib/modules/$kver

[ -d "$moddir" ] || { echo "mkinitramfs.sh: no $moddir" >&2; exit 1; }
[ -f "$init_src" ] || { echo "mkinitramfs.sh: no $init_src" >&2; exit 1; }

# guest-init.sh is not a reason to rebuild: run.sh puts the current one in
# every run's overlay, which replaces this /init
if [ "${FORCE:-0}" != 1 ] && [ -s "$out" ] &&
	[ ! "$self" -nt "$out" ] && [ ! "$moddir/modules.dep" -nt "$out" ]; then
	exit 0
fi

for t in busybox cpio gzip xz depmod modprobe ldd; do
	command -v "$t" >/dev/null || {
		echo "mkinitramfs.sh: '$t' not found (make deps)" >&2
		exit 1
	}
done

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$(dirname "$out")/.stage-$kver.XXXXXX")
trap 'rm -rf "$stage"' EXIT

echo "  INITRD  $out" >&2

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/nvme,proc,sys,dev,tmp,run,root,mnt,var/tmp}
chmod 1777 "$stage/tmp" "$stage/var/tmp"

# --- busybox and its applets ---------------------------------------------
bb=$(command -v busybox)
cp -L "$bb" "$stage/bin/busybox"
busybox --list-full | while read -r applet; do
	name=${applet##*/}
	# a link named busybox would point at itself: ELOOP on /init exec
	[ "$name" = busybox ] && continue
	dir=$stage/${applet%/*}
	mkdir -p "$dir"
	[ -e "$dir/$name" ] || ln -s /bin/busybox "$dir/$name"
done

# --- dynamically linked tools ---------------------------------------------
copy_libs() { # copy_libs BINARY: the ELF interpreter and every ldd library
	ldd "$1" 2>/dev/null | while read -r a b c _; do
		lib=
		case $a in
		/*) lib=$a ;;                       # the interpreter
		*) [ "$b" = "=>" ] && case $c in /*) lib=$c ;; esac ;;
		esac
		[ -n "$lib" ] || continue
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# install_bin SRC DEST...: copy SRC (dereferenced) to the first DEST in the
# image, link the other DESTs to it, and copy its libraries.
install_bin() {
	local src=$1 first=$2 d
	shift 2
	[ -e "$src" ] || { echo "mkinitramfs.sh: missing $src" >&2; return 1; }
	mkdir -p "$stage$(dirname "$first")"
	rm -f "$stage$first"
	cp -L "$src" "$stage$first"
	for d in "$@"; do
		mkdir -p "$stage$(dirname "$d")"
		rm -f "$stage$d"
		ln -s "$first" "$stage$d"
	done
	copy_libs "$src"
}

which_bin() { # absolute path of a tool, or fail loudly
	command -v "$1" || { echo "mkinitramfs.sh: '$1' not found (make deps)" >&2; return 1; }
}

install_bin "$(which_bin kmod)" /bin/kmod \
	/sbin/insmod /sbin/rmmod /sbin/modprobe /sbin/lsmod /sbin/modinfo \
	/sbin/depmod /bin/lsmod
install_bin "$(which_bin nvme)" /usr/sbin/nvme
install_bin "$(which_bin fio)" /usr/bin/fio
install_bin "$(which_bin bash)" /bin/bash
# /bin/sh is bash: busybox ash runs its own applets ahead of PATH (its
# "standalone" build), so a #!/bin/sh test would get busybox's timeout,
# lsmod, modprobe... instead of the real tools installed here
ln -sf bash "$stage/bin/sh"
install_bin "$(which_bin mke2fs)" /sbin/mke2fs /sbin/mkfs.ext4 /sbin/mkfs.ext2 \
	/sbin/mkfs.ext3
install_bin "$(which_bin e2fsck)" /sbin/e2fsck /sbin/fsck.ext4
# busybox has a blkdiscard (without -z) in /usr/bin, ahead of /sbin in PATH
install_bin "$(which_bin blkdiscard)" /usr/bin/blkdiscard /sbin/blkdiscard
install_bin "$(which_bin lsblk)" /bin/lsblk
install_bin "$(which_bin blkzone)" /sbin/blkzone
# coreutils timeout (exit 124 on expiry, -k) and dd (iflag=direct etc.)
install_bin "$(which_bin timeout)" /usr/bin/timeout
install_bin "$(which_bin dd)" /bin/dd
[ -e /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$stage/etc/"
# lm-sensors, for the hwmon test (its configuration says how to show
# each chip)
install_bin "$(which_bin sensors)" /usr/bin/sensors
cp /etc/sensors3.conf "$stage/etc/"

# --- modules ---------------------------------------------------------------
# modprobe --show-depends prints "insmod PATH [params]" in load order, with
# repeats (softdeps too); keep the first occurrence of each.
mod_chain() {
	modprobe ${modroot:+-d "$modroot"} -S "$kver" --show-depends "$1" |
		awk '$1 == "insmod" { print $2 }'
}
nvme_chain=$(mod_chain nvme | awk '!seen[$0]++')
[ -n "$nvme_chain" ] || { echo "mkinitramfs.sh: no nvme modules for $kver" >&2; exit 1; }
# not the driver's: null_blk (a reference block device), ext4 (file
# system tests; the kernel's request_module finds it through modprobe),
# aer_inject (PCIe error injection from the guest)
extra_chain=$( (mod_chain null_blk; mod_chain ext4; mod_chain aer_inject) |
	awk '!seen[$0]++')

: >"$stage/etc/nvme-modules"
copy_mod() { # copy_mod HOSTPATH: print the path of the plain .ko in the image
	local src=$1 rel dst
	rel=${src#"$modroot"/lib/modules/"$kver"/}
	case $rel in
	*.ko.xz) rel=${rel%.xz} ;;
	*.ko.zst) rel=${rel%.zst} ;;
	*.ko.gz) rel=${rel%.gz} ;;
	esac
	dst=/lib/modules/$kver/$rel
	if [ ! -e "$stage$dst" ]; then
		mkdir -p "$stage$(dirname "$dst")"
		case $src in
		*.xz) xz -dc "$src" >"$stage$dst" ;;
		*.zst) zstd -qdc "$src" >"$stage$dst" ;;
		*.gz) gzip -dc "$src" >"$stage$dst" ;;
		*) cp "$src" "$stage$dst" ;;
		esac
	fi
	echo "$dst"
}
for m in $nvme_chain; do
	copy_mod "$m" >>"$stage/etc/nvme-modules"
done
for m in $extra_chain; do
	copy_mod "$m" >/dev/null
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$moddir/$f" ] && cp "$moddir/$f" "$stage/lib/modules/$kver/"
done
depmod -b "$stage" "$kver"

# --- config ---------------------------------------------------------------
# fixed host identity: nvme-cli/libnvme warn without one
echo "nqn.2014-08.org.nvmexpress:uuid:6e9c5a1e-3c2a-4d0b-9a51-c0ffee000001" \
	>"$stage/etc/nvme/hostnqn"
echo "6e9c5a1e-3c2a-4d0b-9a51-c0ffee000001" >"$stage/etc/nvme/hostid"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
echo "$kver" >"$stage/etc/cnvme-kver"
cp "$init_src" "$stage/init"
chmod 0755 "$stage/init"

# --- archive --------------------------------------------------------------
tmp=$out.tmp.$$
(
	cd "$stage"
	find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0
) | case $out in
*.gz) gzip -n -3 ;;
*) cat ;;
esac >"$tmp"
mv -f "$tmp" "$out"
