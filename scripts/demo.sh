#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: boot a VM with an emulated NVMe SSD on the newest kernel,
# load cnvme and show what it does.  INTERACTIVE=1: a shell in the guest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo=$root/build/demo
rm -rf "$demo"
mkdir -p "$demo/lib"
install -m 0755 "$root/selftests/demo/demo.sh" "$demo/"
install -m 0644 "$root"/selftests/lib/*.sh "$demo/lib/"
# the newest of Debian 12's own kernels (not unstable's, in its chroot)
kver=${KVER:-$(SID=0 "$root/selftests/vm/kernels.sh" | tail -n 1)}
echo "demo: cnvme on $kver, one emulated NVMe controller with a file-backed namespace"
KVER=$kver TOPO=${TOPO:-file} DRIVER=cnvme SELFTESTS_DIR=$demo \
	TESTS=demo.sh INTERACTIVE=${INTERACTIVE:-0} UNLOAD=1 \
	exec "$root/selftests/vm/run.sh"
