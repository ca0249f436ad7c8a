#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Controller resets through sysfs reset_controller and the reset ioctl,
# idle and under mixed fio I/O with verification (12 by default): each
# reset comes back live, and I/O caught by it is requeued and completes
# without an error reaching the application.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

# the counts the driver must stand; the reference run only checks the
# test (the in-kernel driver takes seconds per reset)
if [ "$DRIVER" = cnvme ]; then
	RESETS=${RESETS:-12}
	RUNTIME=${RUNTIME:-25}
else
	RESETS=${RESETS:-4}
	RUNTIME=${RUNTIME:-15}
fi
tap_plan 3
if ! need_data_topology; then
	for t in "resets while idle" "resets under mixed fio I/O" \
		"fio verify clean across resets"; do
		tap_skip "$t" "needs a namespace that stores data (TOPO=file)"
	done
	tap_exit
fi

ctrl=$(ctrl_names | head -n 1)
dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }

reset_n() {
	i=0
	while [ "$i" -lt "$1" ]; do
		i=$((i + 1))
		echo 1 >/sys/class/nvme/"$ctrl"/reset_controller ||
			{ echo "reset $i failed"; return 1; }
		wait_ctrls_live 30 || { echo "not live after reset $i"; return 1; }
		[ -n "$2" ] && sleep "$2"
	done
	return 0
}
tap_check "resets while idle" reset_n 3 ""

# mixed I/O for the whole run: verified random writes on the first 64 MiB,
# random reads on the next 64 MiB; fio stops after RUNTIME seconds
fio --direct=1 --ioengine=io_uring --iodepth=32 --bs=4k --runtime="$RUNTIME" \
	--output=/tmp/fio-reset.log \
	--name=writer --filename="$dev" --rw=randwrite --size=64M --loops=1000 \
	--verify=crc32c --do_verify=1 --verify_backlog=512 \
	--name=reader --filename="$dev" --rw=randread --offset=64M --size=64M \
	--loops=1000 &
fio_pid=$!
sleep 2

# alternately through sysfs and the NVME_IOCTL_RESET ioctl (nvme reset),
# each while fio is still running
resets_under_io() {
	i=0
	while [ "$i" -lt "$RESETS" ]; do
		kill -0 "$fio_pid" 2>/dev/null ||
			{ echo "fio ended after $i resets"; return 1; }
		i=$((i + 1))
		if [ $((i % 2)) = 0 ]; then
			nvme reset /dev/"$ctrl" || { echo "nvme reset $i failed"; return 1; }
		else
			echo 1 >/sys/class/nvme/"$ctrl"/reset_controller ||
				{ echo "sysfs reset $i failed"; return 1; }
		fi
		wait_ctrls_live 30 || { echo "not live after reset $i"; return 1; }
		sleep 0.2
	done
	kill -0 "$fio_pid" 2>/dev/null || { echo "fio ended during the last reset"; return 1; }
}
tap_check "$RESETS resets (sysfs and ioctl) under mixed fio I/O" resets_under_io
wait "$fio_pid"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-reset.log; then
	tap_ok "fio verify clean across resets: no I/O or verify error"
else
	tap_fail "fio verify clean across resets: no I/O or verify error" "fio exit $rc" "$(tail -n 20 /tmp/fio-reset.log)"
fi
tap_exit
