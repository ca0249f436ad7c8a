#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The cnvme VM test matrix: every kernel (vm/kernels.sh, KERNELS= filters)
# x every topology (TOPOS, default "one three file") x every driver
# (DRIVER=cnvme|nvme|all, default cnvme), one VM boot each, in sequence.
#
# Other settings pass through to vm/run.sh: TESTS, MODPARAMS, TIMEOUT,
# TEST_TIMEOUT, SELFTESTS_DIR, UNLOAD, APPEND, QEMU_ARGS.
# PRE_PASSED, PRE_FAILED, PRE_SKIPPED: counts from checks run before this
# one (static checks), added to the totals.
# CHECK_DIR: where the runs go (default build/runs/check-<timestamp>).
# VERBOSE=1: print every run's TAP (default: only the failed runs').
#
# Counting, from each run's tap.log: every result of a test case inside a
# test program ("# ok N", "# not ok N"; "# SKIP" = skipped, "# TODO" on a
# not ok = skipped) is one; a test program's "not ok" none of whose cases
# failed (crash, timeout, kernel log) is one failure; a test program with
# no case lines counts once by its own result; a run that did not complete
# is one failure, and so is a run that run.sh failed with nothing counted
# as failed (e.g. a kernel warning outside any test).
#
# Output: one line per run "<kver> <topo> <driver>: P passed, F failed,
# S skipped (<dir>)", then as the last line "N passed, N failed, N skipped".
# Exit status 0 only when nothing failed and at least one test ran.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
vm=$here/vm

TOPOS=${TOPOS:-one three file}
# topologies on which the in-kernel driver (DRIVER=nvme or all) runs the
# suite too (but for REF_LEAVE_OUT, below); cnvme runs compare with it in
# the same boot anyway
REF_TOPOS=${REF_TOPOS:-file}
case ${DRIVER:-cnvme} in
all) drivers="cnvme nvme" ;;
cnvme | nvme) drivers=${DRIVER:-cnvme} ;;
*)
	echo "check.sh: DRIVER must be cnvme, nvme or all, not '$DRIVER'" >&2
	drivers=
	;;
esac
CHECK_DIR=${CHECK_DIR:-$root/build/runs/check-$(date +%Y%m%d-%H%M%S)}
VERBOSE=${VERBOSE:-0}

total_p=${PRE_PASSED:-0}
total_f=${PRE_FAILED:-0}
total_s=${PRE_SKIPPED:-0}
ran=0 # test programs (not the driver load/unload pseudo tests) that ran

# count TAPFILE -> "P F S T COMPLETE": T = test programs that ran
count() {
	awk '
	function skip(line) { return toupper(line) ~ / # SKIP/ }
	function todo(line) { return toupper(line) ~ / # TODO/ }
	/^# (not )?ok [0-9]+/ {
		cases++
		if ($2 == "not") {
			if (todo($0)) s++; else { f++; cf++ }
		} else if (skip($0)) s++
		else p++
		next
	}
	/^(not )?ok [0-9]+/ {
		if ($0 !~ /selftests: cnvme: driver (loads|unloads)/) t++
		if ($1 == "not") {
			if (cf == 0) f++
		} else if (cases == 0) {
			if (skip($0)) s++; else p++
		}
		cases = 0; cf = 0
		next
	}
	/^# cnvme-run-complete/ { complete = 1 }
	END { printf "%d %d %d %d %d\n", p, f, s, t, complete }
	' "$1"
}

summaries=()

# The stress tests the reference leaves out unless EXTRA_REF=all: they
# check cnvme's resilience; on nvme they would only check the tests.
REF_LEAVE_OUT=${REF_LEAVE_OUT:-reset_race.sh reset_io.sh pci_reset.sh fio_verify.sh}

# ref_tests: the tests the reference's matrix runs ("" = all of them)
ref_tests() {
	local f name list=
	[ "${EXTRA_REF:-newest}" = all ] && return 0
	for f in "${SELFTESTS_DIR:-$root/build/selftests}"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		name=${f##*/}
		echo " $REF_LEAVE_OUT " | grep -q " $name " && continue
		list="$list $name"
	done
	echo "${list# }"
}

# run_one LABEL DIR [VAR=value ...]: one VM boot (vm/run.sh with the
# given settings), its results counted and added to the totals.  With
# JOBS=N (default 1), up to N boots run at once: a guest waits on its
# own timers much of the time (one boot keeps 45 % of two host CPUs
# busy), so two share the host's CPUs without either waiting long.
# jobs_setting NAME VALUE: VALUE when it is a positive number (no leading
# 0, which $(( )) would read as octal); else 1, a log line and a failure
jobs_setting() {
	case $2 in '' | *[!0-9]* | 0*)
		echo "check.sh: $1 must be a positive number (no leading 0), not '$2'" >&2
		total_f=$((total_f + 1))
		JOBS=1
		;;
	*) JOBS=$2 ;;
	esac
}
jobs_setting JOBS "${JOBS:-1}"
pending=() # "pid|dir|label" of the boots running
run_one() {
	local label=$1 dir=$2
	shift 2
	echo "=== $label" >&2
	rm -f "$dir.rc"
	(
		rc=0
		env "$@" RUNDIR="$dir" INTERACTIVE=0 "$vm/run.sh" \
			>"$dir.out" 2>&1 </dev/null || rc=$?
		echo "$rc" >"$dir.rc"
	) &
	pending+=("$!|$dir|$label")
	reap $((JOBS - 1))
}

# enqueue WEIGHT LABEL DIR [VAR=value ...]: a run_one for later; run_queued
# starts them heaviest first (WEIGHT, a number; ties in the order queued),
# so that the longest boots do not come last and leave one lane idle
# while the other finishes them.  The weights are rough boot times in
# seconds on 2 CPUs, JOBS=2 (Documentation/testing.rst).
queued=()
enqueue() {
	local IFS=$'\x1f'
	queued+=("$*")
}
run_queued() {
	local e a
	while IFS= read -r e; do
		[ -n "$e" ] || continue
		IFS=$'\x1f' read -ra a <<<"${e#*$'\x1f'}"
		run_one "${a[@]}"
	done < <(printf '%s\n' "${queued[@]}" | sort -s -t $'\x1f' -k1,1nr)
	queued=()
}

# the weight of the matrix's boot of topology TOPO
weight() {
	case $1 in
	file) echo 540 ;;
	three) echo 190 ;;
	meta | media) echo 100 ;;
	*) echo 70 ;;
	esac
}

# reap N: wait until no more than N boots run, counting each that ended
# (its subshell writes DIR.rc last; a second's polling is nothing beside
# a boot, and unlike wait -n it cannot miss an end or mistake a reused
# PID for a boot)
reap() {
	local e i d keep
	while :; do
		keep=()
		for e in "${pending[@]}"; do
			i=${e%%|*}
			d=${e#*|}
			d=${d%%|*}
			# (or its subshell is gone without one: killed)
			if [ -e "$d.rc" ] || ! kill -0 "$i" 2>/dev/null; then
				wait "$i" 2>/dev/null || true
				counted "${e#*|*|}" "$d"
			else
				keep+=("$e")
			fi
		done
		pending=("${keep[@]}")
		[ ${#pending[@]} -gt "$1" ] || return 0
		sleep 1
	done
}

# counted LABEL DIR: the results of a boot that ended, into the totals
counted() {
	local label=$1 dir=$2 out=$2.out rc p f s t complete line
	rc=$(cat "$dir.rc" 2>/dev/null || echo 1)
	rm -f "$dir.rc"
	if [ -f "$dir/tap.log" ]; then
		read -r p f s t complete < <(count "$dir/tap.log")
	else
		p=0 f=0 s=0 t=0 complete=0
	fi
	[ "$complete" = 1 ] || f=$((f + 1))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	ran=$((ran + t))
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
	if [ "$VERBOSE" = 1 ] || [ "$f" -ne 0 ]; then
		cat "$out"
	fi
	line="$label: $p passed, $f failed, $s skipped ($dir)"
	summaries+=("$line")
	echo "$line"
}

# DEBUG_ONLY=1: the debug kernel's runs alone (scripts/check.sh queues
# them with the matrix's instead: DEBUG_KERNEL=1)
if [ -z "$drivers" ]; then
	total_f=$((total_f + 1))
elif [ "${DEBUG_ONLY:-0}" = 1 ]; then
	kernels=
elif ! kernels=$(DEBUG_KERNEL=0 "$vm/kernels.sh"); then
	echo "check.sh: no kernel to test (image + headers; KERNELS='${KERNELS:-}')" >&2
	total_f=$((total_f + 1))
else
	mkdir -p "$CHECK_DIR"
	newest=$(echo "$kernels" | tr ' ' '\n' | grep . | tail -n 1)
	for kver in $kernels; do
		for topo in $TOPOS; do
			for drv in $drivers; do
				# the reference runs where tests compare or need it,
				# on the newest kernel (EXTRA_REF=all: on every one)
				if [ "$drv" = nvme ] &&
				   ! echo " $REF_TOPOS " | grep -q " $topo "; then
					continue
				fi
				[ "$drv" = nvme ] && [ "${EXTRA_REF:-newest}" != all ] &&
					[ "$kver" != "$newest" ] && continue
				tests=${TESTS:-}
				[ "$drv" = nvme ] && [ -z "$tests" ] && tests=$(ref_tests)
				w=$(weight "$topo")
				# the reference's runs leave out the longest tests
				[ "$drv" = nvme ] && w=$((w / 2))
				enqueue "$w" "$kver $topo $drv" "$CHECK_DIR/$kver-$topo-$drv" \
					KVER="$kver" TOPO="$topo" DRIVER="$drv" TESTS="$tests"
			done
		done
	done
fi

# run_variant WEIGHT KVER VARIANT TOPO DRIVER TESTS [VAR=value ...]:
# enqueue a run outside the matrix, once the build variant is there
run_variant() {
	local w=$1 kver=$2 variant=$3 topo=$4 drv=$5 tests=$6
	shift 6
	if [ -n "$variant" ] &&
	   [ ! -f "$root/build/$variant/$kver/cnvme.ko" ]; then
		echo "check.sh: no build/$variant/$kver/cnvme.ko (make FAULT_INJECT=1)" >&2
		total_f=$((total_f + 1))
		return
	fi
	enqueue "$w" "$kver $topo $drv${variant:+ ($variant)}${tests:+ [$tests]}" \
		"$CHECK_DIR/$kver-$topo-$drv${variant:+-$variant}" \
		VARIANT="$variant" TOPO="$topo" DRIVER="$drv" TESTS="$tests" "$@"
}

# Runs of one test on a topology of its own, outside the matrix:
# VARIANT|TOPO|TESTS|drivers|weight (see enqueue).  The recovery tests need the fault-injection
# build (make FAULT_INJECT=1, FAULTS=0 skips them); the PCIe tests a q35
# machine with a root port (PCIE=0 skips them); the multipath test two
# controllers sharing a namespace.
extra=()
# the multipath test uses the fault points too when they are built
FAULTS_VARIANT=
[ "${FAULTS:-1}" = 1 ] && FAULTS_VARIANT=faults
# the tests of the review defects that need a fault point (issue 17)
FAULT_TESTS="faults.sh rescan_transient.sh sysfs_dead_ctrl.sh format_reset.sh unbind_stuck_io.sh late_cqe.sh queue_count_reset.sh kill_order.sh surprise_remove_reset.sh"
[ "${FAULTS:-1}" = 1 ] && extra+=("faults|file|$FAULT_TESTS|cnvme|180")
# FAULTS_ON_DEBUG=SERIES: the debug kernel, of that series, runs the
# fault-point tests of DEBUG_FAULT_TESTS (DEBUG_RUNS): the matrix's
# kernels of the series run only the others (scripts/check.sh sets it
# when the debug kernel runs after).  queue_count_reset.sh takes 270 s
# there and checks queue accounting, not memory: it stays on Debian's.
DEBUG_FAULT_TESTS=${FAULT_TESTS/ queue_count_reset.sh/}
# without WORDS...: the words of $1 not among the others
without() {
	local w out= all=$1
	shift
	for w in $all; do
		echo " $* " | grep -q " $w " || out="$out $w"
	done
	echo "${out# }"
}
[ "${PCIE:-1}" = 1 ] && extra+=("|pcie|pcie_recovery.sh|cnvme nvme|70")
# a zoned namespace beside an NVM one: zns.sh only
[ "${ZONED:-1}" = 1 ] && extra+=("|zoned|zns.sh|cnvme nvme|25")
extra+=("${FAULTS_VARIANT}|shared|multipath.sh mpath_reset_failover.sh mpath_join_race.sh mpath_flush_reset.sh|cnvme nvme|120")
# The reference runs them on the newest kernel only (EXTRA_REF=all: on
# every kernel): they check the tests, and the time is cnvme's.
newest=$(echo "${kernels:-}" | tr ' ' '\n' | grep . | tail -n 1)
if [ -n "$drivers" ] && [ -z "${TESTS:-}" ]; then
	for kver in $kernels; do
		for e in "${extra[@]}"; do
			IFS='|' read -r evariant topo tests edrivers ew <<<"$e"
			for drv in $drivers; do
				echo " $edrivers " | grep -q " $drv " || continue
				[ "$drv" = nvme ] && [ "${EXTRA_REF:-newest}" != all ] &&
					[ "$kver" != "$newest" ] && continue
				if [ "$tests" = "$FAULT_TESTS" ] &&
				   [ -n "${FAULTS_ON_DEBUG:-}" ] &&
				   [[ $kver == "$FAULTS_ON_DEBUG".* ]]; then
					echo "=== $kver $topo $drv [$DEBUG_FAULT_TESTS]: on the debug kernel ($FAULTS_ON_DEBUG) instead" >&2
					tests=$(without "$FAULT_TESTS" $DEBUG_FAULT_TESTS)
					[ -n "$tests" ] || continue
				fi
				# a build variant is cnvme's; the reference has none
				variant=$evariant
				[ "$drv" = nvme ] && variant=
				run_variant "$ew" "$kver" "$variant" "$topo" \
					"$drv" "$tests" KVER="$kver"
			done
		done
	done
fi

# The debug kernel (scripts/debug-kernel.sh: KASAN, KFENCE, lockdep,
# DMA-API debugging, kmemleak, the kernel's fault injection), apart from
# the matrix: DEBUG_KERNEL=1 turns it on (scripts/check.sh does, having
# built the kernel).  DEBUG_RUNS: runs separated by ";", each
# "VARIANT|TOPO|TESTS|DRIVER|WEIGHT|ENV" ("" TESTS: the whole suite;
# WEIGHT: see enqueue, "" for 400; ENV, the rest of the line: the guest
# tests' TEST_ENV).
# DEBUG_FULL=1: the whole suite with every sweep on each topology instead.  Three times slower under TCG, so its runs
# get DEBUG_TIMEOUT (default 2400 s).
#
# The default: what only this kernel can judge, inside CI's time: the
# sweeps in the test's task (sysfs writes, ioctls, io_uring: a few
# points each), the block layer's fault injection, the fault-point tests
# and the namespace and multipath tests under the sanitizers.  The sweeps
# whose every point costs a bind or a reset (probe, first bring-up, scan,
# reset, module load) and the rest of the suite are DEBUG_FULL's.
CHEAP_SWEEPS="SWEEP_ONLY=^(sysfs.writes|controller.ioctls|namespace.ioctls|io_uring)"
# suspend_resume.sh: 3 S3 cycles there (lockdep saw a freeze begun and
# ended in different tasks), 10 on Debian's kernels; no latency
# comparison there: the in-kernel driver's suspend has a lockdep report
# of its own (nvme_start_freeze leaks the freeze to the PM worker)
DEBUG_TESTS="alloc_sweep.sh io_timeout_fail.sh $DEBUG_FAULT_TESTS load_unload.sh bind_unbind.sh suspend_resume.sh hwmon.sh"
DEBUG_RUNS=${DEBUG_RUNS:-"faults|file|$DEBUG_TESTS|cnvme|1300|$CHEAP_SWEEPS CYCLES=3 SR_COMPARE=0;\
faults|three|namespaces.sh|cnvme|100|;\
faults|shared|multipath.sh|cnvme|400|;\
faults|zoned|zns.sh|cnvme|100|;\
|file|alloc_sweep.sh io_timeout_fail.sh|nvme|400|$CHEAP_SWEEPS"}
if [ "${DEBUG_FULL:-0}" = 1 ]; then
	DEBUG_RUNS=
	for topo in $TOPOS shared; do
		DEBUG_RUNS="$DEBUG_RUNS;faults|$topo||cnvme||"
	done
	DEBUG_RUNS="$DEBUG_RUNS;|file|$(ref_tests)|nvme||"
fi
if [ "${DEBUG_KERNEL:-0}" = 1 ] && [ -n "$drivers" ]; then
	# the debug kernel's boots share the JOBS lanes with the matrix's
	# (DEBUG_ONLY=1: they alone, DEBUG_JOBS at a time, default 1)
	[ "${DEBUG_ONLY:-0}" = 1 ] && jobs_setting DEBUG_JOBS "${DEBUG_JOBS:-1}"
	if ! ddir=$("$root/scripts/debug-kernel.sh" --print); then
		echo "check.sh: DEBUG_KERNEL=1 but no debug kernel (make debug-kernel)" >&2
		total_f=$((total_f + 1))
	else
		drel=$(cat "$ddir/release")
		mkdir -p "$CHECK_DIR"
		IFS=';' read -ra runs <<<"$DEBUG_RUNS"
		for r in "${runs[@]}"; do
			[ -n "$r" ] || continue
			IFS='|' read -r variant topo tests drv dw env <<<"$r"
			echo " $drivers " | grep -q " $drv " || continue
			run_variant "${dw:-400}" "$drel" "$variant" \
				"$topo" "$drv" "${TESTS:-$tests}" KERNEL_DIR="$ddir" \
				TEST_ENV="$env" TIMEOUT="${DEBUG_TIMEOUT:-2400}" \
				TEST_TIMEOUT=1200
		done
	fi
fi

run_queued
reap 0
if [ ${#summaries[@]} -gt 1 ]; then
	echo
	printf '%s\n' "${summaries[@]}"
fi
status=0
[ "$total_f" -eq 0 ] || status=1
if [ -n "$drivers" ] && [ "$ran" -eq 0 ]; then
	echo "check.sh: no test program ran in any VM"
	status=1
fi
echo "$total_p passed, $total_f failed, $total_s skipped"
exit $status
