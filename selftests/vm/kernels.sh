#!/bin/bash
# List the kernel releases a cnvme VM test can use: those with both a
# bootable image (/boot/vmlinuz-K) and a headers tree to build against
# (/lib/modules/K/build/Makefile).  One per line, oldest first.
#
# KERNELS="6.1 6.12"  optional filter, space separated; each word matches a
#                     release exactly or as a prefix followed by a non-digit
#                     (so "6.1" matches 6.1.0-56-amd64 but not 6.12.x).
# BOOT_DIR / MODULES_DIR override /boot and /lib/modules (for testing).
#
# Debian unstable's kernel is listed too, once scripts/sid-kernel.sh has
# set it up (outside /boot; Documentation/testing.rst); SID=0 leaves it
# out.
# kernels.sh --dir RELEASE: the directory of such a kernel (vmlinuz,
# release, config, modules/lib/modules/RELEASE: run.sh's KERNEL_DIR);
# exit 1 for a kernel of /boot.
# DEBUG_KERNEL=1: the debug kernel too, once scripts/debug-kernel.sh has
# built it (selftests/check.sh runs it apart from the matrix).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
external() { # the directories of the kernels outside /boot
	if [ "${SID:-1}" = 1 ]; then
		"$here/../../scripts/sid-kernel.sh" --print || true
	fi
	if [ "${DEBUG_KERNEL:-0}" = 1 ]; then
		"$here/../../scripts/debug-kernel.sh" --print 2>/dev/null || true
	fi
}

if [ "${1:-}" = --dir ]; then
	for d in $(external); do
		[ "$(cat "$d/release")" = "$2" ] && { echo "$d"; exit 0; }
	done
	exit 1
fi

boot_dir=${BOOT_DIR:-/boot}
mod_dir=${MODULES_DIR:-/lib/modules}
filter=${KERNELS:-}

matches() { # matches RELEASE -> 0 if RELEASE passes the KERNELS filter
	local k=$1 f rest
	[ -z "$filter" ] && return 0
	for f in $filter; do
		[ "$k" = "$f" ] && return 0
		case $k in
		"$f"*)
			rest=${k#"$f"}
			case $rest in [0-9]*) ;; *) return 0 ;; esac
			;;
		esac
	done
	return 1
}

list=$({ for img in "$boot_dir"/vmlinuz-*; do
	[ -f "$img" ] || continue
	k=${img#"$boot_dir"/vmlinuz-}
	[ -f "$mod_dir/$k/build/Makefile" ] || continue
	matches "$k" || continue
	printf '%s\n' "$k"
done
for d in $(external); do
	k=$(cat "$d/release")
	matches "$k" && printf '%s\n' "$k"
done; } | sort -V)

if [ -z "$list" ]; then
	echo "kernels.sh: no kernel with image and headers matches KERNELS='$filter'" >&2
	exit 1
fi
printf '%s\n' "$list"
