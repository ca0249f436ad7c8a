#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Probe/remove through sysfs unbind/bind of every NVMe function.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

CYCLES=${BIND_CYCLES:-10}
drv=/sys/bus/pci/drivers/$(pci_driver_name)
devs=$(nvme_pci_devices)
tap_plan 4

ctrl_of() {
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/device" ] || continue
		[ "$(basename "$(readlink -f "$c/device")")" = "$1" ] && basename "$c"
	done
	return 0
}

before=$(ctrl_names | tr '\n' ' ')
unbind_fail=""
bind_fail=""
i=0
while [ "$i" -lt "$CYCLES" ] && [ -z "$unbind_fail$bind_fail" ]; do
	i=$((i + 1))
	for bdf in $devs; do
		if ! echo "$bdf" >"$drv/unbind"; then
			unbind_fail="cycle $i: unbind $bdf failed"
			break
		fi
		c=$(ctrl_of "$bdf")
		[ -z "$c" ] || unbind_fail="cycle $i: $c still present after unbind of $bdf"
		[ -e "/sys/bus/pci/devices/$bdf/driver" ] &&
			unbind_fail="cycle $i: $bdf still has a driver"
		if ! echo "$bdf" >"$drv/bind"; then
			bind_fail="cycle $i: bind $bdf failed"
			break
		fi
	done
	wait_ctrls_live 30 || bind_fail="cycle $i: controllers not live after bind"
done

if [ -z "$unbind_fail" ]; then
	tap_ok "$CYCLES unbinds remove the controller"
else
	tap_fail "$CYCLES unbinds remove the controller" "$unbind_fail"
fi
if [ -z "$bind_fail" ]; then
	tap_ok "$CYCLES binds bring the controller back live"
else
	tap_fail "$CYCLES binds bring the controller back live" "$bind_fail"
fi
# a controller leaked by remove keeps its instance: the name would change
after=$(ctrl_names | tr '\n' ' ')
if [ "$after" = "$before" ]; then
	tap_ok "controller names unchanged after rebinding ($after)"
else
	tap_fail "controller names unchanged after rebinding" "before '$before', after '$after'"
fi
n=0
for bdf in $devs; do
	[ -n "$(ctrl_of "$bdf")" ] && n=$((n + 1))
done
if [ "$n" -eq "$(nvme_pci_count)" ]; then
	tap_ok "every NVMe function has a controller at the end"
else
	tap_fail "every NVMe function has a controller at the end" "$n of $(nvme_pci_count)"
fi
tap_exit
