#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# NVMe topologies for the cnvme test VM.
#
#   topology.sh NAME WORKDIR   QEMU arguments for topology NAME, one per
#                              line on stdout; backing files go in WORKDIR
#   topology.sh --expect NAME  what the guest should find, as shell
#                              assignments: EXPECT_SERIALS (controller
#                              serials, space separated), EXPECT_MODEL,
#                              EXPECT_NAMESPACES ("nsid:lba_bytes:size_bytes"
#                              per namespace, all controllers, space separated)
#   topology.sh --list         the topology names
#
# Topologies:
#   one    one controller, one 1 GiB null-co namespace (512 B blocks)
#   three  an NVM subsystem, one controller, three 256 MiB null-co
#          namespaces with 512, 4096 and 512 byte blocks (NSIDs 1-3)
#   file   one controller, one 256 MiB namespace backed by a sparse raw
#          file in WORKDIR (data written survives within the run), or by
#          $FILE_IMAGE when set, which is kept (data survives reboots)
#   two    two controllers with one 256 MiB null-co namespace each
#   shared an NVM subsystem of two controllers (one serial, as QEMU
#          wants in a subsystem) sharing one 256 MiB
#          file-backed namespace (NSID 1): multipath, two paths
#   meta   one controller, four 64 MiB file-backed namespaces formatted
#          with 8 bytes of metadata: separate, 512 B blocks with T10 PI
#          type 1 (NSID 1); separate, 4 KiB blocks without PI (NSID 2);
#          interleaved (extended LBA), 4 KiB blocks without PI, a format
#          the block layer cannot use (NSID 3); interleaved, 512 B
#          blocks with PI type 1 (NSID 4)
#   pcie   q35 machine, one controller behind a PCIe root port (native
#          PCIe hot-plug slot 1, AER), one 256 MiB file-backed namespace
#   media  one controller, one 64 MiB namespace (512 B blocks) on a qcow2
#          image under QEMU's blkdebug driver, which fails every read
#          that covers guest byte offset 8 MiB (LBA 16384) with EIO
set -eu

MODEL="QEMU NVMe Ctrl"
MiB=1048576
GiB=1073741824
TOPOLOGIES="one three file two shared meta media pcie zoned"
# media: the guest byte offset whose reads fail (selftests know it too)
MEDIA_BAD_OFFSET=$((8 * MiB))

usage() {
	echo "usage: $0 NAME WORKDIR | --expect NAME | --list" >&2
	exit 2
}

expect() {
	local serials ns
	case $1 in
	one) serials="cnvme0001" ns="1:512:$GiB" ;;
	three)
		serials="cnvme0003"
		ns="1:512:$((256 * MiB)) 2:4096:$((256 * MiB)) 3:512:$((256 * MiB))"
		;;
	file) serials="cnvmefile01" ns="1:512:$((256 * MiB))" ;;
	two) serials="cnvme0021 cnvme0022" ns="1:512:$((256 * MiB)) 1:512:$((256 * MiB))" ;;
	shared)
		# one block device: the multipath head
		serials="cnvmeshr01 cnvmeshr01"
		ns="1:512:$((256 * MiB))"
		;;
	meta)
		# QEMU keeps the metadata inside the image: sizes are less than it
		serials="cnvmemeta01" ns=""
		;;
	media) serials="cnvmemedia1" ns="1:512:$((64 * MiB))" ;;
	pcie) serials="cnvmepcie01" ns="1:512:$((256 * MiB))" ;;
	# namespace 2 is zoned (command set 2): only zns.sh knows it
	zoned) serials="cnvmezns001" ns="1:512:$((256 * MiB))" ;;
	*)
		echo "topology.sh: unknown topology '$1' (have: $TOPOLOGIES)" >&2
		exit 2
		;;
	esac
	printf "EXPECT_SERIALS='%s'\n" "$serials"
	printf "EXPECT_MODEL='%s'\n" "$MODEL"
	printf "EXPECT_NAMESPACES='%s'\n" "$ns"
}

# fresh_image DIR NAME BYTES: a new sparse raw image; prints its path
fresh_image() {
	mkdir -p "$1"
	local img
	img=$(cd "$1" && pwd)/$2
	rm -f "$img"
	truncate -s "$3" "$img"
	echo "$img"
}

args() {
	local name=$1 dir=$2 img
	case $name in
	one)
		printf '%s\n' \
			-blockdev "driver=null-co,node-name=nul0,size=$GiB,read-zeroes=on" \
			-device "nvme,id=c0,serial=cnvme0001,drive=nul0"
		;;
	three)
		printf '%s\n' \
			-device "nvme-subsys,id=subsys0,nqn=nqn.2024-01.io.cnvme:subsys0" \
			-device "nvme,id=c0,serial=cnvme0003,subsys=subsys0"
		for i in 1 2 3; do
			printf '%s\n' -blockdev \
				"driver=null-co,node-name=nul$i,size=$((256 * MiB)),read-zeroes=on"
		done
		printf '%s\n' \
			-device "nvme-ns,drive=nul1,nsid=1,bus=c0" \
			-device "nvme-ns,drive=nul2,nsid=2,bus=c0,logical_block_size=4096,physical_block_size=4096" \
			-device "nvme-ns,drive=nul3,nsid=3,bus=c0"
		;;
	file)
		mkdir -p "$dir"
		img=$(cd "$dir" && pwd)/nvme-file.img
		if [ -n "${FILE_IMAGE:-}" ]; then
			# an image kept across boots (the reboot test)
			img=$FILE_IMAGE
			[ -e "$img" ] || truncate -s $((256 * MiB)) "$img"
		else
			rm -f "$img"
			truncate -s $((256 * MiB)) "$img"
		fi
		printf '%s\n' \
			-blockdev "driver=file,filename=${img//,/,,},node-name=d0" \
			-device "nvme,id=c0,serial=cnvmefile01,drive=d0"
		;;
	two)
		printf '%s\n' \
			-blockdev "driver=null-co,node-name=nul0,size=$((256 * MiB)),read-zeroes=on" \
			-blockdev "driver=null-co,node-name=nul1,size=$((256 * MiB)),read-zeroes=on" \
			-device "nvme,id=c0,serial=cnvme0021,drive=nul0" \
			-device "nvme,id=c1,serial=cnvme0022,drive=nul1"
		;;
	shared)
		img=$(fresh_image "$dir" shared.img $((256 * MiB)))
		printf '%s\n' \
			-device "nvme-subsys,id=subsys1,nqn=nqn.2024-01.io.cnvme:shared" \
			-device "nvme,id=c0,serial=cnvmeshr01,subsys=subsys1" \
			-device "nvme,id=c1,serial=cnvmeshr01,subsys=subsys1" \
			-blockdev "driver=file,filename=${img//,/,,},node-name=sd" \
			-device "nvme-ns,drive=sd,nsid=1,bus=c0,shared=on"
		;;
	zoned)
		printf '%s\n' \
			-device "nvme,id=c0,serial=cnvmezns001" \
			-blockdev "driver=null-co,node-name=zn1,size=$((256 * MiB)),read-zeroes=on" \
			-blockdev "driver=null-co,node-name=zn2,size=$((64 * MiB)),read-zeroes=on" \
			-device "nvme-ns,drive=zn1,nsid=1,bus=c0" \
			-device "nvme-ns,drive=zn2,nsid=2,bus=c0,zoned=true,zoned.zone_size=8M,zoned.zone_capacity=8M"
		;;
	pcie)
		img=$(fresh_image "$dir" pcie.img $((256 * MiB)))
		printf '%s\n' \
			-machine q35 \
			-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
			-device "pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1" \
			-blockdev "driver=file,filename=${img//,/,,},node-name=pd" \
			-device "nvme,id=c0,serial=cnvmepcie01,drive=pd,bus=rp0"
		;;
	media)
		# blkdebug's rule is on the qcow2 file's sectors: find where the
		# bad guest offset lies in the (preallocated) image
		mkdir -p "$dir"
		dir=$(cd "$dir" && pwd)
		rm -f "$dir/media.qcow2"
		qemu-img create -q -f qcow2 -o preallocation=metadata \
			"$dir/media.qcow2" $((64 * MiB))
		local host
		host=$(qemu-img map --output=json "$dir/media.qcow2" |
			sed -n 's/.*"start": *0,.*"offset": *\([0-9]*\).*/\1/p')
		[ -n "$host" ] || { echo "topology.sh: cannot map media.qcow2" >&2; exit 1; }
		printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\nonce = "off"\n' \
			$(((host + MEDIA_BAD_OFFSET) / 512)) >"$dir/media.cfg"
		printf '%s\n' \
			-blockdev "driver=file,filename=${dir//,/,,}/media.qcow2,node-name=mf" \
			-blockdev "driver=blkdebug,config=${dir//,/,,}/media.cfg,image=mf,node-name=mdbg" \
			-blockdev "driver=qcow2,file=mdbg,node-name=mq" \
			-device "nvme,id=c0,serial=cnvmemedia1,drive=mq"
		;;
	meta)
		mkdir -p "$dir"
		dir=$(cd "$dir" && pwd)
		for i in 1 2 3 4; do
			rm -f "$dir/meta$i.img"
			truncate -s $((64 * MiB)) "$dir/meta$i.img"
			printf '%s\n' -blockdev \
				"driver=file,filename=${dir//,/,,}/meta$i.img,node-name=m$i"
		done
		printf '%s\n' \
			-device "nvme,id=c0,serial=cnvmemeta01" \
			-device "nvme-ns,drive=m1,nsid=1,bus=c0,ms=8,mset=0,pi=1" \
			-device "nvme-ns,drive=m2,nsid=2,bus=c0,logical_block_size=4096,physical_block_size=4096,ms=8,mset=0,pi=0" \
			-device "nvme-ns,drive=m3,nsid=3,bus=c0,logical_block_size=4096,physical_block_size=4096,ms=8,mset=1,pi=0" \
			-device "nvme-ns,drive=m4,nsid=4,bus=c0,ms=8,mset=1,pi=1"
		;;
	*)
		echo "topology.sh: unknown topology '$name' (have: $TOPOLOGIES)" >&2
		exit 2
		;;
	esac
}

[ $# -ge 1 ] || usage
case $1 in
--list) for t in $TOPOLOGIES; do echo "$t"; done ;;
--expect)
	[ $# -eq 2 ] || usage
	expect "$2"
	;;
-*) usage ;;
*)
	[ $# -eq 2 ] || usage
	expect "$1" >/dev/null
	args "$1" "$2"
	;;
esac
