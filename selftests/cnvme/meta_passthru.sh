#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Metadata through passthrough (meta topology, namespace 2: 4096-byte
# blocks with 8 bytes of separate metadata, no PI): nvme write with a
# metadata file, then nvme read of data and metadata, both as written;
# on the admin queue metadata is refused with EINVAL.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 5
if [ "$TOPO" != meta ]; then
	for t in "write with metadata" "read back data and metadata" "admin metadata refused" \
		"metadata buffer shorter than the command moves" \
		"no metadata buffer for a command that moves metadata"; do
		tap_skip "$t" "needs the meta topology"
	done
	tap_exit
fi
wait_ctrls_live 30
dev=$(wait_ns_dev 2 30) || { tap_fail "namespace 2 present"; tap_exit; }
d=/tmp/metapt
mkdir -p $d
dd if=/dev/urandom of=$d/data bs=4096 count=4 2>/dev/null
dd if=/dev/urandom of=$d/meta bs=8 count=4 2>/dev/null

tap_check "write 4 blocks with metadata" \
	nvme write "$dev" -s 100 -c 3 -z 16384 -d $d/data -y 32 -M $d/meta
rd() {
	nvme read "$dev" -s 100 -c 3 -z 16384 -d $d/data.out -y 32 -M $d/meta.out || return 1
	cmp $d/data $d/data.out || return 1
	cmp $d/meta $d/meta.out
}
tap_check "read back data and metadata as written" rd
# 4 blocks move 32 bytes of metadata: a 4-byte buffer would be overrun
# by the device (a kernel heap overflow through the bounce buffer);
# cnvme refuses it (issue 17).  The in-kernel driver is not asserted.
short() {
	local out
	# Read (02h) of blocks 100-103 of NSID 2, 4 bytes of metadata room
	out=$(nvme io-passthru "$dev" --opcode=0x2 --namespace-id=2 \
		--cdw10=100 --cdw12=3 --data-len=16384 --metadata-len=4 \
		--read 2>&1)
	echo "$out" | grep -q "Invalid argument" || { echo "$out"; return 1; }
}
# the same read with no metadata buffer at all: the controller would
# write 32 bytes of metadata to bus address 0 (MPTR 0)
none() {
	local out
	out=$(nvme io-passthru "$dev" --opcode=0x2 --namespace-id=2 \
		--cdw10=100 --cdw12=3 --data-len=16384 --read 2>&1)
	echo "$out" | grep -q "Invalid argument" || { echo "$out"; return 1; }
}
if [ "$DRIVER" = cnvme ]; then
	tap_check "metadata buffer shorter than the command moves: EINVAL" short
	tap_check "no metadata buffer for a command that moves metadata: EINVAL" none
else
	tap_skip "metadata buffer shorter than the command moves: EINVAL" \
		"cnvme's own check"
	tap_skip "no metadata buffer for a command that moves metadata: EINVAL" \
		"cnvme's own check"
fi
# metadata on the admin queue: EINVAL before anything is sent.  Debian's
# 6.1 in-kernel driver leaks the request on this error and then hangs
# for ever at unload (blk_mq_destroy_queue waits on the admin queue).
if [ "$DRIVER" = nvme ] && [ "${KVER#6.1.}" != "$KVER" ]; then
	tap_skip "admin command with metadata: EINVAL" \
		"the 6.1 in-kernel driver leaks a request here and hangs at unload"
	tap_exit
fi
adm() {
	out=$(nvme admin-passthru /dev/nvme0 -o 6 --cdw10=1 -l 4096 -r -m 8 2>&1)
	echo "$out" | grep -q "Invalid argument" || { echo "$out"; return 1; }
}
tap_check "admin command with metadata: EINVAL" adm
tap_exit
