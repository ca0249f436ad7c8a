#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rootdisk-test.sh: a Debian 12 system whose only disk is a QEMU NVMe
# namespace boots from cnvme, as a user would set it up, and goes back
# to nvme.  Needs root (debootstrap, chroot).  Prints TAP lines and
# "# rootdisk: P passed, F failed".
#
# 1. A Debian 12 root file system (debootstrap, systemd, 6.1's kernel and
#    headers, dkms), cached in ~/.cache/cnvme/rootdisk for a week.
# 2. In a chroot of a copy: "make install-boot" from the checkout, then a
#    kernel update (6.12's image and headers): DKMS must build cnvme for
#    it and its initramfs must hold cnvme.
# 3. The tree becomes an ext4 image, the one namespace of the guest; each
#    boot takes vmlinuz and the initramfs from the image's /boot and runs
#    selftests/rootdisk/check.sh as a systemd service:
#      6.1 on cnvme (writes a token), 6.12 on cnvme (reads it back),
#      6.1 with module_blacklist=cnvme and 6.12 with
#      modprobe.blacklist=cnvme (the documented way back: nvme); then
#      "make uninstall-boot" in a chroot of the disk (loop-mounted; without
#      a loop device, of the tree the image was made from), and 6.12 and
#      6.1 on nvme.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/rootdisk
cache=${XDG_CACHE_HOME:-$HOME/.cache}/cnvme/rootdisk
base=$cache/root
fs=$dir/root
img=$dir/disk.img
mnt=$dir/mnt
boot_timeout=${ROOTDISK_TIMEOUT:-420}
passed=0
failed=0
n=0
start=$(date +%s)

since() { echo "$(($(date +%s) - $1)) s"; }
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
finish() {
	umount_all
	echo "# rootdisk took $(($(date +%s) - start)) s"
	echo "# rootdisk: $passed passed, $failed failed"
	exit $((failed != 0))
}
fatal() {	# description log
	nok "$1"
	[ -f "${2:-}" ] && tail -n 30 "$2" | sed 's/^/# /'
	finish
}
# fails when something stays mounted: mkfs -d must not copy a /proc,
# and QEMU must not boot an image mounted here
umount_all() {
	local m rc=0
	for m in "$base/proc" "$fs/proc" "$mnt/proc" "$mnt"; do
		! mountpoint -q "$m" 2>/dev/null || umount "$m" || rc=1
	done
	return $rc
}
in_chroot() {	# dir command...
	local d=$1
	shift
	mountpoint -q "$d/proc" || mount -t proc proc "$d/proc"
	chroot "$d" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

[ "$(id -u)" -eq 0 ] || { echo "rootdisk-test: needs root" >&2; exit 1; }
for tool in debootstrap mkfs.ext4 debugfs qemu-system-x86_64; do
	command -v "$tool" >/dev/null || { echo "rootdisk-test: no $tool (make deps)" >&2; exit 1; }
done
trap umount_all EXIT
mkdir -p "$cache" "$dir"

# 1. the base system (its packages move: rebuilt after a week)
if [ ! -f "$cache/base.done" ] || [ -n "$(find "$cache/base.done" -mtime +6)" ]; then
	umount_all
	rm -rf --one-file-system "$base" "$cache/base.done"
	mirror=$("$root/scripts/mirror.sh")
	log=$cache/debootstrap.log
	debootstrap --variant=minbase bookworm "$base" "$mirror" >"$log" 2>&1 ||
		fatal "debootstrap bookworm ($mirror)" "$log"
	# the host's package sources (security updates: 6.12)
	rm -f "$base/etc/apt/sources.list"
	if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
		cp /etc/apt/sources.list.d/*.sources "$base/etc/apt/sources.list.d/"
	fi
	[ ! -f /etc/apt/sources.list ] || cp /etc/apt/sources.list "$base/etc/apt/"
	log=$cache/apt.log
	in_chroot "$base" apt-get update -q >"$log" 2>&1 &&
	in_chroot "$base" apt-get install -y -q --no-install-recommends \
		systemd-sysv udev kmod initramfs-tools e2fsprogs util-linux \
		linux-image-amd64 linux-headers-amd64 dkms make gcc libc6-dev \
		>>"$log" 2>&1 &&
	in_chroot "$base" apt-get install -y -q --no-install-recommends \
		--download-only linux-image-6.12-amd64 linux-headers-6.12-amd64 \
		>>"$log" 2>&1 || fatal "the base system's packages" "$log"
	umount_all
	touch "$cache/base.done"
fi
ok "a Debian 12 root file system with 6.1 and dkms ($(($(date +%s) - start)) s)"

# 2. install-boot and a kernel update, in a chroot of a copy
umount_all
rm -rf --one-file-system "$fs"
cp -a "$base" "$fs" || fatal "copy of the base system"
mkdir -p "$fs/root/cnvme"
if git -C "$root" rev-parse >/dev/null 2>&1; then
	(cd "$root" && git ls-files -co --exclude-standard | grep -v '^build/' |
		tar -cf - -T -) | tar -xf - -C "$fs/root/cnvme"
else
	(cd "$root" && tar -cf - --exclude=./build .) | tar -xf - -C "$fs/root/cnvme"
fi
k1=$(in_chroot "$fs" linux-version list | sort -V | head -n 1)
log=$dir/install-boot.log
t=$(date +%s)
if in_chroot "$fs" make -C /root/cnvme install-boot >"$log" 2>&1 &&
   ls "$fs/lib/modules/$k1"/updates/dkms/cnvme.ko* >/dev/null 2>&1; then
	ok "make install-boot in the chroot: cnvme built by DKMS for $k1 ($(since "$t"))"
else
	fatal "make install-boot in the chroot" "$log"
fi
log=$dir/kernel-update.log
t=$(date +%s)
in_chroot "$fs" apt-get install -y -q --no-install-recommends \
	linux-image-6.12-amd64 linux-headers-6.12-amd64 >"$log" 2>&1 ||
	fatal "a kernel update: linux-image-6.12-amd64 installs" "$log"
k2=$(in_chroot "$fs" linux-version list | sort -V | tail -n 1)
if [ "$k2" != "$k1" ] && ls "$fs/lib/modules/$k2"/updates/dkms/cnvme.ko* >/dev/null 2>&1; then
	ok "a kernel update ($k2): DKMS built cnvme for it ($(since "$t"))"
else
	fatal "a kernel update ($k2): DKMS built cnvme for it" "$log"
fi
for k in "$k1" "$k2"; do
	if in_chroot "$fs" lsinitramfs "/boot/initrd.img-$k" >"$dir/initrd-$k.list" 2>&1 &&
	   grep -q '/cnvme\.ko' "$dir/initrd-$k.list" &&
	   grep -q 'modprobe.d/cnvme.conf' "$dir/initrd-$k.list"; then
		ok "the initramfs of $k holds cnvme and its modprobe.d file"
	else
		nok "the initramfs of $k holds cnvme and its modprobe.d file"
	fi
done

# the test's own service, a file system table, then the image
install -m 0755 "$root/selftests/rootdisk/check.sh" "$fs/usr/local/sbin/cnvme-rootdisk-check"
install -m 0644 "$root/selftests/rootdisk/cnvme-rootdisk.service" "$fs/etc/systemd/system/"
mkdir -p "$fs/etc/systemd/system/multi-user.target.wants"
ln -sf ../cnvme-rootdisk.service "$fs/etc/systemd/system/multi-user.target.wants/"
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$fs/etc/fstab"
echo cnvme-rootdisk >"$fs/etc/hostname"
umount_all || fatal "$fs/proc unmounted before the image is made"
rm -f "$img"
log=$dir/mkfs.log
if mkfs.ext4 -q -F -U "$uuid" -L root -d "$fs" "$img" 6G >"$log" 2>&1; then
	ok "an ext4 image of $(du -sm "$fs" | cut -f1) MiB"
else
	fatal "an ext4 image" "$log"
fi

# 3. the boots
tokens=
boot() {	# kernel expect step [extra command line]
	local k=$1 expect=$2 step=$3 extra=${4:-} log=$dir/boot-$3.log t0
	t0=$(date +%s)
	rm -f "$dir/vmlinuz" "$dir/initrd"
	debugfs -R "dump /boot/vmlinuz-$k $dir/vmlinuz" "$img" >/dev/null 2>&1
	debugfs -R "dump /boot/initrd.img-$k $dir/initrd" "$img" >/dev/null 2>&1
	if [ ! -s "$dir/vmlinuz" ] || [ ! -s "$dir/initrd" ]; then
		nok "$step: /boot of $k read from the image"
		return
	fi
	timeout "$boot_timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1536 \
		-smp 2 -nographic -no-reboot -kernel "$dir/vmlinuz" \
		-initrd "$dir/initrd" \
		-append "console=ttyS0 root=UUID=$uuid ro panic=-1 cnvme_rootdisk=$step cnvme_expect=$expect cnvme_check=${tokens#,} $extra" \
		-blockdev driver=file,filename="$img",node-name=d0,cache.direct=off \
		-device nvme,serial=rootdisk,drive=d0 </dev/null >"$log" 2>&1
	local rc=$? line seen=0 want
	# a result may follow the login prompt on its line: taken from
	# anywhere in a line, and counted against the guest's own count
	tr -d '\r' <"$log" | grep -o 'ROOTDISK: .*' >"$log.results"
	want=$(sed -n 's/^ROOTDISK: done \([0-9]*\)$/\1/p' "$log.results")
	if [ -z "$want" ]; then
		nok "$step: $k booted and ran its checks (qemu exit $rc, $(($(date +%s) - t0)) s; $log)"
		tail -n 40 "$log" | tr -d '\r' | sed 's/^/# /'
		return
	fi
	while IFS= read -r line; do
		case "$line" in
		"ROOTDISK: ok "*) seen=$((seen + 1)); ok "$step: ${line#ROOTDISK: ok }" ;;
		"ROOTDISK: not ok "*) seen=$((seen + 1)); nok "$step: ${line#ROOTDISK: not ok }" ;;
		"ROOTDISK: # "*) echo "# ${line#ROOTDISK: # }" ;;
		esac
	done <"$log.results"
	[ "$seen" = "$want" ] ||
		nok "$step: $seen results read of the $want the guest sent ($log)"
	echo "# $step: $k, $(($(date +%s) - t0)) s"
	tokens="$tokens,$step"
}
boot "$k1" cnvme first-boot
boot "$k2" cnvme kernel-update
boot "$k1" nvme way-back "module_blacklist=cnvme"
boot "$k2" nvme way-back-modprobe "modprobe.blacklist=cnvme"

# make uninstall-boot on the disk the guests wrote, in a chroot: in the
# guest, DKMS and two initramfs builds take more than 7 minutes of
# software emulation.  Without a loop device, in the tree the image was
# made from, with the guests' files copied back, and a new image.
log=$dir/uninstall-boot.log
mkdir -p "$mnt"
# (ROOTDISK_NO_LOOP=1: as without a loop device)
if [ "${ROOTDISK_NO_LOOP:-0}" != 1 ] && mount -o loop "$img" "$mnt" >"$log" 2>&1; then
	target=$mnt
	where="a chroot of the loop-mounted disk"
else
	target=$fs
	where="a chroot of the image's tree (no loop device)"
	debugfs -R "rdump /var/lib/cnvme-rootdisk $fs/var/lib" "$img" >"$log" 2>&1
fi
t=$(date +%s)
if in_chroot "$target" make -C /root/cnvme uninstall-boot >>"$log" 2>&1; then
	ok "make uninstall-boot in $where ($(since "$t"))"
else
	nok "make uninstall-boot in $where"
	tail -n 20 "$log" | sed 's/^/# /'
fi
left=$(cd "$target" && find lib/modules usr/src etc/modprobe.d etc/initramfs-tools \
	var/lib/dkms -name 'cnvme*' 2>/dev/null)
# (listed to a file: grep -q would end the pipe early, and pipefail
# would then call the listing failed)
for initrd in "$target"/boot/initrd.img-*; do
	in_chroot "$target" lsinitramfs "/boot/${initrd##*/}" >"$dir/after.list" 2>&1
	grep -q cnvme "$dir/after.list" && left="$left ${initrd#"$target"/}"
done
if [ -z "$left" ]; then
	ok "nothing of cnvme is left on the disk or in an initramfs"
else
	nok "nothing of cnvme is left on the disk or in an initramfs: $left"
fi
if [ "$target" = "$fs" ]; then
	umount_all || fatal "$fs/proc unmounted before the image is made again"
	rm -f "$img"
	mkfs.ext4 -q -F -U "$uuid" -L root -d "$fs" "$img" 6G >>"$log" 2>&1 ||
		fatal "the image made again after the uninstall" "$log"
fi
umount_all || fatal "the image unmounted before the next boots"
boot "$k2" nvme uninstalled-new
boot "$k1" nvme uninstalled-old
rm -rf --one-file-system "$fs"
finish
