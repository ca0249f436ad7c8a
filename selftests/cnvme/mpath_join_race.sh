#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multipath (TOPO=shared, cnvme's fault-injection build): the last path
# of a head goes while another controller's path to it is being added.
# Controller B is bound again with its path held between its disk's add
# and its joining the head (path_join_delay_ms=5000); meanwhile A, the
# head's only path, is unbound.  The head must stay for B: once B joins,
# the namespace's disk is there and reads what was written.  Before, A's
# removal took the head's disk away, and B joined a head without one.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("the head's last path goes while another joins: the unbind finishes"
	"the joining path keeps the head: its disk is there and reads the data"
	"A comes back as a second path, no kernel warning")
tap_plan ${#cases[@]}
mpath_setup "${cases[@]}"
b=$(ls /sys/class/nvme | sort | sed -n 2p)
pa=$(ctrl_pci "$a")
pb=$(ctrl_pci "$b")
drv=/sys/bus/pci/drivers/cnvme
mark=$(log_mark)
rm -f /tmp/mj.back
dd if=/dev/urandom of=/tmp/mj.data bs=4096 count=4 2>/dev/null
dd if=/tmp/mj.data of="$head" bs=4096 seek=56 oflag=direct conv=notrunc 2>/dev/null

race() {
	echo "$pb" >$drv/unbind || return 1
	echo 5000 >"$FAULTS/path_join_delay_ms"
	echo "$pb" >$drv/bind || return 1
	for _ in $(seq 300); do
		log_since "$mark" | grep -q "fault: the path to namespace 1 joins" && break
		sleep 0.1
	done
	log_since "$mark" | grep -q "fault: the path to namespace 1 joins" ||
		{ echo "B's path did not come"; return 1; }
	within 20 sh -c "echo $pa >$drv/unbind"
}
tap_check "${cases[0]}" race

# until B has joined (5 s after its disk was added), the head has no
# path and its reads fail: read until one succeeds, for 12 s
joined() {
	local d
	echo 0 >"$FAULTS/path_join_delay_ms"
	for _ in $(seq 120); do
		d=$(ls -d /sys/class/nvme-subsystem/nvme-subsys*/nvme*n1 2>/dev/null | head -n 1)
		[ -n "$d" ] && [ -b "/dev/${d##*/}" ] &&
			dd if="/dev/${d##*/}" of=/tmp/mj.back bs=4096 skip=56 count=4 \
				iflag=direct 2>/dev/null && break
		sleep 0.1
	done
	[ -s /tmp/mj.back ] || { echo "no readable namespace disk after B joined (${d:-none})"; log_since "$mark" | tail -n 10; return 1; }
	cmp /tmp/mj.data /tmp/mj.back
}
tap_check "${cases[1]}" joined

back() {
	echo 0 >"$FAULTS/path_join_delay_ms"
	echo "$pa" >$drv/bind || return 1
	wait_ctrls_live 30 || return 1
	! kernel_oopsed "$mark"
}
tap_check "${cases[2]}" back
tap_exit
