#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data survives a guest reboot: for each kernel and driver, one boot
# writes 64 MiB with verification headers to a file-backed namespace and
# powers off, a second boot of the same image verifies it.  Prints TAP
# lines and "# reboot: P passed, F failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/reboot
rm -rf "$dir"
mkdir -p "$dir/tests/lib"
install -m 0755 "$root"/selftests/reboot/*.sh "$dir/tests/"
install -m 0644 "$root"/selftests/lib/*.sh "$dir/tests/lib/"

case ${DRIVER:-cnvme} in
all) drivers="cnvme nvme" ;;
*) drivers=${DRIVER:-cnvme} ;;
esac
passed=0
failed=0
n=0
# Debian 12's kernels (unstable's: the matrix only, for CI's time)
kernels=$(SID=0 "$root/selftests/vm/kernels.sh")
newest=$(echo "$kernels" | tail -n 1)
for k in $kernels; do
	for d in $drivers; do
		# the reference checks the test itself: the newest kernel is
		# enough (EXTRA_REF=all: every kernel)
		[ "$d" = nvme ] && [ "${EXTRA_REF:-newest}" != all ] &&
			[ "$k" != "$newest" ] && continue
		img=$dir/$k-$d.img
		rm -f "$img"
		ok=1
		for step in write read; do
			out=$(FILE_IMAGE=$img KVER=$k TOPO=file DRIVER=$d \
				SELFTESTS_DIR=$dir/tests TESTS=$step.sh \
				"$root/selftests/vm/run.sh" 2>&1)
			if [ $? -ne 0 ]; then
				ok=0
				echo "$out" | sed 's/^/# /' | tail -n 30
				break
			fi
		done
		n=$((n + 1))
		if [ $ok = 1 ]; then
			passed=$((passed + 1))
			echo "ok $n $k $d: data survives a guest reboot"
		else
			failed=$((failed + 1))
			echo "not ok $n $k $d: data survives a guest reboot (failed at $step)"
		fi
		rm -f "$img"
	done
done
echo "# reboot: $passed passed, $failed failed"
[ $failed -eq 0 ]
