#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The recovery ladder under injected faults (cnvme built with
# FAULT_INJECT=1, run with VARIANT=faults on the file topology; see
# src/fault.c).  io_timeout=3 s, admin_timeout=5 s.
# - a lost I/O completion: timeout, Abort, timeout, reset; the read is
#   requeued and returns the right data, within the ladder's time;
# - the same with Controller Fatal Status seen at the timeout: reset at
#   once, no Abort, within io_timeout and one reset;
# - lost completions under fio verify: no error reaches fio;
# - a lost admin completion: the admin timeout resets the controller,
#   the command fails and the next one works;
# - a controller that cannot be enabled again: dead, disks marked dead
#   (capacity 0), reads end at once, nothing hangs; an io_uring admin
#   passthrough command fails with an errno, not with the NVMe status an
#   earlier command left on its tag; rebinding brings it back;
# - registers reading all ones (surprise removal) with I/O in flight:
#   the I/O fails, the controller is dead, nothing hangs; rebind again.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("lost I/O completion: Abort, reset, read completes with its data"
	"fatal status (CSTS.CFS) at a timeout: reset at once, read completes"
	"lost I/O completions under fio verify: no error"
	"lost admin completion: reset, the controller works again"
	"enable keeps failing: controller dead, I/O and io_uring passthrough fail fast with an errno, rebind recovers"
	"registers read all ones with I/O in flight: dead, no hang, rebind recovers")
tap_plan ${#cases[@]}
[ "$DRIVER" = cnvme ] || tap_skip_all "fault points exist only in cnvme" "${cases[@]}"
need_data_topology || tap_skip_all "needs a namespace that stores data (TOPO=file)" "${cases[@]}"
grep -q " /sys/kernel/debug debugfs" /proc/mounts ||
	mount -t debugfs none /sys/kernel/debug
[ -d /sys/kernel/debug/cnvme ] ||
	tap_skip_all "this cnvme has no fault points (build with FAULT_INJECT=1, run with VARIANT=faults)" "${cases[@]}"
driver_reload io_timeout=3 admin_timeout=5 || tap_skip_all "reload with short timeouts failed" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
f=/sys/kernel/debug/cnvme/$ctrl
pci=$(basename "$(readlink -f /sys/class/nvme/"$ctrl"/device)")
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"

state() { cat /sys/class/nvme/"$ctrl"/state; }
rebind() {
	echo "$pci" >/sys/bus/pci/drivers/cnvme/unbind || return 1
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind || return 1
	wait_ctrls_live 30 || return 1
	ctrl=$(ctrl_names | head -n 1)
	f=/sys/kernel/debug/cnvme/$ctrl
	dev=$(wait_ns_dev 1 30)
}

lost_io() {
	mark=$(log_mark)
	dd if=/dev/urandom of=/tmp/f.data bs=4096 count=1 2>/dev/null
	dd if=/tmp/f.data of="$dev" bs=4096 seek=100 oflag=direct conv=notrunc 2>&1 || return 1
	echo 1 >"$f/drop_io_completions"
	t0=$(date +%s)
	dd if="$dev" of=/tmp/f.back bs=4096 skip=100 count=1 iflag=direct 2>&1 || return 1
	t=$(($(date +%s) - t0))
	cmp /tmp/f.data /tmp/f.back || return 1
	# two I/O timeouts and a reset
	[ "$t" -le 25 ] || { echo "the read took $t s"; return 1; }
	log=$(log_since "$mark")
	# the in-kernel driver's wording (6.1's or 6.12's)
	for p in "dropping the completion" "QID [0-9]* timeout, aborting" \
		"QID [0-9]* timeout, reset controller"; do
		echo "$log" | grep -q "$p" || { echo "no '$p' in the log"; echo "$log"; return 1; }
	done
	wait_ctrls_live 30 || { echo "state $(state)"; return 1; }
}
tap_check "${cases[0]}" lost_io

cfs() {
	mark=$(log_mark)
	echo 1 >"$f/csts_cfs"
	echo 1 >"$f/drop_io_completions"
	t0=$(date +%s)
	dd if="$dev" of=/tmp/f.back bs=4096 skip=100 count=1 iflag=direct 2>&1 || return 1
	t=$(($(date +%s) - t0))
	cmp /tmp/f.data /tmp/f.back || return 1
	# one I/O timeout and a reset, no Abort
	[ "$t" -le 15 ] || { echo "the read took $t s"; return 1; }
	log=$(log_since "$mark")
	echo "$log" | grep -q "controller is down; will reset: CSTS=0x3," ||
		{ echo "no reset on the fatal status"; echo "$log"; return 1; }
	! echo "$log" | grep -q "aborting" || { echo "an Abort was sent"; echo "$log"; return 1; }
	wait_ctrls_live 30 || { echo "state $(state)"; return 1; }
}
tap_check "${cases[1]}" cfs

lost_under_fio() {
	fio --name=faults --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --iodepth=16 --size=16M --loops=2 \
		--verify=crc32c --do_verify=1 --output=/tmp/fio-faults.log &
	pid=$!
	sleep 2
	echo 3 >"$f/drop_io_completions"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-faults.log ||
		{ echo "fio exit $rc"; tail -n 20 /tmp/fio-faults.log; return 1; }
	[ "$(cat "$f/drop_io_completions")" = 0 ] || { echo "not every drop happened"; return 1; }
	wait_ctrls_live 30
}
tap_check "${cases[2]}" lost_under_fio

lost_admin() {
	mark=$(log_mark)
	echo 1 >"$f/drop_admin_completions"
	t0=$(date +%s)
	if nvme id-ctrl /dev/"$ctrl" >/tmp/f.id 2>&1; then
		echo "the command whose completion was lost succeeded"
		return 1
	fi
	t=$(($(date +%s) - t0))
	[ "$t" -le 20 ] || { echo "it took $t s"; return 1; }
	wait_ctrls_live 30 || { echo "state $(state)"; return 1; }
	nvme id-ctrl /dev/"$ctrl" >/dev/null || return 1
	log_since "$mark" | grep -qE "QID 0 timeout, reset controller" ||
		{ log_since "$mark"; return 1; }
}
tap_check "${cases[3]}" lost_admin

dead() {
	local before after out=/tmp/uring_status.out upid
	# On one open /dev/nvmeN (it opens only while the controller is live):
	# every admin tag used by a command the controller fails (opcode 0xff:
	# Invalid Command Opcode), so that whichever tag a later command gets
	# holds an NVMe status from its last use; then, once the controller
	# is dead, 40 more.
	wait_state "$ctrl" live 30 || { echo "state $(state) before"; return 1; }
	"${SELFTESTS:-/selftests}/helpers/uring_status" /dev/"$ctrl" 0xff 300 40 >"$out" 2>&1 &
	upid=$!
	for _ in $(seq 300); do grep -q waiting "$out" && break; kill -0 "$upid" 2>/dev/null || break; sleep 0.1; done
	before=$(grep "^res=" "$out")
	case $before in
	"res="[1-9]*" count=300") ;;
	*) kill "$upid" 2>/dev/null; echo "live controller, opcode 0xff: $(cat "$out") (expected one positive status)"; return 1 ;;
	esac
	echo 1000 >"$f/fail_enables"
	echo 1 >/sys/class/nvme/"$ctrl"/reset_controller 2>/dev/null
	for _ in $(seq 100); do [ "$(state)" = dead ] && break; sleep 0.1; done
	[ "$(state)" = dead ] || { echo "state $(state)"; return 1; }
	# a dead disk has capacity 0: reads end at once, with an error or
	# with nothing read
	[ "$(cat /sys/block/"${dev#/dev/}"/size)" = 0 ] ||
		{ echo "dead disk with capacity $(cat /sys/block/"${dev#/dev/}"/size)"; return 1; }
	t0=$(date +%s)
	if dd if="$dev" of=/dev/null bs=4096 count=1 iflag=direct 2>&1 |
		grep -q "^1+0 records in"; then
		echo "read on a dead controller returned data"
		return 1
	fi
	t=$(($(date +%s) - t0))
	[ "$t" -le 2 ] || { echo "failing took $t s"; return 1; }
	# never reaches the controller: the driver's own failure, an errno
	# other than -EINTR (nothing was cancelled), for every command
	kill -USR1 "$upid"
	wait "$upid" || { echo "uring_status on the dead controller: $(cat "$out")"; return 1; }
	after=$(grep "^res=" "$out" | tail -n +2)
	case $after in
	"res=-4 "*) echo "dead controller: $after (-EINTR: a cancellation the command never had)"; return 1 ;;
	"res=-"[0-9]*" count=40") ;;
	*) echo "dead controller: $after (before: $before; expected one negative errno)"; return 1 ;;
	esac
	rebind || { echo "rebind failed"; return 1; }
	dd if="$dev" of=/dev/null bs=4096 count=16 iflag=direct 2>&1
}
tap_check "${cases[4]}" dead

gone() {
	dd if="$dev" of=/dev/null bs=4096 count=1 skip=200 iflag=direct 2>/dev/null &
	echo 1 >"$f/drop_io_completions"
	echo 1 >"$f/regs_gone"
	dd if="$dev" of=/dev/null bs=4096 count=1 skip=300 iflag=direct 2>/dev/null &
	pid=$!
	t0=$(date +%s)
	wait "$pid"
	rc=$?
	wait
	t=$(($(date +%s) - t0))
	[ "$t" -le 25 ] || { echo "took $t s"; return 1; }
	for _ in $(seq 100); do [ "$(state)" = dead ] && break; sleep 0.1; done
	[ "$(state)" = dead ] || { echo "state $(state), dd exit $rc"; return 1; }
	echo 0 >"$f/regs_gone"
	rebind || { echo "rebind failed"; return 1; }
	dd if="$dev" of=/dev/null bs=4096 count=16 iflag=direct 2>&1
}
tap_check "${cases[5]}" gone

driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
