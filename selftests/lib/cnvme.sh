# SPDX-License-Identifier: GPL-2.0
# Shell helpers for the cnvme selftests: TAP output and the driver under
# test (cnvme, or the in-kernel nvme driver as the reference).
#
# The VM runner exports DRIVER (cnvme|nvme), TOPO, KVER, EXPECT_SERIALS,
# EXPECT_MODEL and MODPARAMS.  Tests print TAP 13 and exit 0 when every
# test case passed (skips included), 1 otherwise, 4 when all were skipped.

DRIVER=${DRIVER:-cnvme}
CNVME_KO=${CNVME_KO:-/cnvme/cnvme.ko}
NVME_MODULES_LIST=${NVME_MODULES_LIST:-/etc/nvme-modules}

_tap_n=0
_tap_failed=0
_tap_skipped=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1"
}

tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $1"
	shift
	for line in "$@"; do echo "# $line"; done
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skipped=$((_tap_skipped + 1))
	echo "ok $_tap_n $1 # SKIP $2"
}

# tap_todo NAME LINES...: a case not followed yet, reported as
# "not ok ... # TODO" (counted as skipped), with its lines
tap_todo() {
	_tap_n=$((_tap_n + 1))
	_tap_skipped=$((_tap_skipped + 1))
	echo "not ok $_tap_n $1 # TODO not followed yet"
	shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}

# kernel_at_least MAJOR MINOR: the running kernel is that one or later
kernel_at_least() {
	local a b
	read -r a b _ < <(uname -r | tr '.-' '  ')
	[ "$((a * 100 + b))" -ge "$(($1 * 100 + $2))" ]
}

# Known differences from the in-kernel driver (lines matching REGEX; ""
# for none): strip_known REGEX filters them out of a comparison,
# known_changes REGEX FILE-NVME FILE-CNVME lists them (- in-kernel,
# + cnvme; busybox diff is unified only).
strip_known() {
	if [ -n "$1" ]; then grep -Ev "$1"; else cat; fi
}

known_changes() {
	[ -n "$1" ] || return 0
	diff <(grep -E "$1" "$2") <(grep -E "$1" "$3") |
		grep -E '^[-+]' | grep -Ev '^(---|[+]{3}) '
}

# tap_known DIFFS: the case of the known differences, DIFFS lines of
# "what: changes" (known_changes): a TODO with them, or none left
tap_known() {
	if [ -n "$1" ]; then
		tap_todo "known differences on $(uname -r) (- in-kernel, + cnvme)" \
			"${1%$'\n'}"
	else
		tap_ok "known differences on $(uname -r): none left"
	fi
}

# tap_check NAME COMMAND...: one test case from a command's exit status.
tap_check() {
	name=$1
	shift
	# not "out": tests keep their own variables by that name
	if _tap_out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		tap_fail "$name" "command: $*" "$_tap_out"
	fi
}

tap_exit() {
	if [ "$_tap_failed" -ne 0 ]; then
		echo "# $_tap_failed of $_tap_n failed"
		exit 1
	fi
	if [ "$_tap_n" -gt 0 ] && [ "$_tap_skipped" -eq "$_tap_n" ]; then
		exit 4
	fi
	exit 0
}

log() { echo "# $*"; }

# PCI addresses of every NVMe function (class 0x010802).
nvme_pci_devices() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x010802 ] && basename "$d"
	done
	return 0
}

nvme_pci_count() {
	nvme_pci_devices | wc -l
}

# The PCI driver name that binds NVMe functions.
pci_driver_name() {
	case $DRIVER in
	cnvme) echo cnvme ;;
	*) echo nvme ;;
	esac
}

# Module names, in unload order.
_nvme_module_names() {
	tac "$NVME_MODULES_LIST" | while read -r ko; do
		m=$(basename "$ko" .ko)
		echo "$m" | tr - _
	done
}

driver_loaded() {
	case $DRIVER in
	cnvme) [ -d /sys/module/cnvme ] ;;
	*) [ -d /sys/module/nvme ] ;;
	esac
}

# Load the in-kernel modules a module depends on (on 6.1, cnvme needs
# t10-pi); the guest's /lib/modules has them with their modules.dep.
insmod_deps() {
	for dep in $(modinfo -F depends "$1" 2>/dev/null | tr , ' '); do
		modprobe "$dep" || return 1
	done
}

driver_load() {
	case $DRIVER in
	cnvme)
		insmod_deps "$CNVME_KO" || return 1
		# shellcheck disable=SC2086
		insmod "$CNVME_KO" ${MODPARAMS:-} "$@"
		;;
	*)
		# extra parameters go to the PCI driver module, nvme.ko
		while read -r ko; do
			m=$(basename "$ko" .ko | tr - _)
			[ -d "/sys/module/$m" ] && continue
			if [ "$m" = nvme ]; then
				insmod "$ko" "$@" || return 1
			else
				insmod "$ko" || return 1
			fi
		done <"$NVME_MODULES_LIST"
		;;
	esac
}

driver_unload() {
	case $DRIVER in
	cnvme) rmmod cnvme ;;
	*)
		# nvme, nvme_core and what only they pulled in
		for m in $(_nvme_module_names); do
			case $m in
			nvme | nvme_core | nvme_auth | nvme_keyring) ;;
			*) continue ;;
			esac
			[ -d "/sys/module/$m" ] || continue
			rmmod "$m" || return 1
		done
		;;
	esac
}

# Wait until every NVMe function has a live controller (6.12 probes
# asynchronously).  $1: seconds, default 30.
wait_ctrls_live() {
	want=$(nvme_pci_count)
	tries=$((${1:-30} * 10))
	while [ "$tries" -gt 0 ]; do
		live=0
		for c in /sys/class/nvme/nvme*; do
			[ -e "$c/state" ] || continue
			[ "$(cat "$c/state")" = live ] && live=$((live + 1))
		done
		[ "$live" -ge "$want" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# Names of the controller devices, sorted.
ctrl_names() {
	ls /sys/class/nvme 2>/dev/null | sort
}

# Kernel log lines since mark (a line count taken with log_mark).
log_mark() {
	dmesg | wc -l
}

# Less the clocksource watchdog's "Watchdog hpet read timed out" (7.2's
# watchdog times its own reads; under TCG a read can take milliseconds):
# the clock's noise, never a driver's, and it would match "timed out".
log_since() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -v 'clocksource: Watchdog [^ ]* read timed out' || true
}

# The namespace disks in /sys/block, nvme<S>n<H> only: the in-kernel
# driver's hidden per-path disks (nvme<S>c<C>n<H>) are not namespaces.
ns_disks() {
	for d in /sys/block/nvme*; do
		case ${d##*/} in
		*c*) ;;
		nvme*n*) echo "$d" ;;
		esac
	done
	return 0
}

# The block device of namespace NSID on the first controller found.
ns_dev() {
	for d in $(ns_disks); do
		[ -e "$d/nsid" ] || continue
		if [ "$(cat "$d/nsid")" = "$1" ]; then
			echo "/dev/$(basename "$d")"
			return 0
		fi
	done
	return 1
}

# Wait until the block device of namespace NSID exists.  $2: seconds.
wait_ns_dev() {
	tries=$((${2:-30} * 10))
	while [ "$tries" -gt 0 ]; do
		dev=$(ns_dev "$1") && [ -b "$dev" ] && { echo "$dev"; return 0; }
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# Reload the driver under test with extra module parameters.
driver_reload() {
	driver_unload || return 1
	driver_load "$@" || return 1
	wait_ctrls_live 30
}

# A test that needs a namespace storing data (the file topology).
need_data_topology() {
	[ "$TOPO" = file ]
}

# The skeleton of a differential test: "RUN cnvme" under cnvme, then the
# in-kernel driver loaded in its place for "RUN nvme", then cnvme back.
# RUN stores its outputs itself; it returns non-zero when it found
# nothing to run on.  Returns 1 with the reason in DIFF_SKIP when the
# comparison cannot be made in this run.
diff_drivers() {
	DIFF_SKIP=
	if [ "$DRIVER" != cnvme ]; then
		DIFF_SKIP="compares cnvme with the reference: runs in cnvme runs"
	elif grep -q "module_blacklist=[^ ]*nvme" /proc/cmdline; then
		DIFF_SKIP="the in-kernel driver cannot load in this boot (module_blacklist)"
	elif ! "$1" cnvme; then
		DIFF_SKIP="nothing to compare on cnvme"
	elif ! driver_unload; then
		DIFF_SKIP="cnvme does not unload"
	elif ! DRIVER=nvme driver_load; then
		driver_load
		DIFF_SKIP="the in-kernel driver does not load"
	fi
	[ -z "$DIFF_SKIP" ] || return 1
	DRIVER=nvme wait_ctrls_live 30
	DRIVER=nvme "$1" nvme
	DRIVER=nvme driver_unload
	driver_load && wait_ctrls_live 30
	return 0
}

# One line per entry of a sysfs directory: name, kind, mode and value
# (the first 300 bytes, newlines as |), for differential tests.
sysfs_dump() {
	local f v
	for f in "$1"/*; do
		[ -e "$f" ] || continue
		if [ -L "$f" ]; then
			echo "${f##*/} link"
		elif [ -d "$f" ]; then
			echo "${f##*/} dir"
		elif [ -r "$f" ] && [ "$(stat -c %A "$f" | cut -c2)" = r ]; then
			v=$(tr '\n' '|' <"$f" 2>&1 | head -c 300)
			echo "${f##*/} $(stat -c %a "$f") = $v"
		else
			echo "${f##*/} $(stat -c %a "$f") (write-only)"
		fi
	done
}

# tap_skip_all REASON CASE...: the plan's cases all skipped for REASON,
# then exit.
tap_skip_all() {
	local why=$1 c
	shift
	for c in "$@"; do tap_skip "$c" "$why"; done
	tap_exit
}

# cnvme's fault points (src/fault.c), in a FAULT_INJECT=1 build
FAULTS=/sys/kernel/debug/cnvme

# need_faults: cnvme's fault points are there (the FAULT_INJECT=1 build,
# VARIANT=faults) on a namespace that stores data; else prints why not
# and fails.  (Called as why=$(need_faults): sets nothing.)
need_faults() {
	if [ "$DRIVER" != cnvme ]; then
		echo "fault points exist only in cnvme"
		return 1
	fi
	if ! need_data_topology; then
		echo "needs a namespace that stores data (TOPO=file)"
		return 1
	fi
	grep -q " /sys/kernel/debug debugfs" /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	if [ ! -d "$FAULTS" ]; then
		echo "this cnvme has no fault points (build with FAULT_INJECT=1, run with VARIANT=faults)"
		return 1
	fi
}

# The PCI address of controller CTRL (nvmeN).
ctrl_pci() {
	basename "$(readlink -f /sys/class/nvme/"$1"/device)"
}

# ctrl_state CTRL: its state attribute
ctrl_state() {
	cat /sys/class/nvme/"$1"/state 2>/dev/null
}

# wait_state CTRL STATE SECONDS: until CTRL is in STATE
wait_state() {
	local n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		[ "$(ctrl_state "$1")" = "$2" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# kernel_oopsed MARK: a kernel bug, warning or oops logged since MARK
kernel_oopsed() {
	log_since "$1" | grep -E "BUG:|WARNING:|Oops|general protection|Call Trace|blocked for more than"
}

# now_ms: milliseconds since boot (busybox's date has no %N)
now_ms() {
	local up
	read -r up _ </proc/uptime
	echo $((${up%.*} * 1000 + 10#${up#*.} * 10))
}

# stuck_read CTRL DEV BLOCK OUT: a 4 KiB direct read of DEV at BLOCK
# whose completion CTRL loses (fault point drop_io_completions), left in
# the background; its exit status goes to OUT.rc and its messages to
# OUT.err (tap_check runs each case in a subshell: a pid would not
# reach the next case).  Fails when the completion was not dropped.
stuck_read() {
	rm -f "$4.rc"
	echo 1 >"$FAULTS/$1/drop_io_completions"
	# (not on tap_check's output pipe: a stuck read would hang the case)
	(dd if="$2" of=/dev/null bs=4096 skip="$3" count=1 iflag=direct \
		2>"$4.err"; echo $? >"$4.rc") >/dev/null 2>&1 </dev/null &
	for _ in $(seq 50); do
		[ "$(cat "$FAULTS/$1/drop_io_completions")" = 0 ] && return 0
		sleep 0.1
	done
	echo "the completion was not dropped"
	return 1
}

# wait_rc OUT SECONDS: until OUT.rc exists; prints its status
wait_rc() {
	local n=$(($2 * 10))
	while [ "$n" -gt 0 ]; do
		[ -s "$1.rc" ] && { cat "$1.rc"; return 0; }
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# within SECONDS COMMAND...: COMMAND, run in the background, finished
# within SECONDS with status 0; a command still running then is left
# running (it may be stuck in the kernel) and within fails, saying so.
# Its output goes through a file: a stuck command holding tap_check's
# output pipe would hang the test instead of failing it.
within() {
	local s=$1 pid rc
	shift
	"$@" >/tmp/within.out 2>&1 </dev/null &
	pid=$!
	for _ in $(seq $((s * 10))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			cat /tmp/within.out
			return $rc
		fi
		sleep 0.1
	done
	echo "'$*' still running after $s s"
	return 1
}

# fault_setup IO_TIMEOUT ADMIN_TIMEOUT CASE...: the start of a test of
# the fault build: the driver reloaded with these timeouts (seconds);
# sets ctrl, pci and dev (the first controller, its namespace 1).  Skips
# every CASE when that cannot be.
fault_setup() {
	local io=$1 admin=$2 why
	shift 2
	why=$(need_faults) || tap_skip_all "$why" "$@"
	driver_reload io_timeout="$io" admin_timeout="$admin" ||
		tap_skip_all "reload with short timeouts failed" "$@"
	ctrl=$(ctrl_names | head -n 1)
	pci=$(ctrl_pci "$ctrl")
	dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "$@"
}

# put_data FILE BLOCK: 4 random 4 KiB blocks, kept in FILE and written
# to $dev at 4 KiB block BLOCK
put_data() {
	dd if=/dev/urandom of="$1" bs=4096 count=4 2>/dev/null
	dd if="$1" of="$dev" bs=4096 seek="$2" oflag=direct conv=notrunc 2>/dev/null
}

# rebind_intact FILE BLOCK: bind $pci to cnvme again; its controller is
# live and namespace 1 (its device in $dev) holds FILE at BLOCK
rebind_intact() {
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind || return 1
	wait_ctrls_live 30 || return 1
	dev=$(wait_ns_dev 1 30) || return 1
	dd if="$dev" of="$1.back" bs=4096 skip="$2" count=4 iflag=direct 2>/dev/null &&
		cmp "$1" "$1.back"
}

# mpath_setup CASE...: the start of a multipath test of the fault build
# (TOPO=shared, cnvme): sets s (the subsystem's sysfs directory), head
# (namespace 1's multipath disk) and a (the first controller).  Skips
# every CASE when that cannot be.
mpath_setup() {
	[ "$TOPO" = shared ] ||
		tap_skip_all "needs two controllers sharing a namespace (TOPO=shared)" "$@"
	[ "$DRIVER" = cnvme ] || tap_skip_all "fault points exist only in cnvme" "$@"
	grep -q " /sys/kernel/debug debugfs" /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	[ -d "$FAULTS" ] ||
		tap_skip_all "this cnvme has no fault points (FAULT_INJECT=1, VARIANT=faults)" "$@"
	wait_ctrls_live 30 || tap_skip_all "controllers not live" "$@"
	s=$(ls -d /sys/class/nvme-subsystem/nvme-subsys* | head -n 1)
	head=
	for d in "$s"/nvme*n1; do [ -d "$d" ] && head=/dev/$(basename "$d"); done
	[ -b "$head" ] || tap_skip_all "no head disk" "$@"
	a=$(ls /sys/class/nvme | sort | head -n 1)
}
