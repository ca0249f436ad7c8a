#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bare-check.sh: the README's first command on a bare Debian 12.
#
# Makes a minimal Debian 12 chroot (debootstrap --variant=minbase
# bookworm, from the host's package registry, with the apt sources of a
# Debian 12 installation: main, updates, security), copies this repository's
# committed tree into it (a bare system has no git), and runs in it the
# README's first command exactly as the README writes it, then a short
# make check (one kernel, one topology, two tests).  A package missing
# from scripts/deps.sh, or installed too late, fails here rather than on
# a new user's machine.  Not part of make check: it downloads and
# installs every package (about 1 GB).
#
#   BARE_DIR   the chroot (default /tmp/cnvme-bare; removed first)
#   BARE_TESTS the make check subset's tests (default "kernel_log.sh
#              fio_verify.sh")
#   DEBIAN_MIRROR  as for sid-kernel.sh (default: the host's registry)
#
# Prints each step's time and "bare-check: ok" or the failing step's
# log; exit 0 only when both commands passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BARE_DIR:-/tmp/cnvme-bare}
tests=${BARE_TESTS:-kernel_log.sh fio_verify.sh}
mirror=$("$(dirname "$0")/mirror.sh")
[ "$(id -u)" -eq 0 ] || { echo "bare-check: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "bare-check: no debootstrap" >&2; exit 1; }

# the README's first command, as written: the first line of its first
# sh block, its comment cut off
cmd=$(awk '/^```sh/ { f = 1; next } f { print; exit }' "$root/README.md" |
	sed 's/[[:space:]]*#.*$//')
[ -n "$cmd" ] || { echo "bare-check: no command in README.md" >&2; exit 1; }

mounts=(proc sys dev dev/pts)
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		mountpoint -q "$dir/${mounts[i]}" && umount -l "$dir/${mounts[i]}"
	done
	return 0
}
trap cleanup EXIT

step() { # step NAME LOG COMMAND...: run, time, show the log's end on failure
	local name=$1 log=$2 t0=$(date +%s)
	shift 2
	if "$@" >"$log" 2>&1; then
		echo "bare-check: $name: ok in $(($(date +%s) - t0)) s"
	else
		echo "bare-check: $name: FAILED after $(($(date +%s) - t0)) s ($log)"
		tail -n 40 "$log"
		exit 1
	fi
}

start=$(date +%s)
cleanup
rm -rf --one-file-system "$dir"
mkdir -p "$dir"
step "debootstrap --variant=minbase bookworm ($mirror)" "$dir.debootstrap.log" \
	debootstrap --variant=minbase bookworm "$dir" "$mirror"
mkdir -p "$dir/root/cnvme"
git -C "$root" archive HEAD | tar -x -C "$dir/root/cnvme"
mount -t proc proc "$dir/proc"
mount -t sysfs sys "$dir/sys"
mount --bind /dev "$dir/dev"
mount -t devpts devpts "$dir/dev/pts"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
# the sources a Debian 12 installation has (debootstrap writes only
# bookworm main; Debian 12's 6.12 kernel comes from bookworm-security)
cat >"$dir/etc/apt/sources.list" <<EOS
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOS

in_root() {
	chroot "$dir" env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c "cd /root/cnvme && $1"
}
step "the README's first command: $cmd" "$dir.first.log" in_root "$cmd"
step "make check (one kernel, file topology: $tests)" "$dir.check.log" \
	in_root "make check STATIC=0 BENCH=0 REBOOT=0 FAULTS=0 PCIE=0 SID_BUILD=0 DEBUG_BUILD=0 TOPOS=file KERNELS=6.12 TESTS='$tests'"
grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir.check.log" | tail -n 1 || true
echo "bare-check: ok in $(($(date +%s) - start)) s"
