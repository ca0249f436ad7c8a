#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PCI function resets from outside the driver (sysfs "reset": the PCI
# core calls the driver's reset_prepare/reset_done around an FLR or a
# bus reset), idle and five times under fio verify: the controller comes
# back live and no error reaches the application.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("function reset while idle" "5 function resets under fio verify"
	"fio verify clean across function resets")
tap_plan ${#cases[@]}
need_data_topology || tap_skip_all "needs a namespace that stores data (TOPO=file)" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
pci=$(basename "$(readlink -f /sys/class/nvme/"$ctrl"/device)")
r=/sys/bus/pci/devices/$pci/reset
[ -w "$r" ] || tap_skip_all "$pci has no reset method" "${cases[@]}"
log "reset methods of $pci: $(cat /sys/bus/pci/devices/"$pci"/reset_method 2>&1)"
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"

freset() {
	echo 1 >"$r" || { echo "reset of $pci failed"; return 1; }
	wait_ctrls_live 30 || { echo "state $(cat /sys/class/nvme/"$ctrl"/state)"; return 1; }
}
idle() {
	freset || return 1
	dd if="$dev" of=/dev/null bs=4096 count=16 iflag=direct 2>&1
}
tap_check "${cases[0]}" idle

fio --name=freset --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=32 --size=32M --loops=1000 \
	--runtime=15 --verify=crc32c --do_verify=1 --verify_backlog=256 \
	--output=/tmp/fio-freset.log &
pid=$!
sleep 2
under_io() {
	for i in 1 2 3 4 5; do
		kill -0 "$pid" 2>/dev/null || { echo "fio ended after $((i - 1)) resets"; return 1; }
		freset || return 1
		sleep 1
	done
}
tap_check "${cases[1]}" under_io
wait "$pid"
rc=$?
if [ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-freset.log; then
	tap_ok "${cases[2]}"
else
	tap_fail "${cases[2]}" "fio exit $rc" "$(tail -n 20 /tmp/fio-freset.log)"
fi
tap_exit
