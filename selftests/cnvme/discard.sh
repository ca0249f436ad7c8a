#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Discard (DSM deallocate) and zeroing (Write Zeroes): advertised limits,
# blkdiscard and blkdiscard -z, and zeroes read back where promised.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 4
if ! need_data_topology; then
	for t in "discard advertised" "blkdiscard -z reads back zeroes" \
		"blkdiscard succeeds" "write zeroes advertised"; do
		tap_skip "$t" "needs a namespace that stores data (TOPO=file)"
	done
	tap_exit
fi

dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
q=/sys/block/$(basename "$dev")/queue
if [ "$(cat "$q/discard_max_bytes")" -gt 0 ]; then
	tap_ok "discard advertised ($(cat "$q/discard_max_bytes") bytes)"
else
	tap_fail "discard advertised" "discard_max_bytes=$(cat "$q/discard_max_bytes")"
fi
if [ "$(cat "$q/write_zeroes_max_bytes")" -gt 0 ]; then
	tap_ok "write zeroes advertised ($(cat "$q/write_zeroes_max_bytes") bytes)"
else
	tap_fail "write zeroes advertised" "write_zeroes_max_bytes=0"
fi

# 8 MiB of random data at 224 MiB, zeroed, must read back as zeroes
off=$((224 * 1024 * 1024))
len=$((8 * 1024 * 1024))
zero_check() {
	dd if=/dev/urandom of="$dev" bs=1M seek=224 count=8 oflag=direct 2>/dev/null || return 1
	blkdiscard -z -o "$off" -l "$len" "$dev" || return 1
	dd if=/dev/zero of=/tmp/zeroes bs=1M count=8 2>/dev/null
	dd if="$dev" of=/tmp/back bs=1M skip=224 count=8 iflag=direct 2>/dev/null || return 1
	cmp /tmp/zeroes /tmp/back
}
tap_check "blkdiscard -z reads back zeroes" zero_check
tap_check "blkdiscard succeeds" blkdiscard -o "$off" -l "$len" "$dev"
tap_exit
