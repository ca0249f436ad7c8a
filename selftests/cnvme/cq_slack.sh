#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lazily reported CQ head at its tightest: io_queue_depth=240 makes
# I/O CQs of 256 entries, 16 of them slack, so the head is reported every
# 15 completions while up to 239 commands are in flight, and the CQ wraps
# over and over under fio verify.  A head reported too late for the CQ's
# size stalls the controller: fio hangs into I/O timeouts (io_timeout=5
# here).  (A report a few entries late only makes the controller wait a
# moment for it: no test sees that.)  Then the default depth.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 4

cases=("CQ of 256 for an SQ of 240 (MSI-X)"
	"fio verify, 239 commands in flight, CQ wrapped 100+ times"
	"no I/O timeout or missed completion"
	"default depth: CQ of 1280 for an SQ of 1024")
[ "$DRIVER" = cnvme ] || tap_skip_all "cnvme's CQ sizing (the in-kernel driver has none)" "${cases[@]}"
need_data_topology || tap_skip_all "needs a namespace that stores data (TOPO=file)" "${cases[@]}"

# the depths the driver logged for its I/O queues at the last load (a
# debug line: the loads below turn cnvme's on with dyndbg=+p)
last_depths() {
	dmesg | sed -n 's/.*nvme nvme[0-9]*: queue depth \([0-9]* (CQ [0-9]*)\).*/depth \1/p' |
		tail -n 1
}

mark=$(log_mark)
if ! driver_reload dyndbg=+p io_queue_depth=240 io_timeout=5 ||
   ! dev=$(wait_ns_dev 1 30); then
	tap_fail "CQ of 256 for an SQ of 240 (MSI-X)" "reload with io_queue_depth=240 failed"
	driver_reload >/dev/null 2>&1
	tap_exit
fi
got=$(last_depths)
if [ "$got" = "depth 240 (CQ 256)" ]; then
	tap_ok "CQ of 256 for an SQ of 240 (MSI-X)"
else
	tap_fail "CQ of 256 for an SQ of 240 (MSI-X)" "driver logged '$got'"
fi

disk=$(basename "$dev")
ios() { awk '{ print $1 + $5 }' "/sys/block/$disk/stat"; }
before=$(ios)
# iodepth 256 against 239 tags keeps the queue full
if fio --name=cqslack --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=256 --size=64M --offset=64M \
	--verify=crc32c --do_verify=1 --verify_backlog=4096 \
	>/tmp/cq_slack.log 2>&1 &&
   ! grep -qE "verify: bad|err= *[1-9]" /tmp/cq_slack.log; then
	n=$(($(ios) - before))
	if [ "$n" -ge $((100 * 256)) ]; then
		tap_ok "fio verify, 239 commands in flight, CQ wrapped 100+ times ($n I/Os)"
	else
		tap_fail "fio verify, 239 commands in flight, CQ wrapped 100+ times" "only $n I/Os completed"
	fi
else
	tap_fail "fio verify, 239 commands in flight, CQ wrapped 100+ times" \
		"$(tail -n 20 /tmp/cq_slack.log)"
fi

bad=$(log_since "$mark" | grep -E "timeout|timed out|reset controller|resetting|invalid command id|unknown command id")
if [ -z "$bad" ]; then
	tap_ok "no I/O timeout or missed completion"
else
	tap_fail "no I/O timeout or missed completion" "$bad"
fi

if driver_reload dyndbg=+p && wait_ns_dev 1 30 >/dev/null; then
	got=$(last_depths)
	if [ "$got" = "depth 1024 (CQ 1280)" ]; then
		tap_ok "default depth: CQ of 1280 for an SQ of 1024"
	else
		tap_fail "default depth: CQ of 1280 for an SQ of 1024" "driver logged '$got'"
	fi
else
	tap_fail "default depth: CQ of 1280 for an SQ of 1024" "reload without parameters failed"
fi
# loaded as it was for the tests after (no debug lines)
driver_reload >/dev/null 2>&1 && wait_ns_dev 1 30 >/dev/null
tap_exit
