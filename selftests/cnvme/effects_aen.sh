#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Command effects and asynchronous events (three topology: a subsystem
# with namespaces 1-3, null-backed, so formatting them loses nothing):
# - Format NVM sent as raw admin passthrough changes the block size, and
#   the disk shows it when the ioctl returns (the driver rescans first);
# - detaching a namespace removes its disk, attaching it brings it back,
#   with the Namespace Attribute Changed event seen in the kernel log;
# - (cnvme) a SMART temperature event is logged, twice, so the AER is
#   re-armed and the SMART log read between the two.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 6
if [ "$TOPO" != three ]; then
	for t in "format 512 -> 4096" "format 4096 -> 512" "detach-ns" \
		"attach-ns" "namespace-changed event" "SMART events"; do
		tap_skip "$t" "needs the three topology (a subsystem with spare namespaces)"
	done
	tap_exit
fi

wait_ctrls_live 30
dev=$(wait_ns_dev 3 30) || { tap_fail "namespace 3 present"; tap_exit; }
lbs() { cat "/sys/block/$(basename "$(ns_dev 3)")/queue/logical_block_size"; }

# LBA format 4 of QEMU's controller is 4096-byte blocks, 0 is 512
fmt() { # fmt LBAF EXPECTED_BS
	nvme admin-passthru /dev/nvme0 -o 0x80 -n 3 --cdw10="$1" -t 60000 >/tmp/fmt.out 2>&1 ||
		{ cat /tmp/fmt.out; return 1; }
	got=$(lbs)
	[ "$got" = "$2" ] || { echo "block size $got right after the ioctl, want $2"; return 1; }
	dd if="$(ns_dev 3)" of=/dev/null bs="$2" count=8 iflag=direct 2>&1 || return 1
}
tap_check "format 512 -> 4096 visible when the ioctl returns" fmt 4 4096
tap_check "format 4096 -> 512 visible when the ioctl returns" fmt 0 512

cntlid=$(nvme id-ctrl /dev/nvme0 | awk '$1 == "cntlid" { print $3 }')
mark=$(log_mark)
gone() {
	nvme detach-ns /dev/nvme0 -n 3 -c "$cntlid" || return 1
	for _ in $(seq 100); do
		ns_dev 3 >/dev/null || return 0
		sleep 0.1
	done
	echo "namespace 3 still has a disk: $(ns_dev 3)"
	return 1
}
tap_check "detach-ns removes the disk" gone
back() {
	nvme attach-ns /dev/nvme0 -n 3 -c "$cntlid" || return 1
	wait_ns_dev 3 10 >/dev/null || { echo "no disk for namespace 3"; return 1; }
	dd if="$(ns_dev 3)" of=/dev/null bs=4096 count=1 iflag=direct 2>&1
}
tap_check "attach-ns brings the disk back" back

if [ "$DRIVER" = cnvme ]; then
	pat="namespace attributes changed"
else
	pat="rescanning namespaces"
fi
event() {
	for _ in $(seq 50); do
		log_since "$mark" | grep -q "$pat" && return 0
		sleep 0.1
	done
	echo "no '$pat' in the kernel log"
	log_since "$mark"
	return 1
}
tap_check "namespace-changed event reached the driver" event

if [ "$DRIVER" != cnvme ]; then
	tap_skip "SMART events logged and re-armed" "the in-kernel driver does not enable SMART events"
	tap_exit
fi
smart() {
	mark=$(log_mark)
	# an over-temperature threshold of 256 K, below QEMU's 323 K
	for _ in 1 2; do
		nvme set-feature /dev/nvme0 -f 4 -v 0x100 >/dev/null || return 1
		nvme set-feature /dev/nvme0 -f 4 -v 0x157 >/dev/null || return 1
		sleep 1
	done
	n=$(log_since "$mark" | grep -c "SMART/health event")
	[ "$n" = 2 ] || { echo "$n SMART events logged, want 2"; log_since "$mark"; return 1; }
}
tap_check "SMART events logged and re-armed" smart
tap_exit
