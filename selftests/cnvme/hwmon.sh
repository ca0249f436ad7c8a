#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The temperature sensor (hwmon), file topology:
# - an hwmon device named "nvme" under the controller;
# - temp1_input is the composite temperature of the SMART log, temp1_max
#   the Temperature Threshold feature, temp1_crit Identify's CCTEMP;
# - writes: a threshold written reaches the controller (Get Features),
#   one below the temperature raises temp1_alarm, bad input is refused
#   and changes nothing;
# - (cnvme runs) the hwmon files (names, modes, values), the writes and
#   the output of lm-sensors' "sensors" are the same under the in-kernel
#   driver in the same boot;
# - unbinding the driver while a reader loops on temp1_input ends
#   within 60 s and the reader sees an error, not a hang.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

out=/tmp/hwmon
mkdir -p "$out"
cases=("hwmon device named nvme" "temp1_input is the SMART composite temperature"
	"temp1_max and temp1_crit are the controller's thresholds"
	"threshold writes reach the controller, alarm follows"
	"bad threshold input refused, nothing changed"
	"same hwmon files under the in-kernel driver"
	"same writes under the in-kernel driver"
	"same sensors output under the in-kernel driver"
	"unbind while a reader loops on temp1_input")
tap_plan ${#cases[@]}
need_data_topology || tap_skip_all "one controller with one namespace (TOPO=file)" "${cases[@]}"
wait_ctrls_live 30

hwmon_dir() {
	local d
	for d in /sys/class/nvme/nvme0/hwmon*; do
		[ -d "$d" ] && echo "$d" && return 0
	done
	return 1
}

# millidegrees Celsius of a temperature in kelvin, as the kernel rounds
mc() { echo $(($1 * 1000 - 273150)); }

named_nvme() {
	local d
	d=$(hwmon_dir) || { echo "no hwmon directory under nvme0"; return 1; }
	[ "$(cat "$d/name")" = nvme ] || { echo "name: $(cat "$d/name")"; return 1; }
	[ "$(readlink -f "$d/device")" = "$(readlink -f /sys/class/nvme/nvme0)" ] ||
		{ echo "device: $(readlink -f "$d/device")"; return 1; }
}
tap_check "${cases[0]}" named_nvme
d=$(hwmon_dir) || tap_skip_all "no hwmon device" "${cases[@]:1}"

input_is_smart() {
	local k got
	k=$(nvme smart-log /dev/nvme0 -o json | sed -n 's/^ *"temperature" *: *\([0-9]*\).*/\1/p')
	got=$(cat "$d/temp1_input")
	echo "smart-log: $k K, temp1_input: $got"
	[ -n "$k" ] && [ "$got" = "$(mc "$k")" ]
}
tap_check "${cases[1]}" input_is_smart

# the current Temperature Threshold (over, composite) in kelvin
thresh_k() {
	nvme get-feature /dev/nvme0 -f 4 ${1:+--cdw11=$1} |
		sed -n 's/.*Current value: *\(0x[0-9a-f]*\).*/\1/p' |
		{ read -r v; echo $((v & 0xffff)); }
}
thresholds() {
	local cc
	cc=$(nvme id-ctrl /dev/nvme0 | awk '$1 == "cctemp" { print $3 }')
	echo "feature: $(thresh_k) K, temp1_max: $(cat "$d/temp1_max")," \
		"cctemp: $cc K, temp1_crit: $(cat "$d/temp1_crit")"
	[ "$(cat "$d/temp1_max")" = "$(mc "$(thresh_k)")" ] &&
		[ "$(cat "$d/temp1_crit")" = "$(mc "$cc")" ]
}
tap_check "${cases[2]}" thresholds

max0=$(cat "$d/temp1_max")
min0=$(cat "$d/temp1_min")
writes_reach() {
	local t
	t=$(cat "$d/temp1_input")
	echo 60000 >"$d/temp1_max" || return 1
	[ "$(thresh_k)" = 333 ] || { echo "feature after 60000: $(thresh_k) K"; return 1; }
	[ "$(cat "$d/temp1_max")" = 59850 ] || { echo "temp1_max: $(cat "$d/temp1_max")"; return 1; }
	[ "$(cat "$d/temp1_alarm")" = 0 ] || { echo "alarm with max above $t"; return 1; }
	echo $((t - 10000)) >"$d/temp1_max" || return 1
	[ "$(cat "$d/temp1_alarm")" = 1 ] || { echo "no alarm with max below $t"; return 1; }
	echo "$max0" >"$d/temp1_max" || return 1
	[ "$(cat "$d/temp1_alarm")" = 0 ] || { echo "alarm after the max was put back"; return 1; }
	# the under-temperature threshold: THSEL 1 in Get Features
	echo 10000 >"$d/temp1_min" || return 1
	[ "$(thresh_k 0x100000)" = 283 ] || { echo "under threshold: $(thresh_k 0x100000) K"; return 1; }
	echo "$min0" >"$d/temp1_min"
}
tap_check "${cases[3]}" writes_reach
echo "$max0" >"$d/temp1_max" 2>/dev/null
echo "$min0" >"$d/temp1_min" 2>/dev/null

bad_input() {
	local v rc
	for v in abc "" 1e3 0x; do
		echo "$v" 2>/dev/null >"$d/temp1_max"
		rc=$?
		[ $rc -ne 0 ] || { echo "'$v' accepted"; return 1; }
	done
	echo 1 2>/dev/null >"$d/temp1_input" && { echo "temp1_input writable"; return 1; }
	[ "$(cat "$d/temp1_max")" = "$max0" ] || { echo "temp1_max now $(cat "$d/temp1_max")"; return 1; }
}
tap_check "${cases[4]}" bad_input

# what a driver shows: the files, then a write sequence's status and
# what it leaves (clamped extremes included), then sensors' output
hwmon_writes() {
	local f v
	for f in temp1_max temp1_min; do
		for v in 60000 -300000 70000000 30000 abc 0; do
			echo "$v" 2>/dev/null >"$d/$f"
			echo "$f <- '$v': rc=$? now $(cat "$d/$f" 2>&1) alarm $(cat "$d/temp1_alarm" 2>&1)"
		done
	done
	echo "$max0" >"$d/temp1_max"
	echo "$min0" >"$d/temp1_min"
}
run_all() {
	d=$(hwmon_dir) || return 1
	sysfs_dump "$d" | sed -E '/^(device|subsystem) link$/d' >"$out/files.$1"
	hwmon_writes >"$out/writes.$1" 2>&1
	sensors >"$out/sensors.$1" 2>&1
}
if diff_drivers run_all; then
	for w in files writes sensors; do
		i=5
		[ $w = writes ] && i=6
		[ $w = sensors ] && i=7
		if [ $w = sensors ] && ! grep -q '^Composite:' "$out/sensors.cnvme"; then
			tap_fail "${cases[$i]}: sensors shows no Composite temperature" \
				"$(head -n 10 "$out/sensors.cnvme")"
		elif diff "$out/$w.nvme" "$out/$w.cnvme" >"$out/$w.diff"; then
			tap_ok "${cases[$i]} ($(wc -l <"$out/$w.cnvme") lines)"
		else
			tap_fail "${cases[$i]} (- in-kernel, + cnvme)" "$(head -n 30 "$out/$w.diff")"
		fi
	done
	d=$(hwmon_dir)
else
	for i in 5 6 7; do tap_skip "${cases[$i]}" "$DIFF_SKIP"; done
fi

unbind_reader() {
	local pci drv reader rc
	pci=$(ctrl_pci nvme0)
	drv=$(pci_driver_name)
	(while cat "$d/temp1_input" >/dev/null 2>&1; do :; done; echo stopped >"$out/reader") &
	reader=$!
	sleep 1
	timeout 60 sh -c "echo $pci >/sys/bus/pci/drivers/$drv/unbind"
	rc=$?
	sleep 1
	if kill -0 "$reader" 2>/dev/null; then
		kill "$reader"
		echo "the reader still reads after the unbind"
		rc=1
	fi
	echo "$pci" >"/sys/bus/pci/drivers/$drv/bind"
	wait_ctrls_live 30 >/dev/null || { echo "controller not back after bind"; return 1; }
	[ "$rc" -eq 0 ] || { echo "unbind: rc $rc"; return 1; }
	hwmon_dir >/dev/null || { echo "no hwmon after the rebind"; return 1; }
}
tap_check "${cases[8]}" unbind_reader
tap_exit
