#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mirror.sh: the Debian registry the chroots are made from: DEBIAN_MIRROR,
# else the host's own (deb822 sources or sources.list), else
# deb.debian.org.
set -u
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null || true)
fi
echo "${mirror:-http://deb.debian.org/debian}"
