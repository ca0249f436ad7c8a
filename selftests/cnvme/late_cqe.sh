#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Late duplicate completions (fault point replay_io_completions: an I/O
# completion is delivered once more, just before the next completion of
# its queue, when its tag may already carry a newer command).  The driver
# must recognise it as stale, by the generation it puts in the command
# identifier (as the in-kernel driver does) or because the tag is not in
# flight, and ignore it: fio verify sees no error, every duplicate is
# logged as ignored.  Before, cnvme looked up the tag alone and completed
# whatever request held it.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("8 late duplicate completions under fio verify: no error"
	"every duplicate was recognised and ignored")
tap_plan ${#cases[@]}
why=$(need_faults) || tap_skip_all "$why" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
mark=$(log_mark)

under_fio() {
	local rc
	fio --name=late --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --iodepth=16 --size=16M --loops=2 \
		--verify=crc32c --do_verify=1 --output=/tmp/late.log &
	pid=$!
	sleep 1
	# (fewer than the 10 lines a rate-limited warning may print at once)
	echo 8 >"$FAULTS/$ctrl/replay_io_completions"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/late.log ||
		{ echo "fio exit $rc"; tail -n 20 /tmp/late.log; return 1; }
	! kernel_oopsed "$mark"
}
tap_check "${cases[0]}" under_fio

ignored() {
	local n_replay n_ignored
	[ "$(cat "$FAULTS/$ctrl/replay_io_completions")" = 0 ] ||
		{ echo "not every replay happened"; return 1; }
	n_replay=$(log_since "$mark" | grep -c "fault: replaying the completion")
	n_ignored=$(log_since "$mark" | grep -c "stale completion")
	echo "$n_replay replayed, $n_ignored ignored"
	[ "$n_replay" -ge 7 ] && [ "$n_ignored" = "$n_replay" ]
}
tap_check "${cases[1]}" ignored
wait_ctrls_live 30
tap_exit
