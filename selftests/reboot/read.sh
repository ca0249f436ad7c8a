#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Second boot of the reboot test: what the first boot wrote reads back.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 1
dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
if fio --name=persist --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=64k --iodepth=16 --size=64M --verify=crc32c \
	--verify_only --output=/tmp/persist.log; then
	tap_ok "data written before the reboot reads back intact"
else
	tap_fail "data written before the reboot reads back intact" "$(tail -n 20 /tmp/persist.log)"
fi
tap_exit
