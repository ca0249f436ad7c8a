#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The block layer's own fault injection (issue 12), on a kernel that has
# it (CONFIG_FAIL_IO_TIMEOUT, CONFIG_FAIL_MAKE_REQUEST: the debug kernel)
# and a namespace that stores data (TOPO=file):
# - fail_io_timeout with /sys/block/<disk>/io-timeout-fail: a completion
#   the driver gets is dropped, as if the controller had lost it; the
#   request times out (queue/io_timeout 3 s here), goes through the
#   recovery ladder and still returns its data;
# - the same under fio verify: no error reaches fio, nothing hangs;
# - fail_make_request with /sys/block/<disk>/make-it-fail: writes fail
#   with EIO before they reach the driver; the writes acknowledged read
#   back as written and the controller stays live.
# The in-kernel driver passes the same cases (the reference).
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

# The in-kernel driver (the reference) freezes the queues in its timeout
# handler (nvme_start_freeze) and leaves the freeze's lockdep maps held
# when the timeout work ends: on the debug kernel, lockdep's "workqueue
# leaked lock".  Its report, not cnvme's (cnvme runs the same steps with
# none): allowed for DRIVER=nvme, counted in the TAP (guest-init.sh's
# LOG_ALLOW).
if [ "${DRIVER:-}" = nvme ]; then
	echo 'at: nvme_start_freeze\+.*\[nvme_core\]' >"${LOG_ALLOW:-/dev/null}"
fi

cases=("a completion dropped by fail_io_timeout: the read times out, recovers and returns its data"
	"fio verify with completions dropped by fail_io_timeout: no error, no hang"
	"writes failed by fail_make_request: EIO; every acknowledged write reads back")
tap_plan ${#cases[@]}
DBG=/sys/kernel/debug
grep -q " $DBG debugfs" /proc/mounts || mount -t debugfs none $DBG
need_data_topology ||
	tap_skip_all "needs a namespace that stores data (TOPO=file)" "${cases[@]}"
[ -d $DBG/fail_io_timeout ] && [ -d $DBG/fail_make_request ] ||
	tap_skip_all "this kernel has no fail_io_timeout/fail_make_request (the debug kernel has: scripts/debug-kernel.sh)" "${cases[@]}"
wait_ctrls_live 60 || tap_skip_all "controllers not live" "${cases[@]}"
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
disk=$(basename "$dev")
[ -e /sys/block/"$disk"/io-timeout-fail ] ||
	tap_skip_all "$disk has no io-timeout-fail" "${cases[@]}"

old_timeout=$(cat /sys/block/"$disk"/queue/io_timeout)
echo 3000 >/sys/block/"$disk"/queue/io_timeout
# FAIL: fail_io_timeout or fail_make_request; the disk's switch for it
arm() { # arm FAIL PROBABILITY TIMES
	echo 0 >$DBG/"$1"/verbose
	echo 1 >$DBG/"$1"/interval
	echo "$3" >$DBG/"$1"/times
	echo "$2" >$DBG/"$1"/probability
	case $1 in
	fail_io_timeout) echo 1 >/sys/block/"$disk"/io-timeout-fail ;;
	*) echo 1 >/sys/block/"$disk"/make-it-fail ;;
	esac
}
disarm() {
	for f in fail_io_timeout fail_make_request; do
		echo 0 >$DBG/$f/probability
	done
	echo 0 >/sys/block/"$disk"/io-timeout-fail
	echo 0 >/sys/block/"$disk"/make-it-fail
}
cleanup() {
	disarm
	echo "$old_timeout" >/sys/block/"$disk"/queue/io_timeout
}
trap cleanup EXIT

one_read() {
	local mark t0 t
	dd if=/dev/urandom of=/tmp/t.data bs=4096 count=1 2>/dev/null
	dd if=/tmp/t.data of="$dev" bs=4096 seek=100 oflag=direct conv=notrunc 2>&1 ||
		return 1
	mark=$(log_mark)
	arm fail_io_timeout 100 1
	t0=$(date +%s)
	within 120 dd if="$dev" of=/tmp/t.back bs=4096 skip=100 count=1 iflag=direct
	rc=$?
	t=$(($(date +%s) - t0))
	left=$(cat $DBG/fail_io_timeout/times)
	disarm
	[ "$rc" = 0 ] || { echo "the read failed"; return 1; }
	cmp /tmp/t.data /tmp/t.back || return 1
	[ "$left" = 0 ] || { echo "no completion was dropped (times still $left)"; return 1; }
	# the dropped completion timed out: at least the 3 s timeout passed
	[ "$t" -ge 3 ] || { echo "the read took $t s: it did not time out"; return 1; }
	log_since "$mark" | grep -qi "timeout\|timed out" ||
		{ echo "no timeout in the log:"; log_since "$mark"; return 1; }
	wait_ctrls_live 60 || { echo "controller not live again"; return 1; }
}
tap_check "${cases[0]}" one_read

fio_timeouts() {
	local left
	arm fail_io_timeout 2 2
	within 600 fio --name=timeouts --filename="$dev" --rw=randwrite --bs=4k \
		--size=2M --offset=8M --direct=1 --ioengine=libaio --iodepth=8 \
		--verify=crc32c --do_verify=1 --output-format=terse >/tmp/t.fio 2>&1
	rc=$?
	left=$(cat $DBG/fail_io_timeout/times)
	disarm
	[ "$rc" = 0 ] || { echo "fio failed:"; cat /tmp/t.fio; return 1; }
	[ "$left" != 2 ] || { echo "no completion was dropped"; return 1; }
	wait_ctrls_live 60 || { echo "controller not live again"; return 1; }
}
tap_check "${cases[1]}" fio_timeouts

make_request() {
	local i ok=0 failed=0
	dd if=/dev/urandom of=/tmp/m.data bs=4096 count=32 2>/dev/null
	# zeros first, then each block written alone with 30 % of bios failed
	dd if=/dev/zero of="$dev" bs=4096 seek=2048 count=32 oflag=direct 2>/dev/null ||
		return 1
	: >/tmp/m.ok
	arm fail_make_request 30 -1
	for i in $(seq 0 31); do
		if dd if=/tmp/m.data of="$dev" bs=4096 skip="$i" seek=$((2048 + i)) \
			count=1 oflag=direct conv=notrunc 2>/tmp/m.err; then
			echo "$i" >>/tmp/m.ok
			ok=$((ok + 1))
		else
			grep -qiE "I/O error|Input/output error" /tmp/m.err ||
				{ echo "block $i: not EIO:"; cat /tmp/m.err; disarm; return 1; }
			failed=$((failed + 1))
		fi
	done
	disarm
	[ "$failed" -gt 0 ] && [ "$ok" -gt 0 ] ||
		{ echo "$ok writes succeeded, $failed failed: the fault was not injected"; return 1; }
	while read -r i; do
		dd if=/tmp/m.data of=/tmp/m.want bs=4096 skip="$i" count=1 2>/dev/null
		dd if="$dev" of=/tmp/m.got bs=4096 skip=$((2048 + i)) count=1 \
			iflag=direct 2>/dev/null
		cmp -s /tmp/m.want /tmp/m.got ||
			{ echo "block $i was acknowledged but reads back otherwise"; return 1; }
	done </tmp/m.ok
	echo "$ok acknowledged, $failed failed with EIO"
	[ "$(ctrl_state "$(ctrl_names | head -n 1)")" = live ]
}
tap_check "${cases[2]}" make_request
tap_exit
