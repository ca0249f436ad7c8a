#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A reset after which the controller grants a different number of I/O
# queues (fault point max_io_queues), under fio verify on both CPUs.
# blk-mq can resize a tag set only once its queues are drained, and the
# requests the reset held back wait in quiesced queues: the driver must
# let them run (to a queue that still exists, or back through the block
# layer when theirs is gone) before it resizes.  Before, the reset called
# blk_mq_update_nr_hw_queues with the queues quiesced: it waited for
# ever, holding the controller lock, and the reset never finished.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("a reset under I/O that grants fewer I/O queues finishes"
	"the disk has fewer hardware queues; fio saw no error"
	"requests of the removed queue were moved, none failed"
	"a reset under I/O that grants them all again finishes"
	"the disk has its queues back; fio saw no error"
	"no I/O error or kernel warning logged"
	"with a poll queue (poll_queues=1): a reset under I/O to one queue fewer finishes"
	"the disk has one queue fewer, the queue that became the poll queue took no interrupt-driven request; fio saw no error")
tap_plan ${#cases[@]}
why=$(need_faults) || tap_skip_all "$why" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
disk=${dev#/dev/}
hwqs() { ls -d /sys/block/"$disk"/mq/*/ 2>/dev/null | wc -l; }
writes() { awk '{print $5}' /sys/block/"$disk"/stat; }
full=$(hwqs)
[ "$full" -ge 2 ] ||
	tap_skip_all "the disk has $full hardware queue(s): nothing to take away" "${cases[@]}"
mark=$(log_mark)

# start_fio N: fio verify, one job per CPU on its own 8 MiB, in the
# background (its status goes to /tmp/qc.N.rc: tap_check's cases run in
# subshells); returns once it writes
start_fio() {
	local w0
	w0=$(writes)
	rm -f "/tmp/qc.$1.rc"
	(fio --name=qc --filename="$dev" --direct=1 --ioengine=libaio \
		--rw=randwrite --bs=4k --iodepth=16 --size=8M --loops=3 \
		--numjobs=2 --offset_increment=8M --cpus_allowed=0,1 \
		--cpus_allowed_policy=split --verify=crc32c --do_verify=1 \
		--output="/tmp/qc.$1.log"; echo $? >"/tmp/qc.$1.rc") \
		>/dev/null 2>&1 </dev/null &
	for _ in $(seq 300); do
		[ "$(writes)" -gt "$w0" ] && return 0
		[ -e "/tmp/qc.$1.rc" ] && break
		sleep 0.1
	done
	echo "fio did not start writing"
	return 1
}

# reset_to N: under fio, a reset after which at most N queues are
# granted; the enable takes 2 s, so that fio's requests on both CPUs
# wait in the quiesced queues meanwhile
reset_to() {
	echo "$1" >"$FAULTS/$ctrl/max_io_queues"
	echo 2000 >"$FAULTS/$ctrl/enable_delay_ms"
	start_fio "$1" || return 1
	if within 60 sh -c "echo 1 >/sys/class/nvme/$ctrl/reset_controller" &&
		wait_state "$ctrl" live 30; then
		echo 0 >"$FAULTS/$ctrl/enable_delay_ms"
		[ ! -e "/tmp/qc.$1.rc" ] && return 0
		echo "fio ended before the reset did: no I/O across it"
		return 1
	fi
	log_since "$mark" | tail -n 20
	return 1
}

# fio_clean N WANT: fio of reset_to N ended cleanly, the disk has WANT queues
fio_clean() {
	local rc n
	rc=$(wait_rc "/tmp/qc.$1" 180) || { echo "fio still running"; return 1; }
	[ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" "/tmp/qc.$1.log" ||
		{ echo "fio exit $rc"; tail -n 20 "/tmp/qc.$1.log"; return 1; }
	n=$(hwqs)
	echo "$n hardware queues"
	[ "$n" = "$2" ]
}

tap_check "${cases[0]}" reset_to 1
tap_check "${cases[1]}" fio_clean 1 1
moved() {
	local line
	line=$(log_since "$mark" | grep -m1 "I/O queues $full -> 1") ||
		{ echo "no resize logged"; return 1; }
	echo "$line"
	echo "$line" | grep -qE ": [1-9][0-9]* requests of removed queues moved, 0 failed"
}
tap_check "${cases[2]}" moved
tap_check "${cases[3]}" reset_to 0
tap_check "${cases[4]}" fio_clean 0 "$full"
no_errors() {
	! log_since "$mark" | grep -E "I/O error|Buffer I/O" &&
		! kernel_oopsed "$mark"
}
tap_check "${cases[5]}" no_errors

# With a poll queue it is the last one: shrinking by one turns the queue
# of an interrupt-driven hardware context into the poll queue.  Its
# requests must be moved like those of a removed queue, not sent to a
# queue whose completions nothing reaps.
if driver_reload poll_queues=1; then
	ctrl=$(ctrl_names | head -n 1)
	dev=$(wait_ns_dev 1 30)
	full=$(hwqs)
	mark=$(log_mark)
	tap_check "${cases[6]}" reset_to $((full - 1))
	polled() {
		fio_clean $((full - 1)) $((full - 1)) || return 1
		log_since "$mark" | grep -E "I/O queues $full -> $((full - 1)):" ||
			{ echo "no resize logged"; return 1; }
		! log_since "$mark" | grep -E "I/O error|abandoned"
	}
	tap_check "${cases[7]}" polled
	echo 0 >"$FAULTS/$ctrl/enable_delay_ms"
	echo 0 >"$FAULTS/$ctrl/max_io_queues"
else
	tap_skip "${cases[6]}" "reload with poll_queues=1 failed"
	tap_skip "${cases[7]}" "reload with poll_queues=1 failed"
fi
driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
