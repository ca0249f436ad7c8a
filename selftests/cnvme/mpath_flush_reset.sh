#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multipath (TOPO=shared, cnvme's fault-injection build): a cache flush
# on the multipath disk (fsync) whose controller is reset before it
# completes.  The block layer sends the flush as a request of its own,
# with no bio; moving it to another path moves nothing, so it must not be
# reported done: it waits for its controller (or fails).  Here the
# flush's completion is lost (drop_io_completions) and its controller's
# reset takes 8 s (enable_delay_ms): the fsync may return only after
# that.  Before, the host-cancelled flush "failed over" at once and the
# fsync returned success although no controller had flushed anything.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("a flush cancelled by its controller's reset is not reported done before it ran"
	"the fsync succeeds once the controller is back, no kernel warning")
tap_plan ${#cases[@]}
mpath_setup "${cases[@]}"
wc=$(cat /sys/block/"${head#/dev/}"/queue/write_cache)
[ "$wc" = "write back" ] ||
	tap_skip_all "the multipath disk has no volatile cache ($wc): no flush is sent" "${cases[@]}"
mark=$(log_mark)

flush() {
	local c x= t0 t
	for c in $(ctrl_names); do echo 1 >"$FAULTS/$c/drop_io_completions"; done
	rm -f /tmp/mfl.rc
	(dd if=/dev/null of="$head" count=0 conv=fsync 2>/tmp/mfl.err
		echo $? >/tmp/mfl.rc) >/dev/null 2>&1 </dev/null &
	for _ in $(seq 50); do
		for c in $(ctrl_names); do
			[ "$(cat "$FAULTS/$c/drop_io_completions")" = 0 ] && x=$c
		done
		[ -n "$x" ] && break
		sleep 0.1
	done
	for c in $(ctrl_names); do echo 0 >"$FAULTS/$c/drop_io_completions"; done
	[ -n "$x" ] || { echo "no completion was dropped: no flush reached a controller"; return 1; }
	[ ! -s /tmp/mfl.rc ] || { echo "the fsync was not stuck"; return 1; }
	echo 8000 >"$FAULTS/$x/enable_delay_ms"
	t0=$(now_ms)
	(echo 1 >/sys/class/nvme/"$x"/reset_controller) >/dev/null 2>&1 </dev/null &
	for _ in $(seq 150); do
		[ -s /tmp/mfl.rc ] && break
		sleep 0.1
	done
	t=$(($(now_ms) - t0))
	echo 0 >"$FAULTS/$x/enable_delay_ms"
	echo "the fsync ended ${t} ms after $x's reset began"
	echo "$t" >/tmp/mfl.t
	[ -s /tmp/mfl.rc ] || { echo "the fsync did not end in 15 s"; return 1; }
	[ "$t" -ge 6000 ]
}
tap_check "${cases[0]}" flush

done_ok() {
	[ "$(cat /tmp/mfl.rc 2>/dev/null)" = 0 ] ||
		{ echo "fsync status $(cat /tmp/mfl.rc 2>/dev/null)"; cat /tmp/mfl.err; return 1; }
	wait_ctrls_live 30 || return 1
	! kernel_oopsed "$mark"
}
tap_check "${cases[1]}" done_ok
tap_exit
