#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: cnvme against the in-kernel nvme driver, side by side in one
# VM boot (see Documentation/performance.rst).
#
# The guest (selftests/bench/bench_guest.sh) loads cnvme and the in-kernel
# driver in turn, both with poll_queues=1, and runs the same fio jobs on
# each, and on null_blk as the ceiling of the block layer; this script
# boots it with selftests/vm/run.sh and turns its records into a JSON
# file, a table and plots (scripts/bench_report.py).
#
# Settings (environment or make variables):
#   SAMPLES   samples per point and target (10)
#   RUNTIME   seconds measured per sample (5); RAMP: seconds of ramp before (2)
#   POINTS    names or shell patterns of the points to run, space or comma
#             separated (default: all; "make bench LIST=1" lists them)
#   CHUNK     points run per driver turn before switching drivers (4)
#   NULL_BLK  0: no null_blk ceiling (1)
#   NULL_BLK_SAMPLES  samples of the null_blk ceiling (default SAMPLES)
#   MEM_LOADS loads of each driver whose memory footprint is measured (3)
#   BACKEND   null (QEMU null-co namespace, default) or file (a file-backed
#             one)
#   KVER      guest kernel (default: the newest of Debian 12's in
#             selftests/vm/kernels.sh, SID=0)
#   SMOKE=1   the CI smoke run: 1 sample, 1 s + 1 s ramp, five points
#   INSN=1    count instructions per I/O instead of timing: the guest runs
#             under QEMU's insn_count plugin (selftests/bench/plugin), in
#             a boot of its own; SAMPLES rounds (default 3), INSN_IOS the
#             two run lengths whose difference is counted ("2000 12000");
#             interrupt-driven points only (default: every 512 B and 4 KiB
#             one).  Report: insn.json, insn.txt, insn.png
#   OUT       output folder (build/bench/<time>; build/bench/latest links it)
#
# Exit 0 when the run completed and the report has samples of both drivers;
# speed is never judged.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
vm=$root/selftests/vm
py=/usr/bin/python3
[ -x "$py" ] || py=python3

all_points() {
	local mode bs qd
	for mode in irq poll; do
		for bs in 512 4k 32k 256k; do
			for qd in 1 8 32 128; do
				echo "randread-$bs-qd$qd-$mode io_uring randread $bs $qd $mode"
			done
		done
	done
	for qd in 1 32; do
		echo "randwrite-4k-qd$qd-irq io_uring randwrite 4k $qd irq"
	done
	for qd in 1 32; do
		echo "uring_cmd-randread-4k-qd$qd-irq uring_cmd randread 4k $qd irq"
	done
}

if [ "${LIST:-0}" = 1 ]; then
	all_points | awk '{ print $1 }'
	exit 0
fi

INSN=${INSN:-0}
if [ "$INSN" = 1 ]; then
	if [ "${SMOKE:-0}" = 1 ]; then
		# two rounds, so that the repeatability is seen
		SAMPLES=${SAMPLES:-2}
		POINTS=${POINTS:-randread-512-qd1-irq uring_cmd-randread-4k-qd32-irq}
		INSN_IOS=${INSN_IOS:-200 1200}
	fi
	SAMPLES=${SAMPLES:-3}
	INSN_IOS=${INSN_IOS:-2000 12000}
	POINTS=${POINTS:-randread-512-*-irq randread-4k-*-irq randwrite-4k-*-irq uring_cmd-*-irq}
	NULL_BLK=0
	MEM_LOADS=0
	RUNTIME=${RUNTIME:-1}
	RAMP=0
	CHUNK=${CHUNK:-0}
	read -r ios1 ios2 rest <<<"$INSN_IOS" || true
	# decimal, no leading zero (JSON; bash's arithmetic), at most 9 digits
	if [ -n "${rest:-}" ] || ! [[ ${ios1:-} =~ ^[1-9][0-9]{0,8}$ ]] ||
	   ! [[ ${ios2:-} =~ ^[1-9][0-9]{0,8}$ ]] || [ "$ios2" -le "$ios1" ]; then
		echo "bench.sh: INSN_IOS must be two whole numbers (no leading zero, at most 9 digits), the second larger, not '$INSN_IOS'" >&2
		exit 2
	fi
fi
if [ "${SMOKE:-0}" = 1 ]; then
	SAMPLES=${SAMPLES:-1}
	RUNTIME=${RUNTIME:-1}
	RAMP=${RAMP:-1}
	POINTS=${POINTS:-randread-512-qd1-irq randread-4k-qd32-irq randread-4k-qd32-poll randwrite-4k-qd32-irq uring_cmd-randread-4k-qd32-irq}
	CHUNK=${CHUNK:-0}
fi
SAMPLES=${SAMPLES:-10}
RUNTIME=${RUNTIME:-5}
RAMP=${RAMP:-2}
POINTS=${POINTS:-}
CHUNK=${CHUNK:-4}
NULL_BLK=${NULL_BLK:-1}
NULL_BLK_SAMPLES=${NULL_BLK_SAMPLES:-$SAMPLES}
MEM_LOADS=${MEM_LOADS:-3}
BACKEND=${BACKEND:-null}

for v in SAMPLES RUNTIME RAMP CHUNK NULL_BLK NULL_BLK_SAMPLES MEM_LOADS; do
	case ${!v} in
	'' | *[!0-9]*)
		echo "bench.sh: $v must be a whole number, not '${!v}'" >&2
		exit 2
		;;
	esac
done
if [ "$SAMPLES" -lt 1 ] || [ "$RUNTIME" -lt 1 ]; then
	echo "bench.sh: SAMPLES and RUNTIME must be at least 1" >&2
	exit 2
fi
case $BACKEND in
null) topo="one" ;;
file) topo="file" ;;
*)
	echo "bench.sh: BACKEND must be null or file, not '$BACKEND'" >&2
	exit 2
	;;
esac

if [ -z "${KVER:-}" ]; then
	KVER=$(SID=0 "$vm/kernels.sh" | tail -n1) || exit 2
fi
if ! [ -f "$root/build/$KVER/cnvme.ko" ]; then
	# a short form (6.12): the release it names
	full=$(KERNELS=$KVER "$vm/kernels.sh" | tail -n1) || exit 2
	KVER=$full
fi
[ -f "$root/build/$KVER/cnvme.ko" ] || {
	echo "bench.sh: no build/$KVER/cnvme.ko: build it first (make)" >&2
	exit 2
}

# --- the points ---------------------------------------------------------------
selected=$(all_points | while read -r name rest; do
	if [ -z "$POINTS" ]; then
		echo "$name $rest"
		continue
	fi
	for pat in ${POINTS//,/ }; do
		# shellcheck disable=SC2053
		if [[ $name == $pat ]]; then
			echo "$name $rest"
			break
		fi
	done
done)
npoints=$(printf '%s\n' "$selected" | grep -c . || true)
[ "$npoints" -gt 0 ] || {
	echo "bench.sh: POINTS='$POINTS' matches no point (LIST=1 lists them)" >&2
	exit 2
}
[ "$CHUNK" -gt 0 ] || CHUNK=$npoints

# --- the guest's files ----------------------------------------------------------
OUT=${OUT:-$root/build/bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
guest=$OUT/guest
rm -rf "$guest"
mkdir -p "$guest/lib"
install -m 0755 "$root/selftests/bench/bench_guest.sh" "$guest/"
install -m 0644 "$root/selftests/lib/cnvme.sh" "$guest/lib/"
printf '%s\n' "$selected" >"$guest/bench.points"
cat >"$guest/bench.cfg" <<EOF
SAMPLES=$SAMPLES
RUNTIME=$RUNTIME
RAMP=$RAMP
CHUNK=$CHUNK
NULL_BLK=$NULL_BLK
NULL_BLK_SAMPLES=$NULL_BLK_SAMPLES
MEM_LOADS=$MEM_LOADS
POLL_QUEUES=1
INSN=$INSN
INSN_IOS="${INSN_IOS:-}"
EOF
qemu_args=${QEMU_ARGS:-}
if [ "$INSN" = 1 ]; then
	"$root/scripts/build-insn-plugin.sh" "$root/build/plugin" || exit 2
	install -m 0755 "$root/build/plugin/insn-mark" "$guest/"
	# QEMU splits -plugin's options at commas, run.sh QEMU_ARGS at blanks
	case $OUT$root in
	*[,[:space:]]*)
		echo "bench.sh: with INSN=1 neither OUT nor the checkout may contain a comma or a blank: $OUT, $root" >&2
		exit 2
		;;
	esac
	rm -f "$OUT/insn.dump"
	qemu_args="$qemu_args -plugin file=$root/build/plugin/libinsn_count.so,out=$OUT/insn.dump"
fi

# Time: per point and target the ramp, the run and about 1 s of fio start
# and stop under TCG; per driver turn about 5 s of unload, load and probe
# (more for the loads that measure memory).  The limits are four times
# that, plus the boot.
targets=2
nulls=0
if [ "$NULL_BLK" = 1 ]; then
	targets=3
	nulls=$((NULL_BLK_SAMPLES < SAMPLES ? NULL_BLK_SAMPLES : SAMPLES))
fi
turns=$(((npoints + CHUNK - 1) / CHUNK))
est=$(((SAMPLES * 2 + nulls) * npoints * (RAMP + RUNTIME + 1) +
	SAMPLES * turns * 2 * 5 + MEM_LOADS * 2 * 5))
if [ "$INSN" = 1 ]; then
	# two fio runs a point, up to 5000 I/Os a second under the plugin,
	# and about 2 s each of fio's start
	est=$((SAMPLES * 2 * npoints * ((ios1 + ios2) / 5000 + 4) + SAMPLES * turns * 2 * 5))
fi
test_timeout=$((est * 4 + 120))
timeout=$((test_timeout + 300))

cmd="make bench"
for v in SMOKE INSN INSN_IOS SAMPLES RUNTIME RAMP POINTS CHUNK NULL_BLK NULL_BLK_SAMPLES MEM_LOADS BACKEND; do
	[ -n "${!v:-}" ] && cmd="$cmd $v='${!v}'"
done
cmd="$cmd KVER=$KVER"
echo "# bench: $npoints points x $SAMPLES samples x $targets targets, ${RUNTIME}s + ${RAMP}s ramp each, on $KVER ($BACKEND backend)"
echo "# bench: about $((est / 60 + 1)) min; output in $OUT"

rc=0
KVER=$KVER TOPO=$topo DRIVER=cnvme MODPARAMS=poll_queues=1 \
	TESTS=bench_guest.sh SELFTESTS_DIR=$guest UNLOAD=0 \
	TEST_TIMEOUT=$test_timeout TIMEOUT=$timeout RUNDIR=$OUT/vm \
	INTERACTIVE=0 SMP=2 QEMU_ARGS=$qemu_args "$vm/run.sh" >"$OUT/run.log" 2>&1 </dev/null || rc=$?
grep -E '^# (PASS|FAIL)' "$OUT/run.log" || tail -n 20 "$OUT/run.log"

ln -sfn "$(basename "$OUT")" "$(dirname "$OUT")/latest" 2>/dev/null || true
rrc=0
if [ "$INSN" = 1 ]; then
	"$py" "$root/scripts/insn_report.py" --tap "$OUT/vm/tap.log" \
		--dump "$OUT/insn.dump" --out "$OUT" --command "$cmd" --check || rrc=$?
	echo "# bench: results in $OUT (insn.json, insn.txt, insn.png)"
else
	"$py" "$root/scripts/bench_report.py" --tap "$OUT/vm/tap.log" --out "$OUT" \
		--command "$cmd" --check || rrc=$?
	echo "# bench: results in $OUT (results.json, summary.txt, iops.png, reldiff.png, cpu.png)"
fi
if [ "$rc" -ne 0 ]; then
	echo "# bench: the VM run failed (exit $rc): see $OUT/run.log and $OUT/vm/" >&2
	exit 1
fi
[ "$rrc" -eq 0 ] || exit 1
exit 0
