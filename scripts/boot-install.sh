#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot-install.sh install|uninstall: put cnvme in charge of the NVMe
# disks from boot on, the root disk included, or go back to the in-kernel
# nvme driver.  Run as root by "make install-boot" / "make uninstall-boot"
# on a Debian system with dkms and initramfs-tools.
#
# install:   the sources to /usr/src/cnvme-<version>, DKMS builds and
#            installs cnvme.ko for every kernel whose headers are
#            installed (and, through DKMS's kernel hooks, for every
#            kernel installed later), /etc/modprobe.d/cnvme.conf
#            (blacklist nvme), the initramfs-tools hook and init-top
#            script, then every initramfs is rebuilt.
# uninstall: all of that removed, every initramfs rebuilt: the next boot
#            is on nvme.
# DESTDIR is not supported: DKMS and update-initramfs act on this system.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=cnvme
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$root/dkms.conf")
src=/usr/src/$name-$ver
hook=/etc/initramfs-tools/hooks/$name
top=/etc/initramfs-tools/scripts/init-top/$name
conf=/etc/modprobe.d/$name.conf

die() { echo "boot-install: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"
command -v update-initramfs >/dev/null ||
	die "no update-initramfs: only initramfs-tools is supported"

# the kernels DKMS can build for now
kernels() {
	for mk in /lib/modules/*/build/Makefile; do
		[ -e "$mk" ] || continue
		mk=${mk%/build/Makefile}
		echo "${mk#/lib/modules/}"
	done
}

# every version of cnvme DKMS knows, out of DKMS and /usr/src
dkms_remove() {
	local v
	command -v dkms >/dev/null || { rm -rf "$src"; return 0; }
	for v in $(dkms status -m "$name" 2>/dev/null |
		sed -n "s/^$name[/,] *\([^,:]*\).*/\1/p" | sort -u); do
		echo "boot-install: dkms remove $name/$v"
		dkms remove -m "$name" -v "$v" --all >/dev/null
		rm -rf "/usr/src/$name-$v"
	done
	rm -rf "$src"
}

case ${1:-} in
install)
	command -v dkms >/dev/null || die "no dkms (apt-get install dkms)"
	dkms_remove
	mkdir -p "$src"
	(cd "$root" && cp -r --parents dkms.conf Kbuild Makefile src compat \
		uapi scripts/compat-probe.sh "$src/")
	dkms add -m "$name" -v "$ver"
	built=0
	for k in $(kernels); do
		if dkms install -m "$name" -v "$ver" -k "$k"; then
			built=$((built + 1))
		else
			echo "boot-install: cnvme did not build for $k: that kernel boots on nvme" >&2
		fi
	done
	[ "$built" -gt 0 ] || die "cnvme built for no kernel (linux-headers-$(uname -r) missing?)"
	install -m 0644 "$root/boot/modprobe.conf" "$conf"
	install -D -m 0755 "$root/boot/initramfs-hook" "$hook"
	install -D -m 0755 "$root/boot/initramfs-init-top" "$top"
	update-initramfs -u -k all
	echo "boot-install: cnvme $ver installed for $built kernel(s); nvme is blacklisted"
	echo "boot-install: back to nvme for one boot: add module_blacklist=cnvme to the kernel command line"
	;;
uninstall)
	rm -f "$conf" "$hook" "$top"
	dkms_remove
	update-initramfs -u -k all
	echo "boot-install: cnvme removed; the next boot uses nvme"
	;;
*)
	die "usage: boot-install.sh install|uninstall"
	;;
esac
