#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# canary.sh [--trixie]: the next mainline before it is released.  Debian
# experimental's newest kernel (a release candidate: 7.3-rc as of
# December 2026; scripts/sid-kernel.sh --experimental) gets cnvme built
# for it with W=1 in its chroot, and one VM boot of a few tests: I/O with
# verify, io_uring passthrough, and the ioctls compared with that
# kernel's own in-kernel driver.
#
# make check reports it and never counts it: a release candidate may
# break what its release will fix, and the suite's verdict is about the
# kernels people run.  Exits 0 when all of it passed, 1 otherwise (each
# step says why), 2 when there is no experimental kernel to try.
# --trixie: the same for Debian 13's own 6.12 (sid-kernel.sh --trixie),
# which make check does count.
# CANARY_TESTS: the boot's tests (default below).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tests=${CANARY_TESTS:-fio_verify.sh uring_cmd.sh ioctl_diff.sh}
suite=experimental
[ "${1:-}" = --trixie ] && suite=trixie
start=$(date +%s)
runs=$root/build/runs/canary-$suite-$(date +%Y%m%d-%H%M%S)
mkdir -p "$runs"
label=canary
[ "$suite" = trixie ] && label="debian 13"
say() { echo "# $label: $*"; }

if ! dir=$("$root/scripts/sid-kernel.sh" --"$suite" 2>"$runs/kernel.log"); then
	tail -n 5 "$runs/kernel.log" | sed 's/^/#   /'
	say "$suite's kernel could not be set up ($runs/kernel.log)"
	exit 2
fi
release=$(cat "$dir/release")
if ! "$root/scripts/chroot-build.sh" "$dir" W=1 >"$runs/build.log" 2>&1; then
	grep -m 20 -E "error|warning:" "$runs/build.log" | sed 's/^/#   /'
	say "$release: the build failed ($runs/build.log)"
	exit 1
fi
warnings=$(grep -c "warning:" "$runs/build.log")
rc=0
[ "$warnings" -eq 0 ] || {
	grep -m 20 "warning:" "$runs/build.log" | sed 's/^/#   /'
	rc=1
}
say "$release: built with W=1, $warnings warning(s)"

KERNEL_DIR=$dir TOPO=file DRIVER=cnvme TESTS="$tests" \
	RUNDIR="$runs/$release-file-cnvme" \
	"$root/selftests/vm/run.sh" >"$runs/boot.log" 2>&1 </dev/null
boot=$?
grep -E "^(ok|not ok) |^# not ok " "$runs/boot.log" | sed 's/^/#   /'
if [ "$boot" -eq 0 ]; then
	say "$release: booted, $tests: passed"
else
	say "$release: booted, $tests: FAILED ($runs/boot.log)"
	rc=1
fi
say "took $(($(date +%s) - start)) s"
exit $rc
