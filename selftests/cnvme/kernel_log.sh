#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel log and taint flags show no trouble since boot.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 2

bad=$(dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|Objects remaining|general protection|list_add corruption|blocked for more than')
if [ -z "$bad" ]; then
	tap_ok "no warning, bug or oops in the kernel log"
else
	tap_fail "no warning, bug or oops in the kernel log" "$bad"
fi

# O (out-of-tree, 4096) and E (unsigned, 8192) are expected for cnvme
taint=$(cat /proc/sys/kernel/tainted)
other=$((taint & ~(4096 | 8192)))
if [ "$other" -eq 0 ]; then
	tap_ok "kernel not tainted beyond O/E (tainted=$taint)"
else
	tap_fail "kernel not tainted beyond O/E" "tainted=$taint"
fi
tap_exit
