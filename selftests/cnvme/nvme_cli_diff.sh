#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential nvme-cli test: the same commands against cnvme and against
# the in-kernel driver, in one boot, outputs and exit codes compared after
# normalising only what must differ (counters that move, timestamps).
# Runs in cnvme runs of the file topology, loading the in-kernel driver
# in turn; skipped elsewhere.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

out=/tmp/nvme-diff
mkdir -p "$out"
data=/tmp/nvme-diff/data
dd if=/dev/urandom of="$data" bs=4096 count=8 2>/dev/null

# Feature identifiers to read: every one the specification defines up to
# 0x20, then the edges of the reserved, command-set and vendor ranges (the
# driver treats all of those alike: it passes them through).
fids="$(seq 0 32) 125 126 127 128 129 130 191 192 193 254 255"

# name|command line (run with eval); $N is the namespace block device
cmds=(
	"list|nvme list"
	"list-v|nvme list -v"
	"list-json|nvme list -o json"
	"list-subsys|nvme list-subsys"
	"id-ctrl|nvme id-ctrl /dev/nvme0"
	"id-ctrl-H|nvme id-ctrl -H /dev/nvme0"
	"id-ctrl-json|nvme id-ctrl -o json /dev/nvme0"
	"id-ctrl-ng|nvme id-ctrl /dev/ng0n1"
	"id-ns-blk|nvme id-ns \$N"
	"id-ns-ng|nvme id-ns /dev/ng0n1"
	"id-ns-ctrl-nsid|nvme id-ns /dev/nvme0 -n 1"
	"id-ns-ctrl-noid|nvme id-ns /dev/nvme0"
	"ns-descs|nvme ns-descs \$N"
	"list-ns|nvme list-ns /dev/nvme0"
	"smart-log|nvme smart-log /dev/nvme0"
	"fw-log|nvme fw-log /dev/nvme0"
	"error-log|nvme error-log /dev/nvme0 -e 4"
	"effects-log|nvme effects-log /dev/nvme0"
	"get-log-fw|nvme get-log /dev/nvme0 -i 3 -l 512"
	"get-feature-walk|nvme get-feature /dev/nvme0"
	"get-feature-ns|nvme get-feature \$N -f 5"
	"set-get-feature|nvme set-feature /dev/nvme0 -f 6 -v 1 && nvme get-feature /dev/nvme0 -f 6"
	"write|nvme write \$N -s 64 -c 7 -z 4096 -d $data"
	"read|nvme read \$N -s 64 -c 7 -z 4096 -d /dev/stdout | md5sum"
	"compare|nvme compare \$N -s 64 -c 7 -z 4096 -d $data"
	"flush|nvme flush \$N"
	"dsm|nvme dsm \$N -a 1 -b 8 -s 4096 -d"
	"write-zeroes|nvme write-zeroes \$N -s 8192 -c 15"
	"io-passthru-read|nvme io-passthru \$N -o 2 -n 1 --cdw10=64 --cdw12=7 -l 4096 -r -b | md5sum"
	"admin-passthru-id|nvme admin-passthru /dev/nvme0 -o 6 --cdw10=1 -l 4096 -r -b | md5sum"
	"admin-passthru-bad|nvme admin-passthru /dev/nvme0 -o 0xc1 -l 0"
	"io-passthru-badnsid|nvme io-passthru \$N -o 0 -n 7"
	"reset|nvme reset /dev/nvme0"
	"ns-rescan|nvme ns-rescan /dev/nvme0"
	"subsystem-reset|nvme subsystem-reset /dev/nvme0"
	"fw-download|nvme fw-download /dev/nvme0 -f $data"
	"fw-commit|nvme fw-commit /dev/nvme0 -s 1 -a 1"
	"device-self-test|nvme device-self-test /dev/nvme0 -s 1"
	"reset-on-blk|nvme reset \$N"
	"get-feature-fids|for f in \$fids; do nvme get-feature /dev/nvme0 -f \$f -n 1; echo \"fid \$f exit=\$?\"; done"
	"format-4k-and-back|nvme format /dev/nvme0 -n 1 -l 4 -f && cat /sys/block/\${N#/dev/}/queue/logical_block_size && nvme id-ns \$N | grep '^lbaf' && nvme format /dev/nvme0 -n 1 -l 0 -f && cat /sys/block/\${N#/dev/}/queue/logical_block_size"
	"format-bad-lbaf|nvme format /dev/nvme0 -n 1 -l 15 -f"
)

# what must differ between two runs, or between two drivers' timing
normalise() {
	sed -E \
	    -e 's/^(data_units_read|data_units_written|host_read_commands|host_write_commands|controller_busy_time|power_on_hours|unsafe_shutdowns|power_cycles|num_err_log_entries)([[:space:]]*:).*/\1\2 N/' \
	    -e 's/"(data_units_read|data_units_written|host_read_commands|host_write_commands|controller_busy_time|power_on_hours|unsafe_shutdowns|power_cycles|num_err_log_entries)":[0-9]+/"\1":N/' \
	    -e 's/^(Data Units Read|Data Units Written)([[:space:]]*:).*/\1\2 N/' \
	    -e 's/[0-9.]+ (sec|usec|msec)/T \1/g' \
	    -e '/get-feature:0x0e \(Timestamp\)/,/^fid 14 / s/^0000: .*/0000: (the time)/' \
	    -e 's/(get-feature:0x0b \(Async Event Configuration\), Current value:0x000001)(00|1f)$/\1XX/'
}
# Deliberate difference: cnvme also enables the SMART critical-warning
# events (Async Event Configuration bits 0-4) so that it can log them;
# the in-kernel driver enables only the notices (bit 8).

run_all() {
	local tag=$1 N
	N=$(wait_ns_dev 1 30) || return 1
	for c in "${cmds[@]}"; do
		name=${c%%|*}
		line=${c#*|}
		eval "$line" </dev/null >"$out/$name.$tag" 2>&1
		echo "exit=$?" >>"$out/$name.$tag"
	done
}

tap_plan ${#cmds[@]}
names=()
for c in "${cmds[@]}"; do names+=("${c%%|*}"); done
need_data_topology || tap_skip_all "needs a namespace that stores data (TOPO=file)" "${names[@]}"
diff_drivers run_all || tap_skip_all "$DIFF_SKIP" "${names[@]}"

for c in "${cmds[@]}"; do
	name=${c%%|*}
	if diff <(normalise <"$out/$name.nvme") <(normalise <"$out/$name.cnvme") >"$out/$name.diff"; then
		tap_ok "$name: same output and exit code ($(tail -n 1 "$out/$name.cnvme"))"
	else
		tap_fail "$name: output differs (< in-kernel, > cnvme)" "$(head -n 20 "$out/$name.diff")"
	fi
done
tap_exit
