#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load/unload and unbind/bind cycles, idle and with I/O running: every
# cycle ends with live controllers and disks, I/O caught by an unbind
# ends with an error (never a hang), cnvme refuses to unload under I/O
# (open disks hold the module; the in-kernel driver's multipath disks
# belong to nvme_core, so its rmmod may go through and the I/O must then
# end), and nothing leaks or warns (the runner checks the kernel log after
# each test).
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

pids=""
# the counts the driver must stand; the reference run only checks the test
if [ "$DRIVER" = cnvme ]; then
	RELOADS=${LIFECYCLE_RELOADS:-20}
	BINDS=${LIFECYCLE_BINDS:-6}
else
	RELOADS=${LIFECYCLE_RELOADS:-10}
	BINDS=${LIFECYCLE_BINDS:-4}
fi
drv=/sys/bus/pci/drivers/$(pci_driver_name)
devs=$(nvme_pci_devices)
nr_ns=$(ns_disks | wc -l)
tap_plan 4
if [ "$TOPO" != three ]; then
	for t in "unload/load cycles" "unbind/bind cycles" \
		"unloads refused under I/O" "unbind/bind cycles under I/O"; do
		tap_skip "$t" "cycles run once per kernel, on TOPO=three (three namespaces)"
	done
	tap_exit
fi

disks_back() {
	tries=300
	while [ "$tries" -gt 0 ]; do
		n=$(ns_disks | wc -l)
		[ "$n" -ge "$nr_ns" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# background readers on every disk, until killed or failing
start_io() {
	pids=""
	for d in $(ns_disks); do
		fio --name=bg --thread --filename=/dev/$(basename "$d") --direct=1 \
			--ioengine=io_uring --rw=randread --bs=4k --iodepth=16 \
			--time_based --runtime=600 --output=/dev/null \
			>/dev/null 2>&1 &
		pids="$pids $!"
	done
	# wait until every reader has its disk open
	for p in $pids; do
		tries=200
		until ls -l /proc/"$p"/fd 2>/dev/null | grep -q /dev/nvme; do
			[ "$tries" -gt 0 ] || { echo "fio $p never opened its disk"; return 1; }
			sleep 0.1
			tries=$((tries - 1))
		done
	done
}

# every reader must end by itself within 60 s of the removal
stop_io() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	tries=600
	for p in $pids; do
		while kill -0 "$p" 2>/dev/null; do
			[ "$tries" -gt 0 ] || { echo "fio $p hangs"; return 1; }
			sleep 0.1
			tries=$((tries - 1))
		done
	done
	return 0
}

reload_cycles() {
	with_io=$1
	count=$2
	i=0
	while [ "$i" -lt "$count" ]; do
		i=$((i + 1))
		unloaded=0
		if [ "$with_io" = 1 ]; then
			# open disks pin cnvme, so its unload is refused; the
			# in-kernel driver's multipath disks belong to nvme_core,
			# so rmmod nvme goes through: then the readers must end
			start_io || return 1
			if driver_unload 2>/dev/null; then
				[ "$DRIVER" = cnvme ] &&
					{ echo "cycle $i: cnvme unloaded with disks open"; return 1; }
				unloaded=1
			fi
			stop_io || return 1
		fi
		if [ "$unloaded" = 0 ]; then
			driver_unload || { echo "cycle $i: unload failed"; return 1; }
		fi
		driver_load || { echo "cycle $i: load failed"; return 1; }
		wait_ctrls_live 30 || { echo "cycle $i: not live"; return 1; }
		disks_back || { echo "cycle $i: disks missing"; return 1; }
	done
}

bind_cycles() {
	with_io=$1
	count=$2
	i=0
	while [ "$i" -lt "$count" ]; do
		i=$((i + 1))
		if [ "$with_io" = 1 ]; then
			start_io || return 1
		fi
		for bdf in $devs; do
			echo "$bdf" >"$drv/unbind" || { echo "cycle $i: unbind $bdf"; return 1; }
		done
		[ "$with_io" = 1 ] && { stop_io || return 1; }
		for bdf in $devs; do
			echo "$bdf" >"$drv/bind" || { echo "cycle $i: bind $bdf"; return 1; }
		done
		wait_ctrls_live 30 || { echo "cycle $i: not live"; return 1; }
		disks_back || { echo "cycle $i: disks missing"; return 1; }
	done
}

tap_check "$RELOADS unload/load cycles" reload_cycles 0 "$RELOADS"
tap_check "$BINDS unbind/bind cycles" bind_cycles 0 "$BINDS"
tap_check "$((BINDS / 2)) unloads under I/O: refused (or I/O ends), then done" reload_cycles 1 $((BINDS / 2))
tap_check "$BINDS unbind/bind cycles under I/O" bind_cycles 1 "$BINDS"
# a failed case may leave readers behind
for p in $pids; do
	kill "$p" 2>/dev/null
done
wait
driver_loaded || driver_load
tap_exit
