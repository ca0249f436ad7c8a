#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# io_uring passthrough on /dev/ngXnY: fio's io_uring_cmd engine with
# crc32c verification, with and without registered buffers, vectored,
# and on polled rings (hipri): without poll queues (completions come by
# interrupt) and with poll_queues=1 (completions reaped by polling).
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases="io_uring_cmd-4k-qd32 io_uring_cmd-fixedbufs-64k io_uring_cmd-vectored
io_uring_cmd-hipri-irq io_uring_cmd-hipri-pollq"
tap_plan 5
if ! need_data_topology; then
	for c in $cases; do
		tap_skip "$c" "needs a namespace that stores data (TOPO=file)"
	done
	tap_exit
fi
blk=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
ng=/dev/ng${blk#/dev/nvme}

run_fio() {
	name=$1
	shift
	if fio --name="$name" --filename="$ng" --ioengine=io_uring_cmd \
		--cmd_type=nvme --verify=crc32c --do_verify=1 "$@" \
		>"/tmp/$name.log" 2>&1 &&
	   ! grep -qE "verify: bad|err= *[1-9]" "/tmp/$name.log"; then
		tap_ok "$name ($ng)"
	else
		tap_fail "$name ($ng)" "$(tail -n 20 "/tmp/$name.log")"
	fi
}
run_fio io_uring_cmd-4k-qd32 --rw=randwrite --bs=4k --iodepth=32 --size=16M
run_fio io_uring_cmd-fixedbufs-64k --rw=randwrite --bs=64k --iodepth=16 \
	--size=32M --offset=32M --fixedbufs
run_fio io_uring_cmd-vectored --rw=randwrite --bs=16k --iodepth=8 \
	--size=8M --offset=64M --nonvectored=0
run_fio io_uring_cmd-hipri-irq --rw=randwrite --bs=4k --iodepth=16 \
	--size=8M --offset=80M --hipri
# both drivers take poll_queues
if driver_reload poll_queues=1 && blk=$(wait_ns_dev 1 30); then
	ng=/dev/ng${blk#/dev/nvme}
	for _ in $(seq 50); do [ -c "$ng" ] && break; sleep 0.1; done
	q=/sys/block/${blk#/dev/}/queue/io_poll
	if [ "$(cat "$q" 2>/dev/null)" = 1 ]; then
		run_fio io_uring_cmd-hipri-pollq --rw=randwrite --bs=4k \
			--iodepth=16 --size=8M --offset=96M --hipri --fixedbufs
	else
		tap_fail io_uring_cmd-hipri-pollq "io_poll is '$(cat "$q" 2>&1)' with poll_queues=1"
	fi
else
	tap_fail io_uring_cmd-hipri-pollq "reload with poll_queues=1 failed"
fi
driver_reload >/dev/null 2>&1 || log "reload without parameters failed"
tap_exit
