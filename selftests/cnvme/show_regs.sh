#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nvme show-regs without iomem=relaxed: Debian's kernels refuse to map a
# BAR a driver owns, so nvme-cli falls back to Fabrics Property Get, which
# cnvme answers from the registers.  The values must be the controller's:
# VS as Identify Controller reports it, CC.EN and CSTS.RDY set, CAP with
# a queue size.  nvme-cli shows only CAP, VS, CC, CSTS and NSSR this way.  The in-kernel driver
# cannot do this (nvme-cli issues #1651, #1846, #2420).
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 3
if [ "$DRIVER" != cnvme ]; then
	for t in "show-regs exits 0" "show-regs values" "property outside the registers"; do
		tap_skip "$t" "the in-kernel driver cannot answer show-regs on a strict-devmem kernel"
	done
	tap_exit
fi
wait_ctrls_live 30

tap_check "show-regs exits 0" sh -c 'nvme show-regs /dev/nvme0 >/tmp/regs.out 2>&1 || { cat /tmp/regs.out; exit 1; }'
values() {
	cat /tmp/regs.out
	ver=$(nvme id-ctrl /dev/nvme0 | awk '$1 == "ver" { print $3 }')
	vs=$(awk '$1 == "version" { print $3 }' /tmp/regs.out)
	[ -n "$vs" ] && [ $((0x${vs#0x})) = $((ver)) ] || { echo "version '$vs', id-ctrl ver '$ver'"; return 1; }
	cc=$(awk '$1 == "cc" { print $3 }' /tmp/regs.out)
	csts=$(awk '$1 == "csts" { print $3 }' /tmp/regs.out)
	[ $((0x${cc#0x} & 1)) = 1 ] || { echo "cc '$cc' without EN"; return 1; }
	[ $((0x${csts#0x} & 1)) = 1 ] || { echo "csts '$csts' without RDY"; return 1; }
	cap=$(awk '$1 == "cap" { print $3 }' /tmp/regs.out)
	[ $((0x${cap#0x} & 0xffff)) -gt 0 ] || { echo "cap '$cap' with MQES 0"; return 1; }
}
tap_check "show-regs values are the controller's" values
# Property Get at 40h (past CMBSZ): Invalid Field, nothing read
bad() {
	out=$(nvme admin-passthru /dev/nvme0 -o 0x7f -n 4 --cdw11=0x40 2>&1)
	echo "$out" | grep -qi "invalid field" || { echo "$out"; return 1; }
}
tap_check "property outside the registers: Invalid Field" bad
tap_exit
