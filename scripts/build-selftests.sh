#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the selftests into OUT: C tests (static, so the guest needs no
# libraries), shell tests and their library, ready to copy into a guest.
# The list and the rules are selftests/cnvme/Makefile's (kselftest style).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# (absolute: make runs in selftests/cnvme)
out=$(realpath -m "${1:-$root/build/selftests}")
ksrc=$("$root/scripts/ksrc.sh")
make -s -C "$root/selftests/cnvme" OUTPUT="$out" \
	KSFT_INCLUDE="$ksrc/tools/testing/selftests"
