#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What cnvme does today, shown in a guest: the controller, its disks,
# nvme-cli, and a short fio run.  Printed as TAP so the runner keeps it.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 7
show() {
	echo "\$ $*"
	"$@" 2>&1
}

wait_ctrls_live 30 && tap_ok "controller live" || tap_fail "controller live"
dmesg | grep -E "cnvme|nvme[0-9]" | sed 's/^/  /'
for c in /sys/class/nvme/nvme*; do
	echo "$c: model '$(cat "$c/model")' serial '$(cat "$c/serial")' state $(cat "$c/state") queues $(cat "$c/queue_count")"
done

dev=$(wait_ns_dev 1 30) && tap_ok "namespace 1 is $dev" || tap_fail "namespace 1 present"
show lsblk -o NAME,SIZE,LOG-SEC,PHY-SEC,MIN-IO,RQ-SIZE,DISC-MAX
show grep nvme /proc/interrupts

show nvme list && tap_ok "nvme list" || tap_fail "nvme list"
show nvme list-subsys
{ show nvme id-ctrl /dev/nvme0 | head -n 24; } && tap_ok "nvme id-ctrl" || tap_fail "nvme id-ctrl"
show nvme smart-log /dev/nvme0 && tap_ok "nvme smart-log" || tap_fail "nvme smart-log"
show nvme id-ns "$dev" | head -n 12

show fio --name=demo --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randrw --bs=4k --iodepth=32 --size=64M --time_based --runtime=5 \
	--verify=crc32c --group_reporting && tap_ok "fio randrw with verify" ||
	tap_fail "fio randrw with verify"
show fio --name=demo-read --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randread --bs=4k --iodepth=32 --time_based --runtime=5 \
	--group_reporting && tap_ok "fio randread" || tap_fail "fio randread"
tap_exit
