#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential ioctl edge cases: ioctl_edges runs against cnvme, then
# against the in-kernel driver loaded in its place in the same boot, and
# every case's outcome (return value, errno, result write-back, data
# check) must be the same: one TAP line per case.  Two more lines say
# whether ioctl_edges' own assertions (the in-kernel driver's behaviour
# on this kernel) held on cnvme and on the in-kernel driver.
# Runs in cnvme runs of the file (one namespace) and three (three
# namespaces) topologies; skipped elsewhere.  ioctl_edges itself runs on
# its own in every run, against whichever driver is loaded.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

out=/tmp/ioctl-diff
edges=${SELFTESTS:-/selftests}/ioctl_edges
# seconds for one run of ioctl_edges
EDGES_TIMEOUT=${EDGES_TIMEOUT:-150}
rm -rf "$out"
mkdir -p "$out"

mapfile -t cases < <("$edges" -l 2>&1 | awk '/^---/ { f = 1; next } f { print $NF }')
tap_plan $((${#cases[@]} + 2))

names=("${cases[@]}" "self-assertions on cnvme"
	"self-assertions on the in-kernel driver")
[ ${#cases[@]} -gt 0 ] || { tap_fail "ioctl_edges -l lists no case"; tap_exit; }
case $TOPO in
file | three) ;;
*) tap_skip_all "runs on the file and three topologies (one and three namespaces)" "${names[@]}" ;;
esac

# One MBR partition (blocks 2048-10239 of 512 bytes) on namespace 1 for
# the cases through a partition; the table is wiped again at the end.
# part_table DEV 0|1: write the table, or zeroes, to block 0
part_table() {
	{
		head -c 446 /dev/zero
		if [ "$2" = 1 ]; then
			printf '\000\000\000\000\203\000\000\000'
			printf '\000\010\000\000\000\040\000\000'
			head -c 48 /dev/zero
			printf '\125\252'
		else
			head -c 66 /dev/zero
		fi
	} | dd of="$1" bs=512 count=1 oflag=direct conv=notrunc 2>/dev/null
	blockdev --rereadpt "$1"
}
if dev1=$(wait_ns_dev 1 30); then
	part_table "$dev1" 1 || log "cannot write a partition table on $dev1"
fi

# run_edges TAG: one run of ioctl_edges, its records in $out/TAG.cases
run_edges() {
	local dev part=
	: >"$out/$1.cases"
	if dev=$(wait_ns_dev 1 30); then
		for _ in $(seq 30); do
			[ -b "${dev}p1" ] && { part=${dev}p1; break; }
			sleep 0.1
		done
	else
		echo "# no namespace 1 on $1" >"$out/$1.log"
	fi
	EDGES_PART=$part EDGES_RECORD=$out/$1.cases \
		timeout -k 10 "$EDGES_TIMEOUT" "$edges" >>"$out/$1.log" 2>&1
	echo $? >"$out/$1.rc"
}

diff_drivers run_edges || tap_skip_all "$DIFF_SKIP" "${names[@]}"
if dev1=$(wait_ns_dev 1 30); then
	part_table "$dev1" 0 || log "cannot wipe the partition table of $dev1"
fi

# outcome TAG CASE: the record of CASE without "case NAME ", or "(none)"
outcome() {
	local line
	line=$(grep -m1 "^case $2 " "$out/$1.cases")
	if [ -n "$line" ]; then
		echo "${line#case "$2" }"
	else
		echo "(none)"
	fi
}

# Deliberate differences (CASE|why); ioctl_edges asserts each driver's
# own outcome, so these still fail if cnvme behaves otherwise.
deliberate=(
	"io_read_unaligned_unmapped|a bounced read whose copy-out fails: cnvme says EFAULT, the in-kernel driver 0 without the data"
)
why_deliberate() {
	local d
	for d in "${deliberate[@]}"; do
		[ "${d%%|*}" = "$1" ] && { echo "${d#*|}"; return 0; }
	done
	return 1
}

for c in "${cases[@]}"; do
	mine=$(outcome cnvme "$c")
	ref=$(outcome nvme "$c")
	if why=$(why_deliberate "$c"); then
		tap_ok "$c: deliberate difference ($why): cnvme $mine; in-kernel $ref"
	elif [ "$mine" = "(none)" ] && [ "$ref" = "(none)" ]; then
		tap_skip "$c" "no outcome on either driver (see the ioctl_edges output)"
	elif [[ "$ref" == *data=skipped* ]]; then
		tap_skip "$c" "not run on the in-kernel driver (ioctl_edges says why); cnvme: $mine"
	elif [ "$mine" = "$ref" ]; then
		tap_ok "$c: $mine"
	else
		tap_fail "$c: cnvme differs from the in-kernel driver" \
			"cnvme:     $mine" "in-kernel: $ref"
	fi
done

# self_check TAG LABEL: did ioctl_edges' assertions hold?
self_check() {
	local rc failed
	rc=$(cat "$out/$1.rc" 2>/dev/null || echo "?")
	failed=$(sed -n 's/^not ok [0-9]* edge\.\([^ ]*\).*/\1/p' "$out/$1.log" | tr '\n' ' ')
	if [ "$rc" = 0 ]; then
		tap_ok "self-assertions on $2"
	else
		tap_fail "self-assertions on $2 (exit $rc)" "failed: ${failed:-none listed}" \
			"$(grep -E '^# .*(Expected|SKIP|ERROR)' "$out/$1.log" | head -n 30)"
	fi
}
self_check cnvme cnvme
self_check nvme "the in-kernel driver"
tap_exit
