#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every byte written comes back: fio with crc32c verification over the
# engines, block sizes and queue depths the block path must handle,
# interrupt-driven and polled.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases="io_uring-4k-qd32-2jobs io_uring-512-qd1 libaio-64k-qd128 psync-1m \
io_uring-bssplit-qd32 libaio-readback-qd128 io_uring-randrw-mixed \
data-survives-reload io_uring-hipri-polled libaio-64k-sgl"
set -- $cases
tap_plan $#

if ! need_data_topology; then
	for c in $cases; do
		tap_skip "$c" "needs a namespace that stores data (TOPO=file)"
	done
	tap_exit
fi

dev=$(wait_ns_dev 1 30) || { tap_fail "namespace 1 present"; tap_exit; }
out=/tmp/fio-verify
mkdir -p "$out"

# run_fio NAME FIO-ARGS...: one test case; fails on any fio error.
# FIO_JOB names the fio job when it must match an earlier one.
run_fio() {
	name=$1
	shift
	if fio --name="${FIO_JOB:-$name}" --filename="$dev" --direct=1 \
		--verify=crc32c --do_verify=1 --group_reporting \
		"$@" >"$out/$name.log" 2>&1 &&
	   ! grep -qE "verify: bad|err= *[1-9]|Input/output error" "$out/$name.log"; then
		tap_ok "$name"
	else
		tap_fail "$name" "fio $*" "$(tail -n 25 "$out/$name.log")"
	fi
}

run_fio io_uring-4k-qd32-2jobs --ioengine=io_uring --rw=randwrite --bs=4k \
	--iodepth=32 --numjobs=2 --size=16M --offset_increment=32M \
	--verify_backlog=256
run_fio io_uring-512-qd1 --ioengine=io_uring --rw=randwrite --bs=512 \
	--iodepth=1 --size=2M --offset=64M
run_fio libaio-64k-qd128 --ioengine=libaio --rw=randwrite --bs=64k \
	--iodepth=128 --size=32M --offset=80M --verify_backlog=64
run_fio psync-1m --ioengine=psync --rw=randwrite --bs=1M --size=32M \
	--offset=128M
run_fio io_uring-bssplit-qd32 --ioengine=io_uring --rw=randwrite \
	--bssplit=512/10:4k/50:64k/30:1M/10 --iodepth=32 --size=32M \
	--offset=160M --verify_backlog=128
# read back what the libaio job wrote, verifying only
FIO_JOB=libaio-64k-qd128
run_fio libaio-readback-qd128 --ioengine=libaio --rw=randwrite --bs=64k \
	--iodepth=128 --size=32M --offset=80M --verify_only
FIO_JOB=
run_fio io_uring-randrw-mixed --ioengine=io_uring --rw=randrw --rwmixread=50 \
	--bs=8k --iodepth=32 --size=16M --offset=232M

# polled completions need a poll queue, SGLs a low threshold: reload with
# poll_queues=1 sgl_threshold=1 (both drivers have these parameters)
if driver_reload poll_queues=1 sgl_threshold=1 && dev=$(wait_ns_dev 1 30); then
	# what psync-1m wrote before the reload reads back intact
	FIO_JOB=psync-1m
	run_fio data-survives-reload --ioengine=psync --rw=randwrite --bs=1M \
		--size=32M --offset=128M --verify_only
	FIO_JOB=
	q=/sys/block/$(basename "$dev")/queue/io_poll
	if [ "$(cat "$q" 2>/dev/null)" = 1 ]; then
		run_fio io_uring-hipri-polled --ioengine=io_uring --hipri \
			--rw=randwrite --bs=4k --iodepth=32 --size=16M \
			--offset=200M --verify_backlog=256
	else
		tap_fail io_uring-hipri-polled "io_poll is '$(cat "$q" 2>&1)' with poll_queues=1"
	fi
	# multi-segment requests now go out as SGLs where the controller has them
	run_fio libaio-64k-sgl --ioengine=libaio --rw=randwrite --bs=64k \
		--iodepth=32 --size=16M --offset=240M --verify_backlog=64
else
	tap_fail data-survives-reload "reload with poll_queues=1 failed"
	tap_fail io_uring-hipri-polled "reload with poll_queues=1 failed"
	tap_fail libaio-64k-sgl "reload with sgl_threshold=1 failed"
fi
driver_reload >/dev/null 2>&1 || log "reload without parameters failed"
tap_exit
