#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A rescan whose Identify Namespace fails for a passing reason (fault
# point fail_identify_ns: the command ends as if the host had cancelled
# it, Host Aborted without DNR, as when a reset interrupts the scan) must
# leave the namespace alone: same disk, an open file descriptor still
# reads.  The in-kernel driver removes a namespace only when it is gone
# from the active list or the controller says so with DNR.  Before, any
# failure deleted the disk, and the next scan made a new one.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("rescan with a cancelled Identify Namespace keeps the disk"
	"an open descriptor of the disk still reads"
	"the next rescan still finds the same disk")
tap_plan ${#cases[@]}
why=$(need_faults) || tap_skip_all "$why" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
disk=${dev#/dev/}
seq0=$(cat /sys/block/"$disk"/diskseq 2>/dev/null)
dd if=/dev/urandom of=/tmp/rt.data bs=4096 count=1 2>/dev/null
dd if=/tmp/rt.data of="$dev" bs=4096 seek=7 oflag=direct conv=notrunc 2>/dev/null
exec 3<"$dev"

# rescan: ask for one, wait until the scan has run
rescan() {
	nvme ns-rescan /dev/"$ctrl" || return 1
	sleep 2
}

keep() {
	echo 1 >"$FAULTS/$ctrl/fail_identify_ns"
	rescan || return 1
	[ "$(cat "$FAULTS/$ctrl/fail_identify_ns")" = 0 ] ||
		{ echo "the scan sent no Identify Namespace"; return 1; }
	[ -b "$dev" ] && [ -e /sys/block/"$disk" ] ||
		{ echo "$disk is gone; disks now: $(ls /sys/block | tr '\n' ' ')"; return 1; }
	[ "$(cat /sys/block/"$disk"/diskseq 2>/dev/null)" = "$seq0" ] ||
		{ echo "$disk is a new disk (diskseq $seq0 -> $(cat /sys/block/"$disk"/diskseq))"; return 1; }
}
tap_check "${cases[0]}" keep

fd_reads() {
	dd if=/proc/self/fd/3 of=/tmp/rt.back bs=4096 skip=7 count=1 iflag=direct 2>&1 >/dev/null |
		grep -v records
	cmp /tmp/rt.data /tmp/rt.back
}
tap_check "${cases[1]}" fd_reads

again() {
	rescan || return 1
	d=$(wait_ns_dev 1 10) || { echo "no namespace 1"; return 1; }
	[ "$d" = "$dev" ] && [ "$(cat /sys/block/"$disk"/diskseq)" = "$seq0" ] ||
		{ echo "namespace 1 is now $d"; return 1; }
}
tap_check "${cases[2]}" again
exec 3<&-
tap_exit
