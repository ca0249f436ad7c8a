#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The library's reading of the kernel log (log_since), which every test
# that looks for timeouts and errors relies on: it leaves out the
# clocksource watchdog's "Watchdog hpet read timed out" (7.2 times its own
# clock reads; under TCG one can take milliseconds, and suspend_resume.sh
# failed on it), and nothing else.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 3

mark=$(log_mark)
echo "clocksource: Watchdog hpet read timed out. Readout sequence took: 2833100ns" >/dev/kmsg
echo "lib_log.sh: a line that says timed out, which log_since must keep" >/dev/kmsg
since=$(log_since "$mark")
tap_check "log_since leaves out the clocksource watchdog's read timeout" \
	eval '! printf "%s\n" "$since" | grep -q "clocksource: Watchdog"'
tap_check "log_since keeps another line that says timed out" \
	eval 'printf "%s\n" "$since" | grep -q "lib_log.sh: a line that says timed out"'
tap_check "log_since of the newest mark: nothing, and exit status 0" \
	eval 'o=$(log_since "$(log_mark)") && [ -z "$o" ]'
tap_exit
