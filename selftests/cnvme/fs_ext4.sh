#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A file system on the driver: mkfs.ext4, a tree of files written and
# fsynced, unmount, fsck clean, and the files intact after remount.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 5
if ! need_data_topology; then
	for t in mkfs mount "write and fsync a tree" "fsck -f clean" \
		"files intact after remount"; do
		tap_skip "$t" "needs a namespace that stores data (TOPO=file)"
	done
	tap_exit
fi

dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
mnt=/tmp/mnt
mkdir -p "$mnt"
tap_check mkfs mkfs.ext4 -q -F "$dev"
tap_check mount mount -t ext4 "$dev" "$mnt"

write_tree() {
	i=0
	while [ $i -lt 40 ]; do
		d=$mnt/d$((i % 5))
		mkdir -p "$d"
		dd if=/dev/urandom of="$d/f$i" bs=1k count=$((i * 13 % 257 + 1)) 2>/dev/null || return 1
		i=$((i + 1))
	done
	dd if=/dev/urandom of="$mnt/big" bs=1M count=24 2>/dev/null || return 1
	sync || return 1
	(cd "$mnt" && find . -type f | sort | xargs md5sum) >/tmp/sums || return 1
	umount "$mnt"
}
tap_check "write and fsync a tree" write_tree
tap_check "fsck -f clean" e2fsck -f -n "$dev"

verify_tree() {
	mount -t ext4 "$dev" "$mnt" || return 1
	(cd "$mnt" && md5sum -c /tmp/sums >/dev/null) || { umount "$mnt"; return 1; }
	umount "$mnt"
}
tap_check "files intact after remount" verify_tree
tap_exit
