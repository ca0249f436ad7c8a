#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the selftests into OUT: C tests (static, so the guest needs no
# libraries), shell tests and their library, ready to copy into a guest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/selftests}
ksrc=$("$root/scripts/ksrc.sh")
mkdir -p "$out/lib"
# helpers/: programs the tests call, not tests themselves
mkdir -p "$out/helpers"
for c in "$root"/selftests/cnvme/*.c "$root"/selftests/cnvme/helpers/*.c; do
	[ -e "$c" ] || continue
	case $c in
	*/helpers/*) bin=$out/helpers/$(basename "$c" .c) ;;
	*) bin=$out/$(basename "$c" .c) ;;
	esac
	if [ ! -x "$bin" ] || [ "$c" -nt "$bin" ]; then
		echo "  CC      selftests/$(basename "$c")"
		# *_m32.c: a 32-bit program (compat syscalls; gcc-multilib)
		m32=
		case $c in *_m32.c) m32=-m32 ;; esac
		gcc $m32 -static -O2 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -I"$ksrc/tools/testing/selftests" \
			-o "$bin" "$c" -lpthread
	fi
done
for s in "$root"/selftests/cnvme/*.sh; do
	[ -e "$s" ] || continue
	install -m 0755 "$s" "$out/"
done
install -m 0644 "$root"/selftests/lib/*.sh "$out/lib/"
