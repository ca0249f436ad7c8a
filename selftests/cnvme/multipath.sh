#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multipath: two controllers of one NVM subsystem sharing namespace 1
# (TOPO=shared).  One subsystem, one head disk nvme<S>n1 with its generic
# node, one hidden path nvme<S>c<C>n1 per controller; the I/O policies
# pick paths as they say; I/O goes on while a controller goes away and
# comes back; the head goes with its last path; with cnvme's fault
# points, I/O fails over from a controller found dead.  In cnvme runs, the
# names, sysfs attributes and nvme-cli outputs are also compared with the
# in-kernel driver's, in the same boot (instance numbers normalised: the
# in-kernel driver probes asynchronously and numbers in any order).
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

out=/tmp/multipath
mkdir -p "$out"
drv=$(pci_driver_name)

checks=(
	"one subsystem holds both controllers"
	"one head disk nvme<S>n1 under the subsystem, with a block device"
	"a hidden path nvme<S>c<C>n1 under each controller, no block device"
	"one generic node ng<S>n1, for the head"
	"nvme list-subsys: both controllers live"
	"data written through the head reads back through ng<S>n1 (nvme read)"
	"iopolicy numa: every read on one path"
	"iopolicy round-robin: reads on both paths"
	"fio io_uring_cmd verify on ng<S>n1"
	"fio verify on the head while one controller is unbound: no error"
	"the unbound controller comes back as a path"
	"the head goes with its last path and comes back with its data"
	"a controller lost under fio verify (fault points): its I/O fails over"
	"names and sysfs attributes as the in-kernel driver's"
	"nvme-cli outputs as the in-kernel driver's"
	"iopolicy queue-depth: one at a time, every read on the idle first path"
)
# Known differences on 7.2, not followed yet (a TODO case lists them): the
# head's delayed_removal_secs and multipath/ links to its paths; 129
# segments and no virtual boundary (7.2's driver maps I/O with SGLs); the
# bogus_nid quirk (cnvme has no quirk table); a path's numa_nodes (the
# nodes it serves under the numa policy, once I/O picked it: cnvme leaves
# it empty)
known=
kernel_at_least 7 2 &&
	known='^(delayed_removal_secs|multipath|max_segments|virt_boundary_mask|quirks|numa_nodes) '
tap_plan $((${#checks[@]} + (${#known} > 0)))
if [ "$TOPO" != shared ]; then
	for c in "${checks[@]}"; do tap_skip "$c" "needs two controllers sharing a namespace (TOPO=shared)"; done
	[ -z "$known" ] || tap_skip "known differences" "needs TOPO=shared"
	tap_exit
fi

# the subsystem directory, its head disk name, its controllers
subsys_dir() { ls -d /sys/class/nvme-subsystem/nvme-subsys* 2>/dev/null | head -n 1; }
head_name() {
	local s
	s=$(subsys_dir) || return 1
	for d in "$s"/nvme*n1; do
		[ -d "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}
subsys_ctrls() {
	local s l
	s=$(subsys_dir) || return 0
	for l in "$s"/nvme*; do
		[ -L "$l" ] && basename "$l"
	done
	return 0
}
paths() { ls -d /sys/block/nvme*c*n1 2>/dev/null; }
# reads completed on each path, "name:count" per line
path_reads() {
	local p
	for p in $(paths); do
		echo "${p##*/}:$(awk '{ print $1 }' "$p/stat")"
	done
}
wait_paths() { # wait_paths N SECONDS
	local tries=$(($2 * 10))
	while [ "$tries" -gt 0 ]; do
		[ "$(paths | wc -l)" -eq "$1" ] && head_name >/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

if ! wait_paths 2 30; then
	tap_fail "${checks[0]}" "no head with two paths after 30 s: $(ls /sys/block | tr '\n' ' ')"
	for c in "${checks[@]:1}"; do tap_skip "$c" "no multipath head"; done
	[ -z "$known" ] || tap_skip "known differences" "no multipath head"
	tap_exit
fi
H=$(head_name)
S=${H%n1}
S=${S#nvme}
subsys=$(subsys_dir)

one_subsys() {
	local n
	n=$(ls /sys/class/nvme-subsystem | wc -l)
	[ "$n" -eq 1 ] || { echo "$n subsystems"; return 1; }
	[ "$(subsys_ctrls | wc -l)" -eq 2 ] ||
		{ echo "links: $(subsys_ctrls | tr '\n' ' ')"; return 1; }
	[ "$subsys" = "/sys/class/nvme-subsystem/nvme-subsys$S" ] ||
		{ echo "head $H is not in $subsys"; return 1; }
}
tap_check "${checks[0]}" one_subsys

head_disk() {
	[ "$(ls -d "$subsys"/nvme*n* | wc -l)" -eq 1 ] ||
		{ echo "in $subsys: $(ls "$subsys" | tr '\n' ' ')"; return 1; }
	[ -b "/dev/$H" ] || { echo "no /dev/$H"; return 1; }
	[ "$(cat "/sys/block/$H/nsid")" = 1 ] || { echo "nsid $(cat "/sys/block/$H/nsid")"; return 1; }
	[ "$(cat "/sys/block/$H/hidden")" = 0 ] || { echo "$H is hidden"; return 1; }
}
tap_check "${checks[1]}" head_disk

hidden_paths() {
	local c p
	for c in $(subsys_ctrls); do
		p=nvme${S}c${c#nvme}n1
		[ -d "/sys/class/nvme/$c/$p" ] || { echo "no $p under $c"; return 1; }
		[ "$(cat "/sys/block/$p/hidden")" = 1 ] || { echo "$p not hidden"; return 1; }
		[ ! -e "/dev/$p" ] || { echo "/dev/$p exists"; return 1; }
		[ "$(cat "/sys/block/$p/size")" = "$(cat "/sys/block/$H/size")" ] ||
			{ echo "$p size differs from the head's"; return 1; }
	done
	[ "$(ls /sys/class/nvme/nvme*/ | grep -c "^nvme.*n1$")" -eq 2 ] ||
		{ echo "namespaces under controllers: $(ls /sys/class/nvme/nvme*/ | grep "n1$" | tr '\n' ' ')"; return 1; }
}
tap_check "${checks[2]}" hidden_paths

generic_node() {
	local ng
	ng=$(ls /sys/class/nvme-generic | tr '\n' ' ')
	[ "$ng" = "ng${S}n1 " ] || { echo "generic nodes: $ng"; return 1; }
	[ -c "/dev/ng${S}n1" ] || { echo "no /dev/ng${S}n1"; return 1; }
	[ -d "$subsys/ng${S}n1" ] || { echo "ng${S}n1 is not a child of the subsystem"; return 1; }
}
tap_check "${checks[3]}" generic_node

list_subsys() {
	local n
	nvme list-subsys >"$out/list-subsys" 2>&1 || { cat "$out/list-subsys"; return 1; }
	n=$(grep -c " live" "$out/list-subsys")
	[ "$n" -eq 2 ] || { cat "$out/list-subsys"; return 1; }
}
tap_check "${checks[4]}" list_subsys

dd if=/dev/urandom of="$out/pattern" bs=64k count=4 2>/dev/null
write_read() {
	dd if="$out/pattern" of="/dev/$H" bs=64k oflag=direct 2>&1 | grep -v records ||
		true
	nvme read "/dev/ng${S}n1" -s 0 -c 511 -z 262144 -d "$out/readback" \
		>"$out/read.log" 2>&1 || { cat "$out/read.log"; return 1; }
	cmp "$out/pattern" "$out/readback"
}
tap_check "${checks[5]}" write_read

# reads_on POLICY: 64 direct reads on the head under POLICY; prints how
# many paths served some of them
reads_on() {
	local before after moved=0 b a
	echo "$1" >"$subsys/iopolicy" || return 1
	before=$(path_reads)
	dd if="/dev/$H" of=/dev/null bs=4k count=64 iflag=direct 2>/dev/null
	after=$(path_reads)
	for b in $before; do
		a=$(echo "$after" | grep "^${b%%:*}:")
		[ "${a#*:}" -gt "${b#*:}" ] && moved=$((moved + 1))
	done
	echo "$moved"
}
# policy_paths POLICY N: reads under POLICY went to N paths; numa after
policy_paths() {
	local n
	n=$(reads_on "$1")
	echo numa >"$subsys/iopolicy"
	[ "$n" = "$2" ] || { echo "reads on $n paths"; return 1; }
}
tap_check "${checks[6]}" policy_paths numa 1
tap_check "${checks[7]}" policy_paths round-robin 2
# One read at a time leaves every path idle when the next is sent: the
# queue-depth policy must take the first path each time.  A count of
# requests in flight that misses some completions would spread them.
if echo queue-depth >"$subsys/iopolicy" 2>/dev/null; then
	tap_check "${checks[15]}" policy_paths queue-depth 1
else
	tap_skip "${checks[15]}" "no queue-depth policy before 6.11 (kernel $(uname -r))"
fi

uring_verify() {
	fio --name=ngverify --filename="/dev/ng${S}n1" --ioengine=io_uring_cmd \
		--cmd_type=nvme --rw=randwrite --bs=4k --offset=32m --size=8m --iodepth=8 \
		--verify=crc32c --do_verify=1 --output="$out/fio-ng.log" \
		>/dev/null 2>&1 || { tail -n 20 "$out/fio-ng.log"; return 1; }
}
tap_check "${checks[8]}" uring_verify

# the PCI function of a controller
ctrl_pci() { basename "$(readlink -f "/sys/class/nvme/$1/device")"; }

# head_fio NAME SECONDS: verified random I/O on the head in the
# background, away from the data written above; log in $out/fio-NAME.log
head_fio() {
	fio --name="$1" --filename="/dev/$H" --ioengine=libaio --direct=1 \
		--rw=randrw --bs=4k --iodepth=16 --offset=64m --size=32m \
		--time_based --runtime="$2" --verify=crc32c --verify_backlog=256 \
		--output="$out/fio-$1.log" >/dev/null 2>&1 &
}

failover() {
	local c pci fpid rc
	echo round-robin >"$subsys/iopolicy"
	c=$(subsys_ctrls | tail -n 1)
	pci=$(ctrl_pci "$c")
	head_fio failover 8
	fpid=$!
	sleep 3
	echo "$pci" >"/sys/bus/pci/drivers/$drv/unbind"
	rc=0
	wait "$fpid" || rc=$?
	echo numa >"$subsys/iopolicy"
	echo "$pci" >"$out/unbound"
	[ "$rc" = 0 ] || { echo "fio exit $rc"; tail -n 20 "$out/fio-failover.log"; return 1; }
	[ "$(paths | wc -l)" -eq 1 ] || { echo "paths: $(paths | tr '\n' ' ')"; return 1; }
	[ -b "/dev/$H" ] || { echo "/dev/$H gone"; return 1; }
}
tap_check "${checks[9]}" failover

comes_back() {
	local pci
	pci=$(cat "$out/unbound" 2>/dev/null) || return 1
	echo "$pci" >"/sys/bus/pci/drivers/$drv/bind" || return 1
	wait_ctrls_live 30 || { echo "controller not live"; return 1; }
	wait_paths 2 30 || { echo "paths: $(paths | tr '\n' ' ')"; return 1; }
	[ "$(head_name)" = "$H" ] || { echo "head now $(head_name)"; return 1; }
}
tap_check "${checks[10]}" comes_back

head_lifetime() {
	local pcis p tries=100
	pcis=$(nvme_pci_devices)
	for p in $pcis; do echo "$p" >"/sys/bus/pci/drivers/$drv/unbind"; done
	while [ -e "/sys/block/$H" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ ! -e "/sys/block/$H" ] || { echo "$H still there without paths"; return 1; }
	for p in $pcis; do echo "$p" >"/sys/bus/pci/drivers/$drv/bind"; done
	wait_ctrls_live 30 || { echo "controllers not live"; return 1; }
	wait_paths 2 30 || { echo "paths: $(paths | tr '\n' ' ')"; return 1; }
	H=$(head_name)
	dd if="/dev/$H" of="$out/readback2" bs=64k count=4 iflag=direct 2>/dev/null
	cmp "$out/pattern" "$out/readback2"
}
tap_check "${checks[11]}" head_lifetime

# A surprise: one controller's registers read all ones and a completion
# is lost; the timeout finds it dead and its requests, cancelled, go
# down the other path.  Needs cnvme's fault points (VARIANT=faults).
surprise() {
	local c f pci fpid rc st
	wait_paths 2 30 || { echo "paths: $(paths | tr '\n' ' ')"; return 1; }
	c=$(subsys_ctrls | tail -n 1)
	f=/sys/kernel/debug/cnvme/$c
	pci=$(ctrl_pci "$c")
	H=$(head_name)
	subsys=$(subsys_dir)
	echo round-robin >"$subsys/iopolicy"
	head_fio surprise 12
	fpid=$!
	sleep 2
	echo 1 >"$f/drop_io_completions"
	echo 1 >"$f/regs_gone"
	rc=0
	wait "$fpid" || rc=$?
	st=$(cat "/sys/class/nvme/$c/state")
	echo 0 >"$f/regs_gone"
	echo "$pci" >/sys/bus/pci/drivers/cnvme/unbind
	echo "$pci" >/sys/bus/pci/drivers/cnvme/bind
	[ "$rc" = 0 ] || { echo "fio exit $rc"; tail -n 20 "$out/fio-surprise.log"; return 1; }
	[ "$st" = dead ] || { echo "$c is $st, not dead: nothing failed over"; return 1; }
	wait_ctrls_live 30 && wait_paths 2 30 || { echo "paths after rebind: $(paths | tr '\n' ' ')"; return 1; }
}
if [ "$DRIVER" != cnvme ]; then
	tap_skip "${checks[12]}" "uses cnvme's fault points"
else
	grep -q " /sys/kernel/debug debugfs" /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	if ! ls /sys/kernel/debug/cnvme/nvme*/regs_gone >/dev/null 2>&1; then
		tap_skip "${checks[12]}" "this cnvme has no fault points (FAULT_INJECT=1 build, VARIANT=faults)"
	elif ! driver_reload io_timeout=3 admin_timeout=5; then
		tap_fail "${checks[12]}" "reload with short timeouts failed"
	else
		tap_check "${checks[12]}" surprise
		driver_reload >/dev/null 2>&1 || log "reload with default parameters failed"
	fi
fi

# --- the same boot under the in-kernel driver
# instance numbers: nvme-subsysS, nvmeSnH, nvmeScCnH, ngSnH, nvmeC
normalise() {
	sed -E -e 's/nvme-subsys[0-9]+/nvme-subsysS/g' \
	       -e 's/nvme[0-9]+c[0-9]+n/nvmeScCn/g' \
	       -e 's/nvme[0-9]+n/nvmeSn/g' -e 's/ng[0-9]+n/ngSn/g' \
	       -e 's/nvme[0-9]+/nvmeC/g' \
	       -e 's/0000:00:0[0-9a-f]\.0/PCI/g' \
	       -e 's/^dev ([0-9]+) = [0-9]+:[0-9]+/dev \1 = MAJ:MIN/' \
	       -e 's/(MAJOR|MINOR|DISKSEQ)=[0-9]+/\1=N/g' \
	       -e 's/^diskseq ([0-9]+) = [0-9]+/diskseq \1 = N/' \
	       -e 's/^(stat|inflight) ([0-9]+) = .*/\1 \2 = N/' \
	       -e '/^hwmon[0-9]+ dir$/d'
}
run_side() {
	local tag=$1 h s p c
	if ! wait_ctrls_live 30 || ! wait_paths 2 30; then
		echo "$tag: no head with two paths: $(ls /sys/block | tr '\n' ' ')" >>"$out/run_side.err"
		return 1
	fi
	h=$(head_name)
	s=$(subsys_dir)
	# the controller of the first PCI function (probe order may differ)
	c=$(for c in $(subsys_ctrls); do echo "$(ctrl_pci "$c") $c"; done |
		sort | head -n 1 | cut -d' ' -f2)
	p=/sys/block/${h%n1}c${c#nvme}n1
	{
		echo "block: $(ls /sys/block | grep nvme | sed 's/[0-9]\+/N/g' | sort | tr '\n' ' ')"
		echo "dev: $(ls /dev | grep -E '^(nvme|ng)' | sed 's/[0-9]\+/N/g' | sort | tr '\n' ' ')"
		echo "== subsys"; sysfs_dump "$s" | grep -v "^nvme[0-9]* link"
		echo "== head"; sysfs_dump "/sys/block/$h"
		echo "== head queue"; sysfs_dump "/sys/block/$h/queue"
		echo "== path"; sysfs_dump "$p"
		echo "== ctrl"; sysfs_dump "/sys/class/nvme/$c" | grep -v "^hwmon"
		echo "== generic"; sysfs_dump "$s/ng${h#nvme}"
	} >"$out/sysfs.$tag" 2>&1
	{
		for cmd in "nvme list" "nvme list -v" "nvme list -o json" \
			"nvme list-subsys" "nvme list-subsys -o json" \
			"nvme id-ns /dev/$h" "nvme id-ns /dev/ng${h#nvme}" \
			"nvme ns-descs /dev/$h" "nvme get-ns-id /dev/$h" \
			"nvme smart-log /dev/$h" "nvme io-passthru /dev/ng${h#nvme} -o 2 -n 1 -l 4096 -r -b"; do
			echo "== $cmd"
			$cmd 2>&1 | md5sum_if_binary "$cmd"
			echo "exit=${PIPESTATUS[0]}"
		done
	} >"$out/cli.$tag" 2>&1
}
# raw outputs are compared by checksum
md5sum_if_binary() {
	case $1 in
	*" -b") md5sum ;;
	*) cat ;;
	esac
}
# counters that move between the runs
normalise_cli() {
	normalise | sed -E \
	    -e 's/^(data_units_read|data_units_written|host_read_commands|host_write_commands|controller_busy_time|power_on_hours|unsafe_shutdowns|power_cycles|num_err_log_entries)([[:space:]]*:).*/\1\2 N/' \
	    -e 's/"(data_units_read|data_units_written|host_read_commands|host_write_commands|controller_busy_time|power_on_hours|unsafe_shutdowns|power_cycles|num_err_log_entries)":[0-9]+/"\1":N/' \
	    -e 's/^(Data Units Read|Data Units Written)([[:space:]]*:).*/\1\2 N/' \
	    -e 's/(nvmeC, nvmeC)/CTRLS/'
}

if diff_drivers run_side; then
	normalise <"$out/sysfs.nvme" >"$out/sysfs.nvme.n"
	normalise <"$out/sysfs.cnvme" >"$out/sysfs.cnvme.n"
	if diff <(strip_known "$known" <"$out/sysfs.nvme.n") \
		<(strip_known "$known" <"$out/sysfs.cnvme.n") >"$out/sysfs.diff"; then
		tap_ok "${checks[13]}"
	else
		tap_fail "${checks[13]}: differ (< in-kernel, > cnvme)" "$(head -n 40 "$out/sysfs.diff")"
	fi
	if diff <(normalise_cli <"$out/cli.nvme") <(normalise_cli <"$out/cli.cnvme") >"$out/cli.diff"; then
		tap_ok "${checks[14]}"
	else
		tap_fail "${checks[14]}: differ (< in-kernel, > cnvme)" "$(head -n 40 "$out/cli.diff")"
	fi
	if [ -n "$known" ]; then
		d=$(known_changes "$known" "$out/sysfs.nvme.n" "$out/sysfs.cnvme.n")
		if [ -n "$d" ]; then
			tap_todo "known differences on $(uname -r) (- in-kernel, + cnvme)" "$d"
		else
			tap_ok "known differences on $(uname -r): none left"
		fi
	fi
else
	cat "$out/run_side.err" 2>/dev/null
	tap_skip "${checks[13]}" "$DIFF_SKIP"
	tap_skip "${checks[14]}" "$DIFF_SKIP"
	[ -z "$known" ] || tap_skip "known differences" "$DIFF_SKIP"
fi
tap_exit
