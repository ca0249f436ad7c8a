#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module unload/load loops: every controller comes back live under the
# same name (a leaked controller keeps its instance number), and unload
# leaves no controller behind.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

CYCLES=${LOAD_CYCLES:-10}
tap_plan 4

before=$(ctrl_names | tr '\n' ' ')
if [ -n "$before" ]; then
	tap_ok "controllers present before the loop: $before"
else
	tap_fail "controllers present before the loop" "none in /sys/class/nvme"
fi

# unload: the driver's unload, once the module has no user: right after a
# load the namespace scan opens each new disk for its partition table,
# which holds the module for a moment (rmmod: "Module cnvme is in use";
# the in-kernel driver's disks belong to nvme_core, which nvme pins
# anyway).  The scan may open a disk only after the count was read as
# zero, so an unload refused as busy is tried again.  A user that stays
# 10 s is a leak, and the unload fails.
unload() {
	n=0
	while [ "$n" -lt 100 ]; do
		if [ "$(cat "/sys/module/$DRIVER/refcnt" 2>/dev/null || echo 0)" -eq 0 ] &&
		   driver_unload 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	driver_unload
}

gone_fail=""
back_fail=""
name_fail=""
i=0
while [ "$i" -lt "$CYCLES" ]; do
	i=$((i + 1))
	if ! unload; then
		gone_fail="cycle $i: unload failed"
		break
	fi
	left=$(ctrl_names | tr '\n' ' ')
	[ -z "$left" ] || gone_fail="cycle $i: left after unload: $left"
	if ! driver_load; then
		back_fail="cycle $i: load failed"
		break
	fi
	if ! wait_ctrls_live 30; then
		back_fail="cycle $i: controllers not live after load"
		break
	fi
	after=$(ctrl_names | tr '\n' ' ')
	[ "$after" = "$before" ] || name_fail="cycle $i: names '$after', before '$before'"
done

if [ -z "$gone_fail" ]; then
	tap_ok "$CYCLES unloads leave no controller"
else
	tap_fail "$CYCLES unloads leave no controller" "$gone_fail"
fi
if [ -z "$back_fail" ]; then
	tap_ok "$CYCLES loads bring every controller back live"
else
	tap_fail "$CYCLES loads bring every controller back live" "$back_fail"
fi
if [ -z "$name_fail" ] && [ -z "$back_fail" ]; then
	tap_ok "controller names are reused after reload"
else
	tap_fail "controller names are reused after reload" "$name_fail$back_fail"
fi
driver_loaded || driver_load
tap_exit
