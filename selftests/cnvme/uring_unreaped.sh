#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A process that leaves a polled io_uring passthrough completion unreaped
# (a DEFER_TASKRUN ring whose owner does not enter the kernel, as a
# stopped or busy process would) must not hold up the controller: a
# reset, and an unbind, finish while the completion waits, and the
# process reaps it afterwards.  The in-kernel driver frees the request
# when it completes and posts the CQE from task work later.  Before,
# cnvme kept the request until the task work ran, and the reset waited
# for every completed request to be freed: "echo 1 > reset_controller"
# blocked until the process reaped.  With poll_queues=1.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("reset with an unreaped polled completion finishes"
	"the process reaps its completion after the reset"
	"unbind with an unreaped polled completion finishes"
	"the process reaps its completion after the unbind")
tap_plan ${#cases[@]}
need_data_topology ||
	tap_skip_all "needs a namespace that stores data (TOPO=file)" "${cases[@]}"
hold=${SELFTESTS:-/selftests}/helpers/uring_hold
driver_reload poll_queues=1 ||
	tap_skip_all "reload with poll_queues=1 failed" "${cases[@]}"

# start_hold: the holder with its command in flight, its pid in
# /tmp/hold.pid (tap_check runs each case in a subshell)
start_hold() {
	local blk ng
	blk=$(wait_ns_dev 1 30) || return 1
	ng=/dev/ng${blk#/dev/nvme}
	for _ in $(seq 50); do [ -c "$ng" ] && break; sleep 0.1; done
	"$hold" "$ng" 1 >/tmp/hold.out 2>&1 &
	hpid=$!
	echo "$hpid" >/tmp/hold.pid
	for _ in $(seq 100); do
		grep -q submitted /tmp/hold.out && break
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q submitted /tmp/hold.out || { cat /tmp/hold.out; return 1; }
	# the controller has long finished the read; nobody polled it
	sleep 1
}

reap() {
	kill -USR1 "$(cat /tmp/hold.pid)" 2>/dev/null
	for _ in $(seq 150); do
		grep -qE "cqe res=|no cqe" /tmp/hold.out && break
		sleep 0.1
	done
	cat /tmp/hold.out
	grep -qE "cqe res=(0|-4)$" /tmp/hold.out
}

ctrl=$(ctrl_names | head -n 1)
reset() {
	start_hold || return 1
	within 20 sh -c "echo 1 >/sys/class/nvme/$ctrl/reset_controller" ||
		return 1
	wait_ctrls_live 30
}
tap_check "${cases[0]}" reset
tap_check "${cases[1]}" reap

pci=$(ctrl_pci "$ctrl")
unbind() {
	start_hold || return 1
	within 20 sh -c "echo $pci >/sys/bus/pci/drivers/cnvme/unbind"
}
if [ "$DRIVER" = cnvme ]; then
	tap_check "${cases[2]}" unbind
	tap_check "${cases[3]}" reap
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind 2>/dev/null
else
	tap_skip "${cases[2]}" "cnvme's unbind only"
	tap_skip "${cases[3]}" "cnvme's unbind only"
fi
wait_ctrls_live 30
driver_reload >/dev/null 2>&1 || log "reload without parameters failed"
tap_exit
