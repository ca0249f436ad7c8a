#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sid-kernel.sh [--experimental|--trixie] [--print]
#
# Debian unstable's kernel (mainline, 7.2 as of December 2026) for the
# VM tests.  Its headers need a newer gcc and glibc than Debian 12 has, so
# cnvme is built for it inside a Debian unstable chroot made with
# debootstrap from the same package registry (the host's apt
# configuration is left alone).  The chroot holds the kernel's headers and
# compiler; the kernel image package is unpacked beside it:
#
#   $CACHE/root/                       the chroot (scripts/chroot-build.sh)
#   $CACHE/kernels/<release>/vmlinuz   what the VM runner boots
#   $CACHE/kernels/<release>/modules/lib/modules/<release>/
#   $CACHE/kernels/<release>/config, release
#   $CACHE/kernels/<release>/chroot -> $CACHE/root (build there)
#
# CACHE: $CNVME_CACHE/sid (default ~/.cache/cnvme/sid).  The versions are
# what unstable ships when this runs (apt-get update each time; a newer
# kernel replaces the older one).  Prints the kernel's directory.
# --print: build nothing, print it if there is one (exit 1 if not).
# --experimental: the same from experimental (a release candidate of the
# next mainline, 7.3-rc as of December 2026), in a chroot of its own
# ($CNVME_CACHE/exp): unstable with experimental's packages preferred.
# It is make check's canary: built for and booted once, never counted.
# --trixie: Debian 13's own kernel (6.12, built with trixie's gcc 14,
# which Debian 12 lacks), in a trixie chroot ($CNVME_CACHE/trixie).
set -euo pipefail

suite=unstable name=sid base=sid
case ${1:-} in
--experimental) suite=experimental name=exp; shift ;;
--trixie) suite=trixie name=trixie base=trixie; shift ;;
--print | '') ;;
*) echo "sid-kernel: unknown option $1 (--experimental, --trixie, --print)" >&2; exit 2 ;;
esac
mirror=$("$(dirname "$0")/mirror.sh")
cache=${CNVME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cnvme}/$name
root=$cache/root

latest() { # the newest kernel directory with everything in place
	local d best=
	for d in "$cache"/kernels/*/; do
		[ -s "$d/release" ] && [ -f "$d/vmlinuz" ] && [ -d "$d/chroot/" ] &&
			best=${d%/}
	done
	[ -n "$best" ] && echo "$best"
}

if [ "${1:-}" = --print ]; then
	latest
	exit
fi
[ "$(id -u)" -eq 0 ] || { echo "sid-kernel: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "sid-kernel: no debootstrap (make deps)" >&2; exit 1; }

start=$(date +%s)
if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -f "$cache/root.done" ]; then
	echo "sid-kernel: debootstrap $base from $mirror" >&2
	# never into a mounted /proc (a build that was killed)
	! mountpoint -q "$root/proc" || umount "$root/proc"
	rm -rf --one-file-system "$root" "$cache/root.done"
	mkdir -p "$cache"
	sid_root=${cache%/*}/sid/root
	if [ "$suite" = experimental ] && [ -f "${sid_root%/root}/root.done" ]; then
		# unstable's chroot is the same start, and has gcc already
		cp -ax "$sid_root" "$root"
	else
		debootstrap --variant=minbase "$base" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
			tail -n 20 "$cache/debootstrap.log" >&2
			exit 1
		}
	fi
	if [ "$suite" = experimental ]; then
		# experimental's packages first, the rest from unstable
		echo "deb $mirror experimental main" \
			>"$root/etc/apt/sources.list.d/experimental.list"
		echo 'APT::Default-Release "experimental";' \
			>"$root/etc/apt/apt.conf.d/99experimental"
	fi
	touch "$cache/root.done"
fi

in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
# (the registry may be a snapshot whose unstable Release file is past its
# Valid-Until date)
echo "sid-kernel: installing $suite's kernel headers" >&2
in_root apt-get -o Acquire::Check-Valid-Until=false update -q >"$cache/apt.log" 2>&1 || { tail -n 20 "$cache/apt.log" >&2; exit 1; }
in_root apt-get install -y -q --no-install-recommends \
	linux-headers-amd64 make sparse >>"$cache/apt.log" 2>&1 || {
	tail -n 20 "$cache/apt.log" >&2
	exit 1
}
# the image that linux-image-amd64 stands for, unpacked (not installed:
# the chroot boots nothing)
image=$(in_root apt-cache depends linux-image-amd64 |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
[ -n "$image" ] || { echo "sid-kernel: no image behind linux-image-amd64" >&2; exit 1; }
release=${image#linux-image-}
[ -f "$root/lib/modules/$release/build/Makefile" ] || {
	echo "sid-kernel: headers of $release not installed ($suite is moving?)" >&2
	exit 1
}
# kbuild runs sparse only when the headers tree's
# scripts/checker-valid.sh says so, and Debian's headers packages lack
# it: ours stands in (scripts/checker-valid.sh)
cv=$root/usr/src/linux-headers-${release%-amd64}-common/scripts/checker-valid.sh
if [ -d "${cv%/*}" ] && [ ! -e "$cv" ]; then
	install -m 0755 "$(dirname "$0")/checker-valid.sh" "$cv"
fi
# the package's version too: a release candidate's release string
# (7.3-amd64) stays the same from one rc to the next
version=$(in_root apt-cache policy "$image" | sed -n 's/^ *Candidate: *//p')
[ -n "$version" ] || { echo "sid-kernel: no version of $image" >&2; exit 1; }
dir=$cache/kernels/$release
if [ ! -s "$dir/release" ] || [ "$(cat "$dir/version" 2>/dev/null)" != "$version" ]; then
	echo "sid-kernel: unpacking $image $version" >&2
	rm -rf "$dir"
	mkdir -p "$dir/modules" "$root/tmp/deb"
	# the image package and the ones of the same release it depends on
	# (7.x splits the kernel binary, its modules and /boot's files)
	debs="$image $(in_root apt-cache depends "$image" |
		sed -n "s/^ *Depends: \(linux-[a-z]*-$release\)$/\1/p" | tr '\n' ' ')"
	(cd "$root/tmp/deb" && rm -f ./*.deb &&
		in_root sh -c "cd /tmp/deb && apt-get download -q $debs") >>"$cache/apt.log" 2>&1 || {
		tail -n 20 "$cache/apt.log" >&2
		exit 1
	}
	for deb in "$root"/tmp/deb/*.deb; do
		dpkg-deb -x "$deb" "$dir/modules"
	done
	# merged /usr: lib/modules is usr/lib/modules
	[ -d "$dir/modules/lib/modules" ] || [ ! -d "$dir/modules/usr/lib/modules" ] ||
		ln -s usr/lib "$dir/modules/lib"
	rm -rf "$root/tmp/deb"
	# /boot's files, or (7.x) beside the modules
	m=$dir/modules/lib/modules/$release
	for f in vmlinuz config; do
		for src in "$dir/modules/boot/$f-$release" "$m/$f"; do
			[ -f "$src" ] && cp "$src" "$dir/$f" && break
		done
		[ -f "$dir/$f" ] || { echo "sid-kernel: no $f in $image" >&2; exit 1; }
	done
	ln -sfn "$root" "$dir/chroot"
	depmod -b "$dir/modules" "$release"
	echo "$version" >"$dir/version"
	echo "$release" >"$dir/release"
	# an older kernel of the suite is of no more use
	for old in "$cache"/kernels/*/; do
		[ "${old%/}" = "$dir" ] || rm -rf "$old"
	done
fi
echo "sid-kernel: $release ready in $(($(date +%s) - start)) s" >&2
echo "$dir"
