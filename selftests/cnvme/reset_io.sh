#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Controller resets through sysfs reset_controller, idle and under fio
# with verification: each reset comes back live, and I/O caught by it is
# requeued and completes without an error reaching the application.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

RESETS=${RESETS:-5}
tap_plan 3
if ! need_data_topology; then
	for t in "resets while idle" "resets under fio verify" \
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

fio --name=reset --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=32 --size=64M --loops=4 \
	--verify=crc32c --do_verify=1 --verify_backlog=512 \
	--output=/tmp/fio-reset.log &
fio_pid=$!
sleep 2
tap_check "$RESETS resets under fio verify" reset_n "$RESETS" 0.5
wait "$fio_pid"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-reset.log; then
	tap_ok "fio verify clean across resets"
else
	tap_fail "fio verify clean across resets" "fio exit $rc" "$(tail -n 20 /tmp/fio-reset.log)"
fi
tap_exit
