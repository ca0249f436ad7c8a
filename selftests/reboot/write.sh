#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# First boot of the reboot test: write 64 MiB with verification headers.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 1
dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
if fio --name=persist --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=64k --iodepth=16 --size=64M --verify=crc32c \
	--do_verify=1 --output=/tmp/persist.log && sync; then
	tap_ok "64 MiB written and verified before the reboot"
else
	tap_fail "64 MiB written and verified before the reboot" "$(tail -n 20 /tmp/persist.log)"
fi
tap_exit
