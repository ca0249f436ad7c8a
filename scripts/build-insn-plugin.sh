#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-insn-plugin.sh DIR: builds QEMU's insn_count plugin (DIR/
# libinsn_count.so) and the guest's marker program (DIR/insn-mark) from
# selftests/bench/plugin, when their sources are newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/selftests/bench/plugin
dir=${1:?usage: build-insn-plugin.sh DIR}
mkdir -p "$dir"
cc=${CC:-gcc}
flags=(-O2 -g -Wall -Wextra -Werror)
if [ ! "$dir/libinsn_count.so" -nt "$src/insn_count.c" ] ||
   [ ! "$dir/libinsn_count.so" -nt "$src/qemu_plugin_api.h" ]; then
	"$cc" "${flags[@]}" -shared -fPIC -fvisibility=hidden \
		-o "$dir/libinsn_count.so" "$src/insn_count.c" -lpthread
fi
if [ ! "$dir/insn-mark" -nt "$src/insn_mark.c" ]; then
	"$cc" "${flags[@]}" -static -nostdlib -fno-stack-protector -fno-pie \
		-no-pie -o "$dir/insn-mark" "$src/insn_mark.c"
fi
