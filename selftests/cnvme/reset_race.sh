#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resets that race each other and removal (file topology): three
# processes resetting the controller at once (sysfs and the ioctl) under
# fio verify, then resets racing unbind/bind.  Every request is refused
# (busy) or serialised; nothing deadlocks, fio sees no error, and the
# controller ends live.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("3 processes resetting at once under fio: no hang, controller live"
	"fio verify clean across the racing resets"
	"resets racing 3 unbind/bind cycles: no deadlock, controller live")
tap_plan ${#cases[@]}
if ! need_data_topology; then
	for c in "${cases[@]}"; do tap_skip "$c" "needs a namespace that stores data (TOPO=file)"; done
	tap_exit
fi
ctrl=$(ctrl_names | head -n 1)
pci=$(basename "$(readlink -f /sys/class/nvme/"$ctrl"/device)")
dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }

# reset_loop SECONDS HOW: reset until time is up; failures (busy, or the
# controller going away) are expected, a hang is not
reset_loop() {
	local end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ "$2" = ioctl ]; then
			nvme reset /dev/"$ctrl" >/dev/null 2>&1
		else
			echo 1 >/sys/class/nvme/"$ctrl"/reset_controller 2>/dev/null
		fi
		sleep 0.2
	done
}

fio --name=race --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=32 --size=32M --loops=1000 \
	--runtime=15 --verify=crc32c --do_verify=1 --verify_backlog=256 \
	--output=/tmp/fio-race.log &
fio_pid=$!
sleep 2
racing() {
	local pids=() p
	reset_loop 15 sysfs & pids+=($!)
	reset_loop 15 sysfs & pids+=($!)
	reset_loop 15 ioctl & pids+=($!)
	# each loop ends by itself; 60 s more means a request hung
	for p in "${pids[@]}"; do
		for _ in $(seq 750); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$p" 2>/dev/null && { echo "a reset hung"; return 1; }
	done
	wait_ctrls_live 30 || { echo "state $(cat /sys/class/nvme/"$ctrl"/state)"; return 1; }
}
tap_check "${cases[0]}" racing
wait "$fio_pid"
rc=$?
if [ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-race.log; then
	tap_ok "${cases[1]}"
else
	tap_fail "${cases[1]}" "fio exit $rc" "$(tail -n 20 /tmp/fio-race.log)"
fi

unbind_race() {
	local i rpid
	for i in 1 2 3; do
		ctrl=$(ctrl_names | head -n 1)
		reset_loop 5 sysfs &
		rpid=$!
		sleep 0.3
		timeout 60 sh -c "echo $pci >/sys/bus/pci/drivers/$(pci_driver_name)/unbind" ||
			{ echo "unbind $i hung or failed"; return 1; }
		wait "$rpid"
		timeout 60 sh -c "echo $pci >/sys/bus/pci/drivers/$(pci_driver_name)/bind" ||
			{ echo "bind $i hung or failed"; return 1; }
		wait_ctrls_live 30 || { echo "not live after bind $i"; return 1; }
	done
	wait_ns_dev 1 30 >/dev/null
}
tap_check "${cases[2]}" unbind_race
tap_exit
