#!/bin/bash
# List the kernel releases a cnvme VM test can use: those with both a
# bootable image (/boot/vmlinuz-K) and a headers tree to build against
# (/lib/modules/K/build/Makefile).  One per line, oldest first.
#
# KERNELS="6.1 6.12"  optional filter, space separated; each word matches a
#                     release exactly or as a prefix followed by a non-digit
#                     (so "6.1" matches 6.1.0-56-amd64 but not 6.12.x).
# BOOT_DIR / MODULES_DIR override /boot and /lib/modules (for testing).
set -eu

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

found=0
for img in "$boot_dir"/vmlinuz-*; do
	[ -f "$img" ] || continue
	k=${img#"$boot_dir"/vmlinuz-}
	[ -f "$mod_dir/$k/build/Makefile" ] || continue
	matches "$k" || continue
	printf '%s\n' "$k"
	found=1
done | sort -V

# sort hides the loop's status; recompute for the error message
if [ -n "$filter" ] && [ -z "$("$0" 2>/dev/null | head -n1)" ]; then
	echo "kernels.sh: no kernel matches KERNELS='$filter'" >&2
	exit 1
fi
: "$found"
