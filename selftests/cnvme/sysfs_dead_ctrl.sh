#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sysfs attributes of a controller whose first bring-up failed
# (fault point fail_probe_enables: the enable fails before Identify
# Controller ever ran), as an administrator's "nvme list" or "grep -r"
# reads them: every readable attribute reads without a kernel oops (a
# show function must not rely on the Identify data being there);
# cntrltype and dctype say what the in-kernel driver says before it has
# the Identify data ("reserved", "none"); a rebind brings it back.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("first bring-up fails: the controller is dead"
	"every attribute of the dead controller reads, no oops"
	"cntrltype 'reserved' and dctype 'none' before Identify"
	"rebind: live again, cntrltype 'io'")
tap_plan ${#cases[@]}
why=$(need_faults) || tap_skip_all "$why" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
pci=$(ctrl_pci "$ctrl")

bring_up_fails() {
	echo "$pci" >/sys/bus/pci/drivers/cnvme/unbind || return 1
	echo 1 >"$FAULTS/fail_probe_enables"
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind
	echo 0 >"$FAULTS/fail_probe_enables"
	ctrl=$(ctrl_names | head -n 1)
	[ -n "$ctrl" ] || { echo "no controller after bind"; return 1; }
	wait_state "$ctrl" dead 30 || { echo "state '$(ctrl_state "$ctrl")'"; return 1; }
}
tap_check "${cases[0]}" bring_up_fails

read_all() {
	local mark f bad=0
	mark=$(log_mark)
	for f in /sys/class/nvme/"$ctrl"/*; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		[ "$(stat -c %A "$f" | cut -c2)" = r ] || continue
		timeout 20 cat "$f" >/dev/null 2>&1
		# a show function that oopses kills the reader (139/137)
		case $? in 124 | 137 | 139) echo "reading ${f##*/} failed"; bad=1 ;; esac
	done
	if kernel_oopsed "$mark"; then
		return 1
	fi
	return $bad
}
tap_check "${cases[1]}" read_all

types() {
	local t d
	t=$(cat /sys/class/nvme/"$ctrl"/cntrltype 2>&1)
	d=$(cat /sys/class/nvme/"$ctrl"/dctype 2>&1)
	[ "$t" = reserved ] && [ "$d" = none ] ||
		{ echo "cntrltype '$t', dctype '$d'"; return 1; }
}
tap_check "${cases[2]}" types

rebind() {
	echo "$pci" >/sys/bus/pci/drivers/cnvme/unbind || return 1
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind || return 1
	wait_ctrls_live 30 || return 1
	ctrl=$(ctrl_names | head -n 1)
	[ "$(cat /sys/class/nvme/"$ctrl"/cntrltype)" = io ] ||
		{ echo "cntrltype '$(cat /sys/class/nvme/"$ctrl"/cntrltype)'"; return 1; }
	wait_ns_dev 1 30 >/dev/null
}
tap_check "${cases[3]}" rebind
tap_exit
