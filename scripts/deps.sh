#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, as root, every Debian package that building, booting and
# testing cnvme needs.  Idempotent: with everything present it only checks.
set -euo pipefail

pkgs=(
	build-essential libc6-dev gcc-multilib kmod cpio xz-utils gzip perl python3
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12 bison flex bc libelf-dev libssl-dev
	qemu-system-x86 qemu-utils
	busybox-static nvme-cli fio util-linux e2fsprogs lm-sensors
	sparse dkms debootstrap
	python3-numpy python3-scipy python3-matplotlib
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	     grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
