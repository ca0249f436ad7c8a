#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Media errors (media topology: QEMU fails every read covering byte
# offset 8 MiB of namespace 1 with EIO, which its NVMe controller reports
# as Unrecovered Read Error): the error reaches the application at
# exactly that offset as the block layer's medium error (BLK_STS_MEDIUM,
# which read(2) reports as ENODATA, "No data available", with either
# driver), the driver logs it with its LBA, and the namespace keeps
# working around it.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

BAD=$((8 * 1048576))	# selftests/vm/topology.sh MEDIA_BAD_OFFSET
cases=("dd of the bad block: medium error" "fio reports the error at offset $BAD only"
	"medium error logged once per failed read, with its LBA"
	"reads and writes around the bad block work")
tap_plan ${#cases[@]}
if [ "$TOPO" != media ]; then
	for c in "${cases[@]}"; do tap_skip "$c" "needs the media topology"; done
	tap_exit
fi
dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
mark=$(log_mark)

dd_bad() {
	if out=$(dd if="$dev" of=/dev/null bs=4096 skip=$((BAD / 4096)) count=1 \
		iflag=direct 2>&1); then
		echo "read of the bad block succeeded"
		return 1
	fi
	echo "$out" | grep -q "No data available" || { echo "$out"; return 1; }
}
tap_check "${cases[0]}" dd_bad

fio_bad() {
	# 2 MiB around the bad block, sequentially; fio stops at the error
	fio --name=media --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=read --bs=4k --offset=$((BAD - 1048576)) --size=2M \
		>/tmp/fio-media.log 2>&1
	errs=$(grep -o "offset=[0-9]*" /tmp/fio-media.log | sort -u)
	[ "$errs" = "offset=$BAD" ] || { echo "error offsets: '$errs'"; cat /tmp/fio-media.log; return 1; }
	grep -q "No data available" /tmp/fio-media.log || { cat /tmp/fio-media.log; return 1; }
}
tap_check "${cases[1]}" fio_bad

logged() {
	log=$(log_since "$mark")
	echo "$log" | grep -q "critical medium error, dev ${dev#/dev/}, sector $((BAD / 512))" ||
		{ echo "no medium error from the block layer"; echo "$log"; return 1; }
	if [ "$DRIVER" = cnvme ]; then
		# the in-kernel driver's wording
		n=$(echo "$log" | grep -c "${dev#/dev/}: I/O Cmd(0x2) @ LBA $((BAD / 512)), ")
		# dd and fio each failed one read
		[ "$n" = 2 ] || { echo "$n driver log lines, want 2"; echo "$log"; return 1; }
	fi
}
tap_check "${cases[2]}" logged

around() {
	dd if=/dev/urandom of=/tmp/media.data bs=4096 count=16 2>/dev/null
	dd if=/tmp/media.data of="$dev" bs=4096 seek=$((BAD / 4096 + 16)) \
		oflag=direct conv=notrunc 2>&1 || return 1
	dd if="$dev" of=/tmp/media.back bs=4096 skip=$((BAD / 4096 + 16)) count=16 \
		iflag=direct 2>&1 || return 1
	cmp /tmp/media.data /tmp/media.back || return 1
	dd if="$dev" of=/dev/null bs=4096 count=$((BAD / 4096)) iflag=direct 2>&1
}
tap_check "${cases[3]}" around
tap_exit
