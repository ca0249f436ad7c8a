#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the root-disk image (scripts/rootdisk-test.sh), started by
# cnvme-rootdisk.service once systemd is up.  The kernel command line
# says what this boot is for:
#   cnvme_rootdisk=STEP  the name of this boot (its token file)
#   cnvme_expect=DRIVER  cnvme or nvme: the driver that must hold the root
#   cnvme_check=T1,T2    tokens written by earlier boots, checked here
# Every result goes to the console as "ROOTDISK: ok|not ok ...", then
# "ROOTDISK: done N" (N results) and the machine powers off.
state_dir=/var/lib/cnvme-rootdisk

say() { echo "ROOTDISK: $*" >/dev/console; }
checks=0
check() {	# description command...
	d=$1
	shift
	checks=$((checks + 1))
	if "$@" >/tmp/rootdisk.out 2>&1; then
		say "ok $d"
	else
		say "not ok $d"
		sed 's/^/ROOTDISK: # /' /tmp/rootdisk.out | tail -n 20 >/dev/console
	fi
}

step= expect= tokens=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	cnvme_rootdisk=*) step=${arg#*=} ;;
	cnvme_expect=*) expect=${arg#*=} ;;
	cnvme_check=*) tokens=$(echo "${arg#*=}" | tr ',' ' ') ;;
	esac
done
other=nvme
[ "$expect" = nvme ] && other=cnvme

state=$(systemctl is-system-running --wait)
booted() {
	[ "$state" = running ] && return 0
	echo "system state: $state"
	systemctl --failed --no-legend
	return 1
}
check "systemd reached a running system ($(uname -r))" booted
check "a login prompt on ttyS0" systemctl is-active serial-getty@ttyS0.service
root_disk() {
	src=$(findmnt -no SOURCE /)
	echo "root: $src"
	case "$src" in /dev/nvme*n1) ;; *) return 1 ;; esac
	findmnt -no OPTIONS / | grep -q '^rw'
}
check "the root file system is an NVMe namespace, read-write" root_disk
driver_holds() {
	for dev in /sys/bus/pci/drivers/"$expect"/0000:*; do
		[ -e "$dev" ] && return 0
	done
	echo "no PCI device bound to $expect"
	ls -l /sys/bus/pci/drivers/*/0000:* 2>/dev/null
	return 1
}
check "$expect drives the controller" driver_holds
not_loaded() {
	[ ! -e "/sys/module/$other" ] && return 0
	echo "module $other is loaded"
	return 1
}
check "$other is not loaded" not_loaded
for t in $tokens; do
	check "token $t written by an earlier boot reads back" \
		sh -c "cd $state_dir && sha256sum -c $t.sha256"
done
write_token() {
	mkdir -p "$state_dir" &&
	head -c 4194304 /dev/urandom >"$state_dir/$step" &&
	(cd "$state_dir" && sha256sum "$step" >"$step.sha256") &&
	sync
}
check "token $step written" write_token
# the host counts what it read against this
say "done $checks"
systemctl poweroff
