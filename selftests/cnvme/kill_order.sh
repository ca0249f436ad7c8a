#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A reset that gives up while a request is in flight on a running
# controller: the driver must stop the controller (no more DMA) before
# it fails the request, or the request's memory is freed while the
# device may still write to it.  The reset here grants one queue
# (max_io_queues), so it drains the queues before the resize; a read
# pinned to CPU 0 (its queue stays) loses its completion during the
# drain (drop_io_completions), the drain gives up after io_timeout=2 s
# and the controller is killed, its disable slowed to 6 s
# (disable_delay_ms).  The read's timer fires during the disable: it
# must not fail the read then.  Before, cnvme_kill marked the controller
# dead first, and the timeout handler cancelled the read at once.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("a reset gives up with a read in flight: the read does not fail before the controller is stopped"
	"the controller is dead and the read failed, no kernel warning"
	"rebind: live, data intact")
tap_plan ${#cases[@]}
fault_setup 2 5 "${cases[@]}"
disk=${dev#/dev/}
n=$(ls -d /sys/block/"$disk"/mq/*/ | wc -l)
[ "$n" -ge 2 ] || tap_skip_all "the disk has $n hardware queue(s)" "${cases[@]}"
f=$FAULTS/$ctrl
# the read must go to the queue the shrink keeps (qid 1, hardware context
# 0): from a CPU that context serves (which CPU that is depends on the
# interrupt affinity the kernel gave; 7.2 gave CPU 1)
cpu=$(sed 's/[^0-9].*//' /sys/block/"$disk"/mq/0/cpu_list)
mark=$(log_mark)
put_data /tmp/k.data 40

order() {
	local t
	echo 1 >"$f/max_io_queues"
	echo 1500 >"$f/enable_delay_ms"
	echo 1 >"$f/drop_io_completions"
	rm -f /tmp/k.rc
	(fio --name=k --filename="$dev" --rw=read --bs=4k --size=4k \
		--offset=160k --direct=1 --ioengine=psync --cpus_allowed="$cpu" \
		--output=/tmp/k.log; echo $? >/tmp/k.rc) >/dev/null 2>&1 </dev/null &
	for _ in $(seq 100); do
		[ "$(cat "$f/drop_io_completions")" = 0 ] && break
		sleep 0.1
	done
	[ "$(cat "$f/drop_io_completions")" = 0 ] ||
		{ echo "the read's completion was not dropped"; return 1; }
	# the reset cancels the read and holds it back; its 1.5 s enable
	(echo 1 >/sys/class/nvme/"$ctrl"/reset_controller) >/dev/null 2>&1 </dev/null &
	wait_state "$ctrl" connecting 10 || { echo "no reset"; return 1; }
	echo 1 >"$f/drop_io_completions"
	echo 6000 >"$f/disable_delay_ms"
	for t in $(seq 200); do
		log_since "$mark" | grep -q "fault: disable delayed" && break
		sleep 0.1
	done
	log_since "$mark" | grep -q "abandoned, I/O did not drain" ||
		{ echo "the drain did not give up"; log_since "$mark" | tail -n 15; return 1; }
	# the read's timer (2 s) fires during the 6 s disable
	sleep 3.5
	if [ -e /tmp/k.rc ]; then
		echo "the read ended (status $(cat /tmp/k.rc)) while the controller was still being stopped"
		log_since "$mark" | tail -n 15
		return 1
	fi
}
tap_check "${cases[0]}" order

dead() {
	local rc
	rc=$(wait_rc /tmp/k 20) || { echo "the read is still waiting"; return 1; }
	[ "$rc" != 0 ] || { echo "the read succeeded on a dead controller"; return 1; }
	wait_state "$ctrl" dead 10 || { echo "state $(ctrl_state "$ctrl")"; return 1; }
	! kernel_oopsed "$mark"
}
tap_check "${cases[1]}" dead

rebind() {
	echo 0 >"$f/disable_delay_ms"
	echo 0 >"$f/enable_delay_ms"
	echo 0 >"$f/max_io_queues"
	echo 0 >"$f/drop_io_completions"
	within 30 sh -c "echo $pci >/sys/bus/pci/drivers/cnvme/unbind" || return 1
	rebind_intact /tmp/k.data 40
}
tap_check "${cases[2]}" rebind
driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
