#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The controller disappears (fault point regs_gone: registers read all
# ones, the removal takes the PCI function for gone) while a reset is in
# its enable (enable_delay_ms=3000, the reset work holding the controller
# lock), then the driver is unbound.  The removal must stop the
# controller under the controller lock, not beside the reset work, and
# still finish quickly: the reset's commands fail at once.  cnvme_dev_disable
# warns when it runs without the lock.  Before, the removal killed the
# controller without the lock, concurrently with the reset work.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("surprise removal during a reset: the unbind finishes within 20 s"
	"no kernel warning (the disable ran under the controller lock)"
	"rebind: live, data intact")
tap_plan ${#cases[@]}
fault_setup 3 5 "${cases[@]}"
f=$FAULTS/$ctrl
mark=$(log_mark)
put_data /tmp/s.data 48

gone() {
	echo 3000 >"$f/enable_delay_ms"
	(echo 1 >/sys/class/nvme/"$ctrl"/reset_controller) >/dev/null 2>&1 </dev/null &
	wait_state "$ctrl" connecting 10 || { echo "no reset"; return 1; }
	echo 1 >"$f/regs_gone"
	within 20 sh -c "echo $pci >/sys/bus/pci/drivers/cnvme/unbind" && return 0
	log_since "$mark" | tail -n 20
	return 1
}
tap_check "${cases[0]}" gone
tap_check "${cases[1]}" eval '! kernel_oopsed "$mark"'

tap_check "${cases[2]}" rebind_intact /tmp/s.data 48
driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
