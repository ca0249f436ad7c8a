#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Namespaces formatted with metadata (TOPO=meta): separate metadata
# buffers through block integrity, with T10 PI type 1 and without PI, on
# 512 B and 4 KiB blocks; data verified with fio.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 6
if [ "$TOPO" != meta ]; then
	for t in "ns1 512+8 PI type 1: integrity format" "ns1: fio verify" \
		"ns2 4096+8 no PI: capacity" "ns2: fio verify" \
		"ns1 capacity" "ns2: integrity tuple size"; do
		tap_skip "$t" "needs namespaces formatted with metadata (TOPO=meta)"
	done
	tap_exit
fi

check_ns() {	# nsid want-lbs
	dev=$(wait_ns_dev "$1" 30) || { echo "no disk for nsid $1"; return 1; }
	b=/sys/block/$(basename "$dev")
	[ "$(cat "$b/size")" -gt 0 ] || { echo "$dev has capacity 0"; return 1; }
	[ "$(cat "$b/queue/logical_block_size")" = "$2" ] ||
		{ echo "$dev: block size $(cat "$b/queue/logical_block_size")"; return 1; }
}

fio_ns() {	# nsid bs
	dev=$(wait_ns_dev "$1" 30) || return 1
	fio --name=meta$1 --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs="$2" --iodepth=16 --size=16M \
		--verify=crc32c --do_verify=1 --output=/tmp/fio-meta$1.log ||
		{ tail -n 20 /tmp/fio-meta$1.log; return 1; }
}

tap_check "ns1 capacity" check_ns 1 512
ns1=$(ns_dev 1)
fmt=$(cat /sys/block/"$(basename "$ns1")"/integrity/format 2>&1)
if [ "$fmt" = T10-DIF-TYPE1-CRC ]; then
	tap_ok "ns1 512+8 PI type 1: integrity format $fmt"
else
	tap_fail "ns1 512+8 PI type 1: integrity format" "format '$fmt'"
fi
tap_check "ns1: fio verify" fio_ns 1 4k
tap_check "ns2 4096+8 no PI: capacity" check_ns 2 4096
ns2=$(ns_dev 2)
ts=$(cat /sys/block/"$(basename "$ns2")"/integrity/tag_size 2>/dev/null)
if [ -e /sys/block/"$(basename "$ns2")"/integrity/format ]; then
	tap_ok "ns2: integrity registered (format $(cat /sys/block/"$(basename "$ns2")"/integrity/format), tag_size $ts)"
else
	tap_fail "ns2: integrity tuple size" "no integrity directory"
fi
tap_check "ns2: fio verify" fio_ns 2 16k
tap_exit
