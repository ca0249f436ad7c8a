#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation-failure sweeps (issue 12), on a kernel with the fault-
# injection framework (the debug kernel, scripts/debug-kernel.sh): every
# allocation of a path made to fail in turn, the Nth for N = 1, 2, ...
# until the path completes without reaching its Nth point.  failslab and
# fail_page_alloc count every allocation (GFP_KERNEL ones too; not the
# bookkeeping kmemleak and debug objects do for each) and the kernel's
# fail-nth picks the one that fails: a task's own
# (/proc/thread-self/fail-nth, helpers/fail_nth) for what runs in the
# test's task, cnvme's fail_nth_*_work fault points (src/fault.c, the
# FAULT_INJECT=1 build) for what runs in its workqueue.
#
# After each injected failure the path must have ended with an errno or
# recovered, leaving the controller live (namespace 1 reads) or cleanly
# dead (I/O fails at once; a rebind brings it back); the runner fails
# the test on any oops, sanitizer report, hang or kmemleak report, and
# at the unload on objects left in cnvme's caches.
#
# The sweeps in the test's task run on the in-kernel driver too (the
# reference); those of the workqueue are cnvme's.  SWEEP_MAX (default
# 2000) bounds each sweep; SWEEP_ONLY="regex" runs the matching cases.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

FAILNTH=${SELFTESTS:-/selftests}/helpers/fail_nth
SWEEP_MAX=${SWEEP_MAX:-2000}
cases=("sysfs writes: rescan_controller, reset_controller"
	"controller ioctls: ADMIN, ADMIN64, RESCAN, RESET"
	"namespace ioctls: IO, IO64, IO64_VEC, SUBMIT_IO, ID, ADMIN"
	"io_uring passthrough: I/O on the ng device, admin on the controller"
	"probe: the bind write"
	"first bring-up: the reset work after a bind"
	"namespace scan: the scan work after a bind"
	"controller reset: the reset work"
	"module load: finit_module (the functions held: no probe)")
tap_plan ${#cases[@]}
# run_case I FUNCTION: case I by FUNCTION (unless SWEEP_ONLY leaves it
# out), its sweeps' counts after it
run_case() {
	[[ ${cases[$1]} =~ ${SWEEP_ONLY:-.} ]] ||
		{ tap_skip "${cases[$1]}" "not in SWEEP_ONLY"; return 0; }
	: >/tmp/sweep.counts
	tap_check "${cases[$1]}" "$2"
	sed 's/^/# /' /tmp/sweep.counts
}
# Kernel reports an injected failure causes that are not the driver's
# (guest-init.sh's LOG_ALLOW; the count shows in the TAP):
# - the irq core creates /proc/irq/N/'s files without checking and warns
#   when it removes one that a failed allocation left out;
# - a failed allocation in the MSI-X setup leaves the legacy interrupt,
#   which acpi=noirq (the debug kernel's boot, vm/run.sh) routes wrong:
#   "nobody cared", and completions seen at the timeouts
echo "unregister_irq_proc" >"${LOG_ALLOW:-/dev/null}"
grep -qw "acpi=noirq" /proc/cmdline &&
	echo "irq [0-9]+: nobody cared" >>"${LOG_ALLOW:-/dev/null}"
DBG=/sys/kernel/debug
grep -q " $DBG debugfs" /proc/mounts || mount -t debugfs none $DBG
[ -d $DBG/failslab ] && [ -d $DBG/fail_page_alloc ] &&
	[ -e /proc/self/fail-nth ] ||
	tap_skip_all "this kernel has no failslab/fail_page_alloc/fail-nth (the debug kernel has: scripts/debug-kernel.sh)" "${cases[@]}"
wait_ctrls_live 60 || tap_skip_all "controllers not live" "${cases[@]}"
drv=$(pci_driver_name)
nr_ns=$(ns_disks | wc -l)
[ "$nr_ns" -ge 1 ] || tap_skip_all "no namespace" "${cases[@]}"

# every allocation counted, GFP_KERNEL and order 0 included; nothing
# printed for an injected failure (the runner fails a test on a trace)
setattr() { echo "$2" >"$DBG/$1"; }
# what this test changes, as it found it, for restore()
saved=()
for f in failslab/cache-filter fail_page_alloc/ignore-gfp-highmem \
	fail_page_alloc/min-order; do
	saved+=("$f=$(cat "$DBG/$f")")
done
for a in failslab fail_page_alloc; do
	for f in ignore-gfp-wait verbose stacktrace-depth require-start require-end; do
		saved+=("$a/$f=$(cat "$DBG/$a/$f")")
	done
done
for a in failslab fail_page_alloc; do
	setattr $a/ignore-gfp-wait N
	setattr $a/verbose 0
done
setattr fail_page_alloc/ignore-gfp-highmem N
setattr fail_page_alloc/min-order 0
# caches_filter: failslab counts the allocations of every slab cache but
# kmemleak's and debug objects' own (their bookkeeping of each allocation
# would double the points and test only themselves)
caches_filter() {
	local f
	for f in /sys/kernel/slab/*/failslab; do
		case $f in
		*/kmemleak_*/failslab | */debug_objects_cache/failslab)
			echo 0 >"$f" ;;
		*) echo 1 >"$f" ;;
		esac 2>/dev/null
	done
	setattr failslab/cache-filter Y
}
# filter_modules: only the points with a module's code on the stack (the
# 32 innermost frames) count: what the driver asked for, not what the
# syscall or the module loader did before reaching it.  Modules live
# above the kernel image (from its _end to MODULES_END).
kend=$(awk '$3 == "_end" { print $1 }' /proc/kallsyms)
filter_modules() {
	for a in failslab fail_page_alloc; do
		setattr $a/stacktrace-depth 32
		setattr $a/require-start "0x$kend"
		setattr $a/require-end 0xffffffffff000000
	done
}
# filter_none: every point counts (a work of cnvme's runs only its code)
filter_none() {
	for a in failslab fail_page_alloc; do
		setattr $a/require-start 0
		setattr $a/require-end 0xffffffffffffffff
	done
}
# restore: the fault attributes, the caches' failslab flags and the
# functions' driver_override as they were (the test may be killed)
restore() {
	local kv f
	for kv in "${saved[@]}"; do
		setattr "${kv%%=*}" "${kv#*=}"
	done
	for f in /sys/kernel/slab/*/failslab; do
		echo 0 >"$f"
	done 2>/dev/null
	hold_functions "" 2>/dev/null
	return 0
}
trap restore EXIT
[ -n "$kend" ] && [ "$kend" != 0000000000000000 ] ||
	tap_skip_all "no kernel addresses in /proc/kallsyms" "${cases[@]}"

ctrl() { ctrl_names | head -n 1; }
# the namespace-1 devices of the first controller: block and generic
blk() { ns_dev 1; }
ngdev() {
	local b
	b=$(blk) || return 1
	for g in /dev/ng*n1; do
		[ -c "$g" ] && { echo "$g"; return 0; }
	done
	return 1
}
bs() { cat "/sys/block/$(basename "$(blk)")/queue/logical_block_size"; }

# healthy: every controller live, every namespace back, namespace 1 reads
healthy() {
	local d
	wait_ctrls_live 60 || { echo "controllers not live: $(cat /sys/class/nvme/*/state | tr '\n' ' ')"; return 1; }
	for _ in $(seq 300); do
		[ "$(ns_disks | wc -l)" -ge "$nr_ns" ] && break
		sleep 0.1
	done
	[ "$(ns_disks | wc -l)" -ge "$nr_ns" ] ||
		{ echo "$(ns_disks | wc -l) namespaces, not $nr_ns"; return 1; }
	d=$(wait_ns_dev 1 30) || { echo "no namespace 1"; return 1; }
	dd if="$d" of=/dev/null bs=4096 count=1 iflag=direct 2>&1 ||
		{ echo "namespace 1 does not read"; return 1; }
}

# live: after an ioctl or a write, the quick check: the first controller
# is live (again, after a reset) and namespace 1 reads
live() {
	local st
	read -r st </sys/class/nvme/"$cname"/state
	[ "$st" = live ] || wait_state "$cname" live 60 ||
		{ echo "$cname is $(ctrl_state "$cname")"; return 1; }
	dd if="$blkdev" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null ||
		{ echo "$blkdev does not read"; return 1; }
}

# restore_all: every NVMe function bound, a dead controller's unbound and
# bound again; then healthy
restore_all() {
	local p c
	for p in $(nvme_pci_devices); do
		[ -e /sys/bus/pci/drivers/$drv/$p ] || continue
		for c in /sys/bus/pci/devices/"$p"/nvme/nvme*; do
			[ "$(cat "$c/state" 2>/dev/null)" = dead ] &&
				echo "$p" >/sys/bus/pci/drivers/$drv/unbind
		done
	done
	for p in $(nvme_pci_devices); do
		[ -e /sys/bus/pci/drivers/$drv/$p ] ||
			echo "$p" >/sys/bus/pci/drivers/$drv/bind
	done
	wait_ctrls_live 60
	# a namespace whose scan failed comes back with the next one
	if [ "$(ns_disks | wc -l)" -lt "$nr_ns" ]; then
		for c in /sys/class/nvme/nvme*; do
			echo 1 >"$c/rescan_controller"
		done
	fi
	healthy
}

# trace LINE: progress on the console with SWEEP_TRACE=1 (the runner's
# console.log)
trace() {
	[ "${SWEEP_TRACE:-0}" = 1 ] && echo "alloc_sweep: $*" >/dev/console
	return 0
}

# tally: the outcomes of one sweep ("ok", "E12", ...), counted
declare -A seen
tally_reset() { seen=(); }
tally() { seen[$1]=$((${seen[$1]:-0} + 1)); }
tally_line() {
	local k s=
	for k in "${!seen[@]}"; do s="$s $k:${seen[$k]}"; done
	echo "$s"
}

# sweep NAME CHECK OP ARGS...: fail_nth N OP ARGS for N = 1..; after each
# injected failure CHECK must pass.  Prints the number of points.
sweep() {
	local name=$1 check=$2 nth=1 out e
	shift 2
	tally_reset
	filter_modules
	caches_filter
	while [ "$nth" -le "$SWEEP_MAX" ]; do
		trace "$name N=$nth"
		out=$(timeout 120 "$FAILNTH" "$nth" "$@" 2>&1) ||
			{ echo "$name: N=$nth: $out (status $?)"; return 1; }
		case $out in
		unreached*" errno=0")
			echo "$name: $((nth - 1)) fault points, outcomes$(tally_line)" >>/tmp/sweep.counts
			return 0
			;;
		unreached*)
			echo "$name: N=$nth: with no failure injected: $out"
			return 1
			;;
		fired*) ;;
		*) echo "$name: N=$nth: $out"; return 1 ;;
		esac
		e=${out##*errno=}
		[ "$e" = 0 ] && tally ok || tally "E$e"
		$check || { echo "$name: N=$nth ($out): $check failed"; return 1; }
		nth=$((nth + 1))
	done
	echo "$name: still failing at N=$SWEEP_MAX"
	return 1
}

# (the helpers of lib/cnvme.sh set c, d, p and n: not used for
# variables that must survive a call to them)
sysfs_writes() {
	sweep "rescan_controller" live write \
		/sys/class/nvme/"$cname"/rescan_controller 1 || return 1
	sweep "reset_controller" live write \
		/sys/class/nvme/"$cname"/reset_controller 1
}
# what the sweeps of cases 0-3 use: the first controller, namespace 1
# short timeouts: a bring-up left on the legacy interrupt (a failed MSI-X
# allocation; acpi=noirq routes none here) sees each completion only at a
# timeout
orig_params=${MODPARAMS:-}
if [ "$DRIVER" = cnvme ]; then
	if ! driver_reload admin_timeout=5 io_timeout=5 >/dev/null 2>&1; then
		# the next tests need the driver as the runner loaded it
		driver_loaded || driver_load >/dev/null 2>&1
		tap_skip_all "reload with short timeouts failed" "${cases[@]}"
	fi
	MODPARAMS="${MODPARAMS:-} admin_timeout=5 io_timeout=5"
fi
cname=$(ctrl)
blkdev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
run_case 0 sysfs_writes

ctrl_ioctls() {
	local cdev
	cdev=/dev/$(ctrl)
	for op in admin admin64 rescan reset; do
		sweep "$op on $cdev" live "$op" "$cdev" || return 1
	done
}
run_case 1 ctrl_ioctls

ns_ioctls() {
	local b g s ndev
	b=$(blk) && g=$(ngdev) && s=$(bs) || { echo "no namespace 1 devices"; return 1; }
	for ndev in "$b" "$g"; do
		for op in io io64 io64vec; do
			sweep "$op on $ndev" live "$op" "$ndev" 1 "$s" || return 1
		done
		sweep "submit on $ndev" live submit "$ndev" "$s" || return 1
		sweep "id on $ndev" live id "$ndev" || return 1
		sweep "admin on $ndev" live admin "$ndev" || return 1
	done
}
run_case 2 ns_ioctls

uring() {
	local g s
	g=$(ngdev) && s=$(bs) || { echo "no namespace 1 devices"; return 1; }
	sweep "uring on $g" live uring "$g" 1 "$s" || return 1
	sweep "uring-admin on /dev/$cname" live uring-admin "/dev/$cname"
}
run_case 3 uring

# wait_settled: no controller resetting or connecting (120 s)
wait_settled() {
	local s
	for _ in $(seq 1200); do
		s=$(cat /sys/class/nvme/*/state 2>/dev/null | grep -Ev '^(live|dead|deleting)$')
		[ -z "$s" ] && return 0
		sleep 0.1
	done
	echo "controllers still $(cat /sys/class/nvme/*/state | tr '\n' ' ')"
	return 1
}

probe() {
	local pci
	pci=$(ctrl_pci "$(ctrl)")
	echo "$pci" >/sys/bus/pci/drivers/$drv/unbind || return 1
	# the probe runs in the writing task (the in-kernel driver's probes
	# asynchronously: only its start is swept)
	sweep "bind of $pci" "probe_next $pci" write \
		/sys/bus/pci/drivers/$drv/bind "$pci" || return 1
	# the last bind, after every failed one, brought it up
	healthy
}
# probe_next PCI: a failed probe left the function unbound; one that got
# through (a failure absorbed) is taken down again for the next one.  The
# next probe, and the last one which must bring the controller up, show
# that no failure left something behind.
probe_next() {
	[ -e /sys/bus/pci/drivers/$drv/"$1" ] || return 0
	# at once: an unbind must stop a bring-up too (one on the legacy
	# interrupt, after a failed MSI-X allocation, is slow here: acpi=noirq)
	echo "$1" >/sys/bus/pci/drivers/$drv/unbind
}
run_case 4 probe

# work_sweep NAME WORK TRIGGER: cnvme's fail_nth_WORK_work for N = 1..,
# TRIGGER run each time (it makes the work run once), then the device
# settled, checked and made healthy again
work_sweep() {
	local name=$1 w=$2 trigger=$3 nth=1 left
	filter_none
	caches_filter
	while [ "$nth" -le "$SWEEP_MAX" ]; do
		trace "$name N=$nth"
		echo 4294967295 >"$FAULTS/fail_nth_${w}_left"
		# armed by the trigger just before it starts the work: a work
		# still queued by the last restore must not take the point
		arm_w=$w arm_n=$nth $trigger >/dev/null 2>&1
		for _ in $(seq 600); do
			[ "$(cat "$FAULTS/fail_nth_${w}_left")" != 4294967295 ] && break
			sleep 0.1
		done
		left=$(cat "$FAULTS/fail_nth_${w}_left")
		if [ "$left" = 4294967295 ]; then
			echo 0 >"$FAULTS/fail_nth_${w}_work"
			echo "$name: N=$nth: the $w work did not run"
			return 1
		fi
		wait_settled || { echo "$name: N=$nth"; return 1; }
		if [ "$left" != 0 ]; then
			restore_all || { echo "$name: N=$nth: not healthy"; return 1; }
			echo "$name: $((nth - 1)) fault points" >>/tmp/sweep.counts
			return 0
		fi
		# dead is allowed; then I/O must fail at once
		if [ "$(ctrl_state "$(ctrl)")" = dead ]; then
			d=$(ns_dev 1) && within 10 dd if="$d" of=/dev/null bs=4096 \
				count=1 iflag=direct >/dev/null 2>&1 &&
				{ echo "$name: N=$nth: a dead controller's namespace read"; return 1; }
		fi
		restore_all || { echo "$name: N=$nth: not healthy after a rebind"; return 1; }
		nth=$((nth + 1))
	done
	echo "$name: still failing at N=$SWEEP_MAX"
	return 1
}

need_work_faults() {
	why=$(need_faults 2>&1)
	case $why in
	*"needs a namespace"*) why= ;;
	esac
	[ -z "$why" ] || return 1
	[ -e "$FAULTS/fail_nth_reset_work" ] ||
		{ why="this cnvme has no fail_nth_*_work fault points"; return 1; }
}

unbind_bind() {
	local p
	for p in $(nvme_pci_devices); do
		[ -e /sys/bus/pci/drivers/$drv/$p ] &&
			echo "$p" >/sys/bus/pci/drivers/$drv/unbind
	done
	# one function brought up at a time: the armed run is its
	arm_work
	for p in $(nvme_pci_devices); do
		echo "$p" >/sys/bus/pci/drivers/$drv/bind
		break
	done
}
# arm_work: the point of work_sweep's sweep armed (arm_w, arm_n), for
# the next run of that work
arm_work() { echo "$arm_n" >"$FAULTS/fail_nth_${arm_w}_work"; }
bringup() { work_sweep "bring-up after a bind" reset unbind_bind; }
scan() { work_sweep "scan after a bind" scan unbind_bind; }
reset_now() {
	wait_settled
	arm_work
	echo 1 >/sys/class/nvme/"$(ctrl)"/reset_controller
}
reset() { work_sweep "reset" reset reset_now; }
if need_work_faults; then
	run_case 5 bringup
	run_case 6 scan
	run_case 7 reset
else
	for i in 5 6 7; do tap_skip "${cases[$i]}" "$why"; done
fi

modload() {
	local ko params=${MODPARAMS:-}
	case $DRIVER in
	cnvme) ko=$CNVME_KO ;;
	*) ko=$(grep '/nvme\.ko' "$NVME_MODULES_LIST") ;;
	esac
	unload_pci_driver || return 1
	# the module's own init: the functions held (driver_override) so that
	# no probe runs in it, the probe's sweep is case 4's
	hold_functions "none" || return 1
	sweep "load of $(basename "$ko")" "modload_next" finit "$ko" "$params" ||
		{ hold_functions ""; return 1; }
	hold_functions "" || return 1
	# the last load, which got through, binds every controller
	restore_all
}
# hold_functions NAME: every NVMe function's driver_override set to NAME
# ("": cleared)
hold_functions() {
	local p
	for p in $(nvme_pci_devices); do
		echo "$1" >/sys/bus/pci/devices/"$p"/driver_override || return 1
	done
}
# modload_next: a failed load left nothing loaded; one that got through
# (failures absorbed) is unloaded again for the next one.
modload_next() {
	if driver_loaded; then
		unload_pci_driver || return 1
	fi
	! driver_loaded
}
# unload_pci_driver: cnvme, or nvme.ko alone (nvme_core stays: the sweep
# loads nvme.ko)
unload_pci_driver() {
	case $DRIVER in
	cnvme) rmmod cnvme ;;
	*) rmmod nvme ;;
	esac
}
run_case 8 modload
# the driver as the runner loaded it, for the tests after this one
MODPARAMS=$orig_params
driver_loaded && driver_unload
driver_load
wait_ctrls_live 60 >/dev/null
tap_exit
