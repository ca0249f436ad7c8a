#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every namespace of the topology is a disk named nvme<S>n<H>, with the
# size and block size QEMU gave it; a 4 KiB-block namespace refuses
# 512-byte direct I/O; read and write reach the right namespace.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

# nsid:bytes:logical block size, as selftests/vm/topology.sh builds them
case $TOPO in
one) expect="1:1073741824:512" ;;
three) expect="1:268435456:512 2:268435456:4096 3:268435456:512" ;;
file) expect="1:268435456:512" ;;
*) expect="" ;;
esac

set -- $expect
tap_plan $(($# + 3))

for e in $expect; do
	nsid=${e%%:*}
	rest=${e#*:}
	bytes=${rest%%:*}
	lbs=${rest#*:}
	name="namespace $nsid: $bytes bytes of $lbs-byte blocks"
	if ! dev=$(wait_ns_dev "$nsid" 30); then
		tap_fail "$name" "no disk with nsid $nsid"
		continue
	fi
	b=/sys/block/$(basename "$dev")
	got_bytes=$(($(cat "$b/size") * 512))
	got_lbs=$(cat "$b/queue/logical_block_size")
	if [ "$got_bytes" = "$bytes" ] && [ "$got_lbs" = "$lbs" ]; then
		tap_ok "$name ($(basename "$dev"))"
	else
		tap_fail "$name" "$dev: $got_bytes bytes, $got_lbs-byte blocks"
	fi
done

# disk names: nvme<S>n<H> with H from 1, each H once
names_ok() {
	for d in $(ns_disks); do
		n=$(basename "$d")
		echo "$n" | grep -qE '^nvme[0-9]+n[0-9]+$' || { echo "bad name $n"; return 1; }
	done
	h=$(ns_disks | sed -n 's/.*nvme[0-9]*n\([0-9]*\)$/\1/p' | sort -n | tr '\n' ' ')
	want=$(seq 1 "$(ns_disks | wc -l)" | tr '\n' ' ')
	[ "$h" = "$want" ] || { echo "instances '$h', want '$want'"; return 1; }
}
tap_check "disk names nvme<S>n<H>, H = 1..N" names_ok

misaligned() {
	dev4k=""
	for d in $(ns_disks); do
		# (a disk of capacity 0 refuses everything, ENOSPC)
		[ "$(cat "$d/size")" -gt 0 ] || continue
		[ "$(cat "$d/queue/logical_block_size")" = 4096 ] && dev4k=/dev/$(basename "$d")
	done
	[ -n "$dev4k" ] || return 2
	if dd if=/dev/zero of="$dev4k" bs=512 count=1 oflag=direct 2>/tmp/dd.err; then
		echo "512-byte direct write to $dev4k succeeded"
		return 1
	fi
	grep -q "Invalid argument" /tmp/dd.err || { cat /tmp/dd.err; return 1; }
}
out=$(misaligned 2>&1)
case $? in
0) tap_ok "4 KiB namespace refuses 512-byte direct I/O (EINVAL)" ;;
2) tap_skip "4 KiB namespace refuses 512-byte direct I/O" "no 4 KiB namespace in TOPO=$TOPO" ;;
*) tap_fail "4 KiB namespace refuses 512-byte direct I/O" "$out" ;;
esac

# reads of each namespace see that namespace: null-co reads zeroes, so
# only the data topology can tell; elsewhere a read must simply succeed
rw_ok() {
	for d in $(ns_disks); do
		lbs=$(cat "$d/queue/logical_block_size")
		dd if=/dev/$(basename "$d") of=/dev/null bs="$lbs" count=256 iflag=direct 2>/dev/null || {
			echo "read of $(basename "$d") failed"
			return 1
		}
	done
}
tap_check "direct reads of every namespace succeed" rw_ok
tap_exit
