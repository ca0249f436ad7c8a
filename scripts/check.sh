#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, build, static checks, then
# every kernel x topology x the selftests in VMs.  DRIVER=cnvme (default),
# nvme (the in-kernel reference) or all; KERNELS, TOPOS, TESTS narrow it.
# The benchmark's smoke run (make bench SMOKE=1) is one test: it passes
# when the harness wrote results with samples of both drivers; speed is
# never judged.  So is its count of instructions per I/O (make bench INSN=1
# SMOKE=1): it passes when both drivers were counted.  BENCH=0 skips both.
# Ends with "N passed, N failed, N skipped"; non-zero exit on failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s)
export TOPOS=${TOPOS:-one three file meta media}
# kbuild compiles the objects of one module in parallel
jobs=$(nproc 2>/dev/null || echo 2)

"$root/scripts/deps.sh" || exit 1
# Debian unstable's kernel (7.2 now) in its chroot: built for, checked
# statically and booted for the whole suite like Debian 12's kernels
# (SID=0 leaves it out of the matrix, SID_BUILD=0 does not set it up)
sid_failed=0
if [ "${SID_BUILD:-1}" = 1 ] && ! "$root/scripts/sid-kernel.sh" >/dev/null; then
	echo "# sid-kernel.sh failed: Debian unstable's kernel is not checked"
	sid_failed=1
fi
# The debug kernel (sanitizers, the kernel's fault injection; issue 12):
# built once per machine and cached.  A fresh machine builds it (1546 s
# beside the checks below) in the background at the lowest priority
# while the static checks, the root disk, benchmark and canary boots
# run: those wait on timeouts much of the time.  Its boots join the
# matrix's.  DEBUG_BUILD=0 leaves it out.
debug_pid=
if [ "${DEBUG_BUILD:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	mkdir -p "$root/build"
	if ! "$root/scripts/debug-kernel.sh" --print >/dev/null 2>&1; then
		echo "# building the debug kernel in the background (build/debug-kernel.log)"
		setsid nice -n 19 "$root/scripts/debug-kernel.sh" \
			>"$root/build/debug-kernel.log" 2>&1 </dev/null &
		debug_pid=$!
		# an early exit stops it (a half-built one is started again)
		trap '[ -z "$debug_pid" ] || kill -- -"$debug_pid" 2>/dev/null' EXIT
	fi
fi
# (its log in build/, as everything make check writes)
mkdir -p "$root/build"
if ! make -C "$root" -j"$jobs" modules >"$root/build/modules.log" 2>&1 ||
   ! make -C "$root" -j"$jobs" modules FAULT_INJECT=1 >>"$root/build/modules.log" 2>&1; then
	tail -n 40 "$root/build/modules.log"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f "$root/build/modules.log"
"$root/scripts/build-selftests.sh" "$root/build/selftests" || {
	echo "0 passed, 1 failed"
	exit 1
}

pre_passed=0
pre_failed=$sid_failed
if [ "${STATIC:-1}" = 1 ]; then
	echo "# static checks"
	out=$("$root/scripts/static-checks.sh" all)
	echo "$out"
	pre_passed=$(echo "$out" | sed -n 's/^# static: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	static_failed=$(echo "$out" | sed -n 's/^# static: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	pre_passed=${pre_passed:-0}
	pre_failed=$((pre_failed + ${static_failed:-1}))
	# a rebuild for the VMs, since the checks rebuilt per kernel
	make -C "$root" -j"$jobs" modules >/dev/null 2>&1
fi

if [ "${REBOOT:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	echo "# reboot persistence"
	out=$("$root/scripts/reboot-test.sh")
	echo "$out"
	pre_passed=$((pre_passed + $(echo "$out" | sed -n 's/^# reboot: \([0-9]*\) passed.*/\1/p')))
	pre_failed=$((pre_failed + $(echo "$out" | sed -n 's/^# reboot: [0-9]* passed, \([0-9]*\) failed$/\1/p')))
fi

if [ "${ROOTDISK:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	echo "# the root disk on cnvme"
	out=$("$root/scripts/rootdisk-test.sh")
	echo "$out"
	rp=$(echo "$out" | sed -n 's/^# rootdisk: \([0-9]*\) passed.*/\1/p')
	rf=$(echo "$out" | sed -n 's/^# rootdisk: [0-9]* passed, \([0-9]*\) failed$/\1/p')
	pre_passed=$((pre_passed + ${rp:-0}))
	pre_failed=$((pre_failed + ${rf:-1}))
fi

# bench_smoke NAME OUTPREFIX VAR=value...: one smoke run of scripts/bench.sh
# with those settings, counted as one test
bench_smoke() {
	local name=$1 out
	out=$root/build/bench/$2-$(date +%Y%m%d-%H%M%S)
	shift 2
	if env "$@" OUT="$out" "$root/scripts/bench.sh" >"$out.log" 2>&1 </dev/null; then
		pre_passed=$((pre_passed + 1))
		echo "# $name: 1 passed, 0 failed ($out)"
	else
		pre_failed=$((pre_failed + 1))
		tail -n 30 "$out.log"
		echo "# $name: 0 passed, 1 failed ($out.log)"
	fi
}
if [ "${BENCH:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	echo "# benchmark smoke run"
	mkdir -p "$root/build/bench"
	bench_smoke "bench smoke" smoke SMOKE=1 SAMPLES=1 RUNTIME=1 RAMP=1 \
		POINTS='' CHUNK='' KVER='' INSN=0
	# instructions per I/O: the plugin, its markers and the report
	bench_smoke "bench insn smoke" insn-smoke INSN=1 SMOKE=1 SAMPLES='' \
		POINTS='' CHUNK='' KVER='' INSN_IOS=''
fi

# Debian 13's own kernel (6.12 built with gcc 14), in a trixie chroot:
# built W=1 and booted for a few tests (scripts/canary.sh --trixie),
# counted as one test.  TRIXIE=0 skips it.
if [ "${TRIXIE:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	echo "# Debian 13's kernel"
	if "$root/scripts/canary.sh" --trixie; then
		pre_passed=$((pre_passed + 1))
	else
		pre_failed=$((pre_failed + 1))
	fi
fi
# The canary: experimental's newest release candidate (7.3-rc now), built
# W=1 and booted for a few tests (scripts/canary.sh).  Reported, never
# counted.  CANARY=0 skips it.
if [ "${CANARY:-1}" = 1 ] && [ -z "${TESTS:-}" ]; then
	echo "# canary (not counted)"
	"$root/scripts/canary.sh"
fi

# The matrix boots two guests at a time (JOBS=1: one): one guest keeps
# 45 % of two CPUs busy, waiting on its own timers the rest of the time.
# The debug kernel's boots share those two lanes (below).
export JOBS=${JOBS:-2}
if [ "${DEBUG_BUILD:-1}" != 1 ] || [ -n "${TESTS:-}" ]; then
	PRE_PASSED=${pre_passed:-0} PRE_FAILED=${pre_failed:-1} PRE_SKIPPED=0 \
		"$root/selftests/check.sh"
	rc=$?
	echo "# check took $(($(date +%s) - start)) s" >&2
	exit $rc
fi

# The debug kernel first (its build waited for, then cnvme built W=1 for
# it), so that its boots join the matrix's: one queue, longest first
# (selftests/check.sh), keeps both lanes busy to the end.
echo "# the debug kernel"
w1_counted=1 # by the static checks, when the kernel was there for them
[ "${STATIC:-1}" = 1 ] || w1_counted=0
if [ -n "$debug_pid" ]; then
	wait "$debug_pid" || true
	debug_pid=
	w1_counted=0
	grep -m1 " built in " "$root/build/debug-kernel.log"
fi
debug=1
if ! ddir=$("$root/scripts/debug-kernel.sh" --print 2>/dev/null); then
	tail -n 30 "$root/build/debug-kernel.log" 2>/dev/null
	echo "# debug-kernel.sh failed: nothing runs on the debug kernel"
	pre_failed=$((pre_failed + 1))
	debug=0
elif ! make -C "$root" -j"$jobs" KDIR="$ddir/build" W=1 modules \
		>"$root/build/debug-modules.log" 2>&1 ||
     grep -q "warning:" "$root/build/debug-modules.log" ||
     ! make -C "$root" -j"$jobs" KDIR="$ddir/build" FAULT_INJECT=1 modules \
		>>"$root/build/debug-modules.log" 2>&1; then
	tail -n 30 "$root/build/debug-modules.log"
	echo "not ok - build W=1 for $(cat "$ddir/release"): no warning"
	pre_failed=$((pre_failed + 1))
	debug=0
elif [ "$w1_counted" = 0 ]; then
	echo "ok - build W=1 for $(cat "$ddir/release"): no warning"
	pre_passed=$((pre_passed + 1))
fi
fod=
[ "$debug" = 1 ] && fod=$("$root/scripts/debug-kernel.sh" --series)
PRE_PASSED=${pre_passed:-0} PRE_FAILED=${pre_failed:-1} PRE_SKIPPED=0 \
	DEBUG_KERNEL=$debug FAULTS_ON_DEBUG=$fod "$root/selftests/check.sh"
rc=$?
echo "# check took $(($(date +%s) - start)) s" >&2
exit $rc
