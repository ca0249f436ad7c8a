#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A command that needs the controller to itself (Format NVM: the effects
# log's CSE) freezes every namespace's I/O before it is sent.  Here a
# read is in flight whose completion is lost (fault point
# drop_io_completions) when the Format arrives: the freeze waits for the
# read, the read's timeouts escalate to a reset, and the reset must be
# able to cancel and requeue the read while the Format waits.  Before,
# the freeze held the namespace list lock while it waited and the reset
# needed that lock to quiesce the queues: both hung for ever.
# io_timeout=3 s, admin_timeout=5 s.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("Format NVM while a lost read blocks the freeze: completes"
	"the read completes after the reset, no kernel warning"
	"the controller is live and serves I/O")
tap_plan ${#cases[@]}
why=$(need_faults) || tap_skip_all "$why" "${cases[@]}"
driver_reload io_timeout=3 admin_timeout=5 ||
	tap_skip_all "reload with short timeouts failed" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
mark=$(log_mark)

format() {
	stuck_read "$ctrl" "$dev" 10 /tmp/fr.dd || return 1
	# Format NVM (80h), LBA format 0, no secure erase
	if ! within 60 sh -c "nvme admin-passthru /dev/$ctrl --opcode=0x80 \
		--namespace-id=1 --cdw10=0 >/tmp/fr.fmt 2>&1"; then
		echo "the Format failed or is still waiting (state $(ctrl_state "$ctrl"))"
		cat /tmp/fr.fmt
		log_since "$mark" | tail -n 20
		return 1
	fi
}
tap_check "${cases[0]}" format

read_done() {
	local rc
	rc=$(wait_rc /tmp/fr.dd 10) || { echo "the read is still waiting"; return 1; }
	[ "$rc" = 0 ] || { cat /tmp/fr.dd.err; return 1; }
	log_since "$mark" | grep -q "timeout, reset controller" ||
		{ echo "no reset happened"; return 1; }
	! kernel_oopsed "$mark"
}
tap_check "${cases[1]}" read_done

live_io() {
	wait_ctrls_live 30 || { echo "state $(ctrl_state "$ctrl")"; return 1; }
	dev=$(wait_ns_dev 1 30) || return 1
	dd if=/dev/urandom of=/tmp/fr.data bs=4096 count=2 2>/dev/null
	dd if=/tmp/fr.data of="$dev" bs=4096 seek=20 oflag=direct conv=notrunc 2>/dev/null &&
	dd if="$dev" of=/tmp/fr.back bs=4096 skip=20 count=2 iflag=direct 2>/dev/null &&
	cmp /tmp/fr.data /tmp/fr.back
}
tap_check "${cases[2]}" live_io
driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
tap_exit
