#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of "make bench" (scripts/bench.sh): within one boot, cnvme,
# the in-kernel nvme driver and null_blk take turns running the same fio
# jobs, so that all three see the same host noise.
#
# /selftests/bench.cfg (written by scripts/bench.sh) sets SAMPLES, RUNTIME,
# RAMP (seconds), CHUNK (points run per driver turn), NULL_BLK (0|1),
# NULL_BLK_SAMPLES (rounds that run null_blk too), MEM_LOADS (loads of
# each driver whose memory is measured) and POLL_QUEUES; INSN=1 (with
# INSN_IOS="N1 N2") counts instructions instead of timing (see
# insn_point).  /selftests/bench.points has one point a line:
#   NAME ENGINE RW BS IODEPTH MODE
# ENGINE is io_uring (block device) or uring_cmd (/dev/ngXnY, NVMe only);
# MODE is irq or poll (hipri).
#
# Every record goes to stdout as one line "BENCH {json}"; the host parses
# them out of the TAP.  Progress lines go to the console.  Exit 0 when
# every run produced a figure, 1 otherwise.
# shellcheck source=../lib/cnvme.sh
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cfg=${SELFTESTS:-/selftests}/bench.cfg
points_file=${SELFTESTS:-/selftests}/bench.points
SAMPLES=10
RUNTIME=5
RAMP=2
CHUNK=0
NULL_BLK=1
NULL_BLK_SAMPLES=
MEM_LOADS=3
POLL_QUEUES=1
INSN=0
INSN_IOS="2000 12000"
# shellcheck disable=SC1090
[ -r "$cfg" ] && . "$cfg"

errors=0
progress() { echo "cnvme-bench: $*" >/dev/console; }
record() { echo "BENCH $*"; }
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

mapfile -t points < <(grep -v '^[[:space:]]*\(#\|$\)' "$points_file")
npoints=${#points[@]}
[ "$npoints" -gt 0 ] || { echo "no points in $points_file"; exit 1; }
[ "$CHUNK" -gt 0 ] 2>/dev/null || CHUNK=$npoints
NULL_BLK_SAMPLES=${NULL_BLK_SAMPLES:-$SAMPLES}

# --- system counters --------------------------------------------------------
# cpu_ticks: "busy total" over all CPUs, in USER_HZ ticks
cpu_ticks() {
	awk '$1 == "cpu" {
		busy = $2 + $3 + $4 + $7 + $8 + $9
		print busy, busy + $5 + $6
	}' /proc/stat
}

# blk_ios DISK: reads + writes completed on /sys/block/DISK
blk_ios() {
	awk '{ print $1 + $5 }' "/sys/block/$1/stat" 2>/dev/null || echo 0
}

meminfo() { # meminfo FIELD: kB
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

now_ns() { # wall clock in ns (bash 5's EPOCHREALTIME)
	local t=${EPOCHREALTIME/./}
	echo $((10#$t * 1000))
}

mem_snapshot() { # free slab percpu, in kB
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	echo "$(meminfo MemFree) $(meminfo Slab) $(meminfo Percpu)"
}

# --- the drivers --------------------------------------------------------------
cur_disk=
cur_ng=

nvme_pci() { nvme_pci_devices | head -n1; }

# unload_nvme_drivers: neither cnvme nor the in-kernel driver stays loaded
unload_nvme_drivers() {
	[ -d /sys/module/cnvme ] && { DRIVER=cnvme driver_unload || return 1; }
	if [ -d /sys/module/nvme ] || [ -d /sys/module/nvme_core ]; then
		DRIVER=nvme driver_unload || return 1
	fi
	return 0
}

module_bytes() { # module_bytes MOD...: the sum of their core sizes
	local m sum=0
	for m in "$@"; do
		[ -r "/sys/module/$m/coresize" ] &&
			sum=$((sum + $(cat "/sys/module/$m/coresize")))
	done
	echo "$sum"
}

# dma_pool_bytes PCI: pages held by the device's DMA pools
dma_pool_bytes() {
	local f=/sys/bus/pci/devices/$1/pools
	[ -r "$f" ] || { echo 0; return; }
	# a header, then "name in_use total size pages" (names have spaces)
	awk 'NR > 1 && NF >= 5 { b += $NF * 4096 } END { print b + 0 }' "$f"
}

# record_pools DRV LOADNO: the DMA pools after the turn's I/O
record_pools() {
	[ -n "$cur_disk" ] || return 0
	record "{\"type\":\"pools\",\"driver\":\"$1\",\"load\":$2," \
		"\"dma_pool_bytes\":$(dma_pool_bytes "$(nvme_pci)")}"
}

# load_target DRV LOADNO MEASURE: load cnvme or the in-kernel driver, wait
# for its namespace; MEASURE=1: record the memory it took
load_target() {
	local drv=$1 loadno=$2 measure=$3 before after pci ctrl qc sq oacs
	local -a mods
	unload_nvme_drivers || return 1
	cur_disk=
	[ "$measure" = 1 ] && before=$(mem_snapshot)
	# cnvme's queue depths are a debug line (dyndbg=+p: its only ones,
	# at load and reset)
	if [ "$drv" = cnvme ]; then
		DRIVER=$drv driver_load poll_queues="$POLL_QUEUES" dyndbg=+p || return 1
	else
		DRIVER=$drv driver_load poll_queues="$POLL_QUEUES" || return 1
	fi
	DRIVER=$drv wait_ctrls_live 60 || return 1
	cur_disk=$(DRIVER=$drv wait_ns_dev 1 60) || return 1
	cur_disk=${cur_disk#/dev/}
	cur_ng=ng${cur_disk#nvme}
	[ -c "/dev/$cur_ng" ] || cur_ng=
	[ "$measure" = 1 ] || return 0
	after=$(mem_snapshot)
	pci=$(nvme_pci)
	if [ "$drv" = cnvme ]; then
		mods=(cnvme)
	else
		mods=(nvme nvme_core nvme_auth nvme_keyring)
	fi
	ctrl=$(ctrl_names | head -n1)
	qc=$(cat "/sys/class/nvme/$ctrl/queue_count" 2>/dev/null || echo 0)
	sq=$(cat "/sys/class/nvme/$ctrl/sqsize" 2>/dev/null || echo 0)
	# cnvme's I/O CQs may be deeper than its SQs: its log says how deep
	cq=$((sq + 1))
	if [ "$drv" = cnvme ]; then
		cq=$(dmesg | sed -n 's/.* queue depth [0-9]* (CQ \([0-9]*\)).*/\1/p' |
			tail -n 1)
		cq=${cq:-$((sq + 1))}
	fi
	oacs=$(nvme id-ctrl "/dev/$ctrl" 2>/dev/null | awk '$1 == "oacs" { print $3 }')
	# shellcheck disable=SC2086 # three numbers each
	set -- $before $after
	record "{\"type\":\"memory\",\"driver\":\"$drv\",\"load\":$loadno," \
		"\"controllers\":$(nvme_pci_count)," \
		"\"memfree_kb\":[$1,$4],\"slab_kb\":[$2,$5],\"percpu_kb\":[$3,$6]," \
		"\"module_bytes\":$(module_bytes "${mods[@]}")," \
		"\"dma_pool_bytes\":$(dma_pool_bytes "$pci")," \
		"\"queue_count\":$qc,\"sqsize\":$sq,\"cq_depth\":$cq," \
		"\"oacs\":$(jstr "${oacs:-}")," \
		"\"io_queue_mode\":$(jstr "$(cat "/sys/block/$cur_disk/queue/io_poll" 2>/dev/null)")}"
	return 0
}

load_null_blk() {
	[ -d /sys/module/null_blk ] && return 0
	# one 1 GiB disk of 512 B blocks, multi-queue, completion inline
	# (irqmode=0): the block layer alone
	modprobe null_blk nr_devices=1 gb=1 bs=512 queue_mode=2 irqmode=0 \
		submit_queues="$(nproc)" poll_queues="$POLL_QUEUES" \
		hw_queue_depth=1024 || return 1
	[ -b /dev/nullb0 ]
}

# --- one fio run --------------------------------------------------------------
# run_point TARGET ROUND NAME ENGINE RW BS IODEPTH MODE
run_point() {
	local target=$1 round=$2 name=$3 engine=$4 rw=$5 bs=$6 qd=$7 mode=$8
	local dev disk args c0 c1 ct0 ct1 b0 b1 t0 t1 out rc iops kb
	case $engine in
	io_uring)
		if [ "$target" = null_blk ]; then disk=nullb0; else disk=$cur_disk; fi
		dev=/dev/$disk
		args=(--ioengine=io_uring --direct=1)
		;;
	uring_cmd)
		[ "$target" = null_blk ] && return 0
		[ -n "$cur_ng" ] || { echo "no /dev/ngXnY for $name"; return 1; }
		disk=$cur_disk
		dev=/dev/$cur_ng
		args=(--ioengine=io_uring_cmd --cmd_type=nvme)
		;;
	*) echo "unknown engine $engine"; return 1 ;;
	esac
	[ "$mode" = poll ] && args+=(--hipri=1)
	args+=(--name=bench "--filename=$dev" "--rw=$rw" "--bs=$bs"
		"--iodepth=$qd" --numjobs=1 --fixedbufs=1 --registerfiles=1
		--norandommap=1 --random_generator=lfsr --gtod_reduce=1
		--time_based=1 "--ramp_time=$RAMP" "--runtime=$RUNTIME"
		--output-format=terse --terse-version=3)
	read -r c0 ct0 < <(cpu_ticks)
	b0=$(blk_ios "$disk")
	t0=$(now_ns)
	rc=0
	out=$(fio "${args[@]}" 2>/tmp/fio.err) || rc=$?
	t1=$(now_ns)
	b1=$(blk_ios "$disk")
	read -r c1 ct1 < <(cpu_ticks)
	# terse v3: 6-9 read kB, bw, iops, runtime ms; 47-50 the same for writes
	case $rw in
	*write) iops=$(echo "$out" | awk -F';' '{ print $49 }'); kb=$(echo "$out" | awk -F';' '{ print $47 }') ;;
	*) iops=$(echo "$out" | awk -F';' '{ print $8 }'); kb=$(echo "$out" | awk -F';' '{ print $6 }') ;;
	esac
	if [ "$rc" -ne 0 ] || [ -z "$iops" ] || [ "$iops" = 0 ]; then
		echo "fio failed: $target $name (exit $rc): $(tail -n 5 /tmp/fio.err | tr '\n' ' ')"
		errors=$((errors + 1))
		record "{\"type\":\"error\",\"target\":\"$target\",\"point\":\"$name\",\"round\":$round,\"rc\":$rc}"
		return 0
	fi
	record "{\"type\":\"sample\",\"target\":\"$target\",\"point\":\"$name\"," \
		"\"round\":$round,\"iops\":$iops,\"kb\":$kb,\"bs\":\"$bs\"," \
		"\"cpu_busy_ticks\":$((c1 - c0)),\"cpu_total_ticks\":$((ct1 - ct0))," \
		"\"blk_ios\":$((b1 - b0)),\"wall_ns\":$((t1 - t0))}"
}

# --- instructions per I/O ------------------------------------------------------
# With INSN=1 the guest runs under QEMU's insn_count plugin (see
# selftests/bench/plugin/insn_count.c): each point runs fio for a fixed
# number of I/Os, each of INSN_IOS, with fio's prerun and postrun commands
# executing the plugin's markers around the job's I/O.  The host takes the
# per-I/O count from the difference of two runs, which leaves out what a
# run costs whatever its length (fio's and the job's set-up).  Polled
# points count the polling loop's turns, which depend on timing: they are
# left out.
insn_mark=${SELFTESTS:-/selftests}/insn-mark
insn_seq=0
insn_failed=0

# record_ksyms LOADNO TARGET: the target's modules (/proc/modules: name,
# address, size) and their text symbols, to map the plugin's per-block
# counts to the driver and its functions
record_ksyms() {
	local mods
	[ "$INSN" = 1 ] || return 0
	if [ "$2" = cnvme ]; then mods=cnvme; else mods='nvme|nvme_core'; fi
	record "{\"type\":\"ksyms\",\"load\":$1,\"target\":\"$2\",\"mods\":[$(
		awk -v mods="$mods" '$1 ~ ("^(" mods ")$") && NF >= 6 {
			printf "%s[\"%s\",\"%s\",%d]", sep, $1, $6, $2
			sep = ","
		}' /proc/modules)],\"syms\":[$(
		awk -v mods="$mods" '$2 ~ /^[tT]$/ && NF >= 4 {
			mod = $4
			gsub(/[][]/, "", mod)
			if (mod !~ ("^(" mods ")$"))
				next
			printf "%s[\"%s\",\"%s\",\"%s\"]", sep, $1, $3, mod
			sep = ","
		}' /proc/kallsyms)]}"
}

# insn_point TARGET ROUND LOADNO NAME ENGINE RW BS IODEPTH MODE
insn_point() {
	local target=$1 round=$2 loadno=$3 name=$4 engine=$5 rw=$6 bs=$7 qd=$8
	local mode=$9 dev n rc out iops
	local -a args
	[ "$insn_failed" = 0 ] || return 0
	[ "$mode" = irq ] || return 0
	case $engine in
	io_uring) dev=/dev/$cur_disk; args=(--ioengine=io_uring --direct=1) ;;
	uring_cmd)
		[ -n "$cur_ng" ] || { echo "no /dev/ngXnY for $name"; return 1; }
		dev=/dev/$cur_ng
		args=(--ioengine=io_uring_cmd --cmd_type=nvme)
		;;
	*) echo "unknown engine $engine"; return 1 ;;
	esac
	args+=(--name=insn "--filename=$dev" "--rw=$rw" "--bs=$bs"
		"--iodepth=$qd" --numjobs=1 --fixedbufs=1 --registerfiles=1
		--norandommap=1 --random_generator=lfsr --gtod_reduce=1
		"--exec_prerun=$insn_mark begin" "--exec_postrun=$insn_mark end"
		--output-format=terse --terse-version=3)
	for n in $INSN_IOS; do
		rc=0
		out=$(fio "${args[@]}" "--number_ios=$n" 2>/tmp/fio.err) || rc=$?
		if [ "$rc" -ne 0 ]; then
			# the markers may be out of step with the records now:
			# nothing more is counted
			echo "fio failed: $target $name, $n I/Os (exit $rc): $(tail -n 5 /tmp/fio.err | tr '\n' ' ')"
			errors=$((errors + 1))
			insn_failed=1
			record "{\"type\":\"error\",\"target\":\"$target\",\"point\":\"$name\",\"round\":$round,\"rc\":$rc}"
			return 0
		fi
		insn_seq=$((insn_seq + 1))
		# IOPS under the plugin, to state its slowdown (the terse line
		# comes after the prerun's)
		case $rw in
		*write) iops=$(echo "$out" | awk -F';' 'NF > 50 { print $49; exit }') ;;
		*) iops=$(echo "$out" | awk -F';' 'NF > 50 { print $8; exit }') ;;
		esac
		record "{\"type\":\"insn\",\"target\":\"$target\",\"point\":\"$name\"," \
			"\"round\":$round,\"load\":$loadno,\"ios\":$n,\"seq\":$insn_seq," \
			"\"iops\":${iops:-0}}"
	done
}

# --- main -----------------------------------------------------------------
record "{\"type\":\"meta\",\"kernel\":$(jstr "$(uname -r)"),\"nproc\":$(nproc)," \
	"\"cpu\":$(jstr "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)")," \
	"\"mem_kb\":$(meminfo MemTotal),\"samples\":$SAMPLES,\"runtime\":$RUNTIME," \
	"\"ramp\":$RAMP,\"chunk\":$CHUNK,\"null_blk\":$NULL_BLK," \
	"\"null_blk_samples\":$NULL_BLK_SAMPLES,\"poll_queues\":$POLL_QUEUES," \
	"\"fio\":$(jstr "$(fio --version)"),\"points\":$npoints," \
	"\"insn\":$INSN,\"insn_ios\":$(jstr "$INSN_IOS")," \
	"\"controller\":$(jstr "$(cat /sys/bus/pci/devices/"$(nvme_pci)"/vendor 2>/dev/null):$(cat /sys/bus/pci/devices/"$(nvme_pci)"/device 2>/dev/null)")}"

if [ "$INSN" = 1 ]; then
	NULL_BLK=0
	MEM_LOADS=0
	[ -x "$insn_mark" ] || { echo "INSN=1 but no $insn_mark"; exit 1; }
fi
if [ "$NULL_BLK" = 1 ] && ! load_null_blk; then
	echo "null_blk did not load: no ceiling"
	NULL_BLK=0
fi

targets=(cnvme nvme)
[ "$NULL_BLK" = 1 ] && targets+=(null_blk)
ntargets=${#targets[@]}
loads=0
declare -A nloads
start=$(date +%s)
for ((round = 1; round <= SAMPLES; round++)); do
	turn=0
	tlist=("${targets[@]}")
	[ "$round" -gt "$NULL_BLK_SAMPLES" ] && tlist=(cnvme nvme)
	ntargets=${#tlist[@]}
	for ((first = 0; first < npoints; first += CHUNK)); do
		# the order of the targets rotates every turn, so none always
		# runs first or just after a load
		for ((k = 0; k < ntargets; k++)); do
			target=${tlist[$(((k + turn + round - 1) % ntargets))]}
			if [ "$target" != null_blk ]; then
				loads=$((loads + 1))
				nloads[$target]=$((${nloads[$target]:-0} + 1))
				measure=0
				[ "${nloads[$target]}" -le "$MEM_LOADS" ] && measure=1
				if ! load_target "$target" "$loads" "$measure" >/tmp/load.out 2>&1; then
					echo "loading $target failed:"
					cat /tmp/load.out
					dmesg | tail -n 20
					errors=$((errors + 1))
					continue
				fi
				grep '^BENCH ' /tmp/load.out
				record_ksyms "$loads" "$target"
			else
				unload_nvme_drivers
			fi
			progress "round $round/$SAMPLES, points $((first + 1))-$((first + CHUNK < npoints ? first + CHUNK : npoints)) of $npoints, $target, $(($(date +%s) - start)) s"
			for ((i = first; i < first + CHUNK && i < npoints; i++)); do
				# shellcheck disable=SC2086
				if [ "$INSN" = 1 ]; then
					insn_point "$target" "$round" "$loads" ${points[$i]}
				else
					run_point "$target" "$round" ${points[$i]}
				fi
			done
			[ "$target" != null_blk ] && record_pools "$target" "$loads"
		done
		turn=$((turn + 1))
	done
done
unload_nvme_drivers
rmmod null_blk 2>/dev/null
record "{\"type\":\"end\",\"errors\":$errors,\"seconds\":$(($(date +%s) - start))}"
progress "done in $(($(date +%s) - start)) s, $errors errors"
[ "$errors" -eq 0 ]
