#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multipath (TOPO=shared, cnvme's fault-injection build): a read the host
# cancels because its controller is being reset is a path error, and
# goes to the other path at once, as with the in-kernel driver, instead
# of waiting on the resetting controller.  The read is stuck on
# controller A (drop_io_completions), A's reset is made slow
# (enable_delay_ms=8000), and the read must end well before A is back.
# Before, cnvme retried it on A: it ended only after A's enable.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("a read cancelled by its controller's reset fails over at once"
	"the read returns the data; the reset controller comes back")
tap_plan ${#cases[@]}
mpath_setup "${cases[@]}"
echo round-robin >"$s/iopolicy"

dd if=/dev/urandom of=/tmp/mf.data bs=4096 count=64 2>/dev/null
dd if=/tmp/mf.data of="$head" bs=4096 oflag=direct conv=notrunc 2>/dev/null

failover() {
	local i t0 t
	echo 8000 >"$FAULTS/$a/enable_delay_ms"
	echo 1 >"$FAULTS/$a/drop_io_completions"
	# reads, one at a time, until one is stuck on A
	for i in $(seq 0 63); do
		rm -f /tmp/mf.rc
		(dd if="$head" of=/tmp/mf.back bs=4096 skip="$i" count=1 \
			iflag=direct 2>/dev/null; echo $? >/tmp/mf.rc) \
			>/dev/null 2>&1 </dev/null &
		sleep 0.3
		[ "$(cat "$FAULTS/$a/drop_io_completions")" = 0 ] && break
		wait
	done
	[ "$(cat "$FAULTS/$a/drop_io_completions")" = 0 ] ||
		{ echo "no read went to $a"; return 1; }
	[ ! -s /tmp/mf.rc ] || { echo "the read on $a was not stuck"; return 1; }
	echo "$i" >/tmp/mf.block
	t0=$(now_ms)
	echo 1 >/sys/class/nvme/"$a"/reset_controller 2>/dev/null &
	for _ in $(seq 150); do
		[ -s /tmp/mf.rc ] && break
		sleep 0.1
	done
	t=$(($(now_ms) - t0))
	echo 0 >"$FAULTS/$a/enable_delay_ms"
	[ -s /tmp/mf.rc ] || { echo "the read did not end in 15 s"; return 1; }
	echo "the read ended ${t} ms after the reset began"
	[ "$t" -lt 4000 ] || { echo "it waited for the controller's reset"; return 1; }
}
tap_check "${cases[0]}" failover

back() {
	local i
	[ "$(cat /tmp/mf.rc)" = 0 ] || { echo "dd exit $(cat /tmp/mf.rc)"; return 1; }
	i=$(cat /tmp/mf.block)
	dd if=/tmp/mf.data of=/tmp/mf.want bs=4096 skip="$i" count=1 2>/dev/null
	cmp /tmp/mf.want /tmp/mf.back || return 1
	wait_ctrls_live 30 || { echo "$a: $(ctrl_state "$a")"; return 1; }
}
tap_check "${cases[1]}" back
echo numa >"$s/iopolicy"
tap_exit
