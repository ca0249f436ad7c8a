#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unbinding a controller while an I/O it will never complete is in flight
# (fault point drop_io_completions): the request times out during the
# removal, the driver disables the controller and fails it, and the
# unbind finishes, as with 6.12's in-kernel driver.  Before, the timeout
# handler re-armed the timer for ever while del_gendisk waited for the
# request: the unbind hung.  io_timeout=3 s.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("unbind with a lost I/O completion finishes"
	"the stuck read fails, no kernel warning"
	"rebind: live, data intact"
	"the same with a fatal controller status (CSTS.CFS) at the timeout"
	"rebind: live again")
tap_plan ${#cases[@]}
fault_setup 3 5 "${cases[@]}"
mark=$(log_mark)
put_data /tmp/u.data 40

# unbind_within: the unbind of $pci finishes within 30 s
unbind_within() {
	within 30 sh -c "echo $pci >/sys/bus/pci/drivers/cnvme/unbind" && return 0
	log_since "$mark" | tail -n 20
	return 1
}

unbind() {
	stuck_read "$ctrl" "$dev" 40 /tmp/u.dd || return 1
	unbind_within
}
tap_check "${cases[0]}" unbind

read_failed() {
	local rc
	rc=$(wait_rc /tmp/u.dd 10) || { echo "the read is still waiting"; return 1; }
	[ "$rc" != 0 ] || { echo "the read succeeded on a removed controller"; return 1; }
	! kernel_oopsed "$mark"
}
tap_check "${cases[1]}" read_failed

tap_check "${cases[2]}" rebind_intact /tmp/u.data 40

# CFS seen at the timeout asks for a reset, which removal refuses: the
# controller must be stopped all the same (before, the timer was re-armed
# for ever)
fatal() {
	local rc
	ctrl=$(ctrl_names | head -n 1)
	stuck_read "$ctrl" "$dev" 40 /tmp/u.cfs || return 1
	echo 100000 >"$FAULTS/$ctrl/csts_cfs"
	unbind_within || return 1
	rc=$(wait_rc /tmp/u.cfs 10) || { echo "the read is still waiting"; return 1; }
	[ "$rc" != 0 ] || { echo "the read succeeded on a removed controller"; return 1; }
	! kernel_oopsed "$mark"
}
tap_check "${cases[3]}" fatal
tap_check "${cases[4]}" rebind_intact /tmp/u.data 40
driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
