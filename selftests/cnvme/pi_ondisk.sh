#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Protection information on the medium is the in-kernel driver's: what
# cnvme writes, the in-kernel driver reads with its reference-tag checks,
# and the other way round, in one boot (meta topology):
# - NSID 1, 512+8 PI type 1 in separate metadata, with the block layer's
#   integrity generation off (integrity/write_generate=0): the controller
#   inserts the PI (PRACT), and must be given the reference tag of the
#   first block, the LBA;
# - NSID 1, Write Zeroes (blkdiscard -z): PRACT and the reference tag
#   too, or the zeroed blocks fail the reference check;
# - NSID 4, 512+8 PI type 1 interleaved (extended LBA): every write is
#   PRACT.
# Before, cnvme sent PRACT without a reference tag (the controller wrote
# tags counting from 0) and Write Zeroes without PRACT (tags 0): the
# in-kernel driver's reads of those blocks failed the reference check.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("ns1 PRACT write (write_generate=0) by cnvme: the in-kernel driver reads it"
	"ns1 Write Zeroes by cnvme: the in-kernel driver reads zeroes"
	"ns4 interleaved PI write by cnvme: the in-kernel driver reads it"
	"ns1 written by the in-kernel driver: cnvme reads it (PRACT read)"
	"ns4 written by the in-kernel driver: cnvme reads it")
tap_plan ${#cases[@]}
[ "$TOPO" = meta ] || tap_skip_all "needs the meta topology" "${cases[@]}"
d=/tmp/pi
mkdir -p $d
dd if=/dev/urandom of=$d/a bs=4096 count=1 2>/dev/null
dd if=/dev/urandom of=$d/b bs=4096 count=1 2>/dev/null
head -c 4096 /dev/zero >$d/zero

# gen DISK 0|1: the block layer's PI generation and checking
gen() {
	echo "$2" >/sys/block/"$1"/integrity/write_generate
	echo "$2" >/sys/block/"$1"/integrity/read_verify
}

# put FILE DEV LBA / get DEV LBA OUT: 4 KiB, direct
put() { dd if="$1" of="$2" bs=512 seek="$3" count=8 oflag=direct conv=notrunc 2>&1 >/dev/null | grep -v records; }
get() { dd if="$1" of="$3" bs=512 skip="$2" count=8 iflag=direct 2>&1 >/dev/null | grep -v records; }

phase() {
	local ns1 ns4
	ns1=$(wait_ns_dev 1 30) || return 1
	ns4=$(wait_ns_dev 4 30) || return 1
	case $1 in
	cnvme)
		gen "${ns1#/dev/}" 0
		put $d/a "$ns1" 1000
		# -f: no probe of the disk for signatures first (its reads of
		# never-written blocks can fail the PI checks on this image)
		blkdiscard -f -z -o $((2000 * 512)) -l 4096 "$ns1" 2>&1
		put $d/a "$ns4" 1000
		gen "${ns1#/dev/}" 1
		;;
	nvme)
		get "$ns1" 1000 $d/nvme-ns1-a >$d/nvme-ns1-a.err 2>&1
		get "$ns1" 2000 $d/nvme-ns1-z >$d/nvme-ns1-z.err 2>&1
		get "$ns4" 1000 $d/nvme-ns4-a >$d/nvme-ns4-a.err 2>&1
		put $d/b "$ns1" 3000
		put $d/b "$ns4" 3000
		;;
	esac
	return 0
}

if ! diff_drivers phase; then
	tap_skip_all "$DIFF_SKIP" "${cases[@]}"
fi

# same OUT WANT: OUT holds WANT (else the read's error)
same() {
	[ -s "$1" ] && cmp -s "$1" "$2" && return 0
	echo "read: $(cat "$1.err" 2>/dev/null) $(cmp "$1" "$2" 2>&1)"
	return 1
}
tap_check "${cases[0]}" same $d/nvme-ns1-a $d/a
tap_check "${cases[1]}" same $d/nvme-ns1-z $d/zero
tap_check "${cases[2]}" same $d/nvme-ns4-a $d/a

cnvme_reads() {	# nsid generate
	local dev
	dev=$(wait_ns_dev "$1" 30) || return 1
	[ "$2" = 0 ] && gen "${dev#/dev/}" 0
	get "$dev" 3000 $d/cnvme-ns$1 >$d/cnvme-ns$1.err 2>&1
	[ "$2" = 0 ] && gen "${dev#/dev/}" 1
	same $d/cnvme-ns$1 $d/b
}
tap_check "${cases[3]}" cnvme_reads 1 0
tap_check "${cases[4]}" cnvme_reads 4 1
tap_exit
