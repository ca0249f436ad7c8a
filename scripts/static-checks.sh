#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, each printed as a TAP line:
#   build     W=1 build for every kernel (the debug kernel's too, once
#             built), no compiler warning; for the
#             kernel of a chroot (scripts/sid-kernel.sh) W=1 and C=2
#   sparse    make C=2 for every kernel, no sparse report
#   checkpatch --strict --no-tree over src/ compat/ uapi/, nothing reported
#   dkms      dkms add + build against every kernel's headers, in a
#             private dkms tree (the system's is left alone)
#   index     every declaration of src/cnvme.h is under the heading of
#             the file that defines it (scripts/header-index.py)
# Usage: static-checks.sh [all|build|sparse|checkpatch|dkms|index]...
# The last line is "# static: P passed, F failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
logdir=$root/build/static
# kbuild compiles the objects of one module in parallel
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$logdir"
passed=0
failed=0
n=0

result() {	# name rc logfile
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n $1"
	else
		failed=$((failed + 1))
		echo "not ok $n $1 (log: $3)"
		sed 's/^/# /' "$3" | tail -n 30
	fi
}

kernels() {
	for mk in /lib/modules/*/build/Makefile; do
		[ -e "$mk" ] && dirname "$mk"
	done
}

# the debug kernel's tree, once built (scripts/debug-kernel.sh)
debug_kernel() {
	local d
	d=$("$root/scripts/debug-kernel.sh" --print 2>/dev/null) && echo "$d/build"
}

kver_of() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

# build_w1 NAME KVER MAKE-ARGS...: a W=1 build without a warning
build_w1() {
	local name=$1 k=$2 log=$logdir/build-$2.log rc
	shift 2
	rm -rf "$root/build/$k"
	make -C "$root" -j"$jobs" W=1 "$@" modules >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "warning:" "$log"; then rc=1; fi
	result "$name" $rc "$log"
}

# sparse NAME KVER SRCDIR MAKE-ARGS...: C=2 with no report on SRCDIR's
# files (the sources' path where they were built)
sparse() {
	local name=$1 k=$2 src=$3 log=$logdir/sparse-$2.log rc
	shift 3
	make -C "$root" -j"$jobs" C=2 "$@" modules >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -E "^$src/.*: (warning|error):" "$log" >/dev/null; then
		rc=1
	fi
	if [ $rc -eq 0 ] && ! grep -q "CHECK " "$log"; then
		echo "sparse did not run" >>"$log"
		rc=1
	fi
	result "$name" $rc "$log"
}

check_build() {
	for kdir in $(kernels) $(debug_kernel); do
		k=$(kver_of "$kdir")
		build_w1 "build W=1 for $k: no warning" "$k" KDIR="$kdir"
	done
}

# the kernels built inside a chroot (scripts/sid-kernel.sh), when set up:
# W=1 and sparse there (its sources are in the chroot's /tmp/cnvme)
check_build_chroot() {
	local d k
	for d in $("$root/scripts/sid-kernel.sh" --print); do
		k=$(cat "$d/release")
		build_w1 "build W=1 for $k (in its chroot): no warning" "$k" \
			CHROOT_KERNEL="$d"
		# kbuild runs sparse only where this script says it may
		if [ ! -e "$d/chroot/usr/src/linux-headers-$k/scripts/checker-valid.sh" ] &&
		   ! ls "$d"/chroot/usr/src/linux-headers-*-common/scripts/checker-valid.sh >/dev/null 2>&1; then
			n=$((n + 1))
			echo "ok $n sparse (C=2) for $k # SKIP its headers package has no scripts/checker-valid.sh"
			continue
		fi
		sparse "sparse (C=2) for $k (in its chroot): no report" "$k" \
			/tmp/cnvme CHROOT_KERNEL="$d"
	done
}

check_sparse() {
	for kdir in $(kernels); do
		k=$(kver_of "$kdir")
		sparse "sparse (C=2) for $k: no report" "$k" "$root" KDIR="$kdir"
	done
}

# LINUX_VERSION_CODE is ignored: compat/ exists to switch on it, which
# the rule (meant for code merged upstream) cannot know.
check_checkpatch() {
	ksrc=$("$root/scripts/ksrc.sh") || return 1
	log=$logdir/checkpatch.log
	files=$(cd "$root" && ls src/*.[ch] compat/*.[ch] uapi/*/*.h uapi/*.h 2>/dev/null)
	(cd "$root" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
		--terse --show-types --ignore LINUX_VERSION_CODE \
		-f $files) >"$log" 2>&1
	rc=0
	grep -v "total: 0 errors, 0 warnings, 0 checks" "$log" | grep -q . && rc=1
	result "checkpatch --strict: nothing reported" $rc "$log"
}

check_index() {
	log=$logdir/index.log
	python3 "$root/scripts/header-index.py" "$root/src" >"$log" 2>&1
	result "cnvme.h: each declaration under its file's heading" $? "$log"
}

check_dkms() {
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$root/dkms.conf")
	tmp=$(mktemp -d)
	mkdir -p "$tmp/src/cnvme-$ver" "$tmp/dkms"
	(cd "$root" && git ls-files -co --exclude-standard | grep -v '^build/' |
		tar -cf - -T -) | tar -xf - -C "$tmp/src/cnvme-$ver"
	log=$logdir/dkms-add.log
	dkms add -m cnvme -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" >"$log" 2>&1
	result "dkms add" $? "$log"
	for kdir in $(kernels); do
		k=$(kver_of "$kdir")
		log=$logdir/dkms-$k.log
		dkms build -m cnvme -v "$ver" -k "$k" --sourcetree "$tmp/src" \
			--dkmstree "$tmp/dkms" >"$log" 2>&1
		rc=$?
		[ $rc -eq 0 ] && ! ls "$tmp/dkms/cnvme/$ver/$k"/*/module/cnvme.ko* >/dev/null 2>&1 && rc=1
		result "dkms build for $k" $rc "$log"
	done
	rm -rf "$tmp"
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
	case $what in
	all) check_build; check_build_chroot; check_sparse; check_checkpatch
	     check_index; check_dkms ;;
	build) check_build; check_build_chroot ;;
	sparse) check_sparse ;;
	checkpatch) check_checkpatch ;;
	dkms) check_dkms ;;
	index) check_index ;;
	*) echo "unknown check $what" >&2; exit 2 ;;
	esac
done
echo "# static: $passed passed, $failed failed"
[ $failed -eq 0 ]
