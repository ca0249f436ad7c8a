#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one QEMU VM and run the cnvme selftests in it.
#
#   KVER=6.1 TOPO=one DRIVER=cnvme selftests/vm/run.sh
#   selftests/vm/run.sh --kver 6.12 --topo three --driver nvme --tests "a b"
#
# Settings (environment, or the option in brackets):
#   KVER         kernel release or short form (6.1, 6.12) [--kver]
#                default: the first of kernels.sh
#   KERNEL_DIR   a kernel outside /boot instead of KVER: the directory
#                scripts/debug-kernel.sh prints (vmlinuz, release, modules/)
#   TOPO         topology, see topology.sh (one, three, file, two) [--topo]
#                default: one
#   VARIANT      faults: the FAULT_INJECT=1 build (build/faults/KVER/cnvme.ko)
#   DRIVER       cnvme (build/KVER/cnvme.ko, in-kernel nvme blacklisted) or
#                nvme (the in-kernel driver) [--driver]; default cnvme
#   TESTS        test names in build/selftests to run, space separated
#                [--tests]; default: every executable there
#   MODPARAMS    cnvme module parameters [--modparams]
#   TIMEOUT      seconds for the whole VM run, QEMU killed after [--timeout]
#                default 900 (none when interactive)
#   TEST_TIMEOUT seconds per test inside the guest [--test-timeout]; 300
#   S3_STUCK     seconds of console silence inside the platform's part of
#                an S3 cycle after which QEMU is stopped and the boot set
#                aside (at most twice); 120
#   INTERACTIVE  1: console on stdio, a shell after loading the driver
#                [--interactive]
#   RUNDIR       output directory [--rundir]; default
#                build/runs/<kver>-<topo>-<driver>-<timestamp>
#   SELFTESTS_DIR tests to copy into the guest; default build/selftests
#   UNLOAD       0: skip the final "driver unloads" test; default 1
#   TEST_ENV     "VAR=value ..." exported to the tests (e.g. SWEEP_TRACE=1)
#   BLACKLIST    modules blacklisted when DRIVER=cnvme (modprobe.blacklist=:
#                nothing loads them on its own, an explicit insmod still can);
#                default "nvme"; "nvme,nvme_core" keeps nvme_core out too
#   APPEND       extra kernel command line; QEMU_ARGS extra QEMU arguments
#   MEM, SMP     guest memory and CPUs (1G, 2)
#   KEEP         1: keep initrd and disk images in RUNDIR
#
# RUNDIR gets console.log (ttyS0: kernel console), tap.log (ttyS1: TAP),
# dmesg.log (ttyS2: the whole kernel log at the end), qemu.log (QEMU's
# stderr), qemu-reset.log (the CPUs' state at each reset: boot, S3
# wake-up, a triple fault), cmdline and result (PASS/FAIL and why).
#
# Prints the TAP as the guest writes it, then "# run directory: DIR" and
# the verdict.  Exit 0 only
# when the guest finished ("# cnvme-run-complete"), no top-level test is
# "not ok" and neither console.log nor dmesg.log shows a kernel bug, warning
# or oops; 1 when the run failed, 2 on a setup error (nothing booted).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

die() {
	echo "run.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kver) KVER=$2; shift ;;
	--topo) TOPO=$2; shift ;;
	--driver) DRIVER=$2; shift ;;
	--tests) TESTS=$2; shift ;;
	--modparams) MODPARAMS=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--test-timeout) TEST_TIMEOUT=$2; shift ;;
	--rundir) RUNDIR=$2; shift ;;
	--interactive) INTERACTIVE=1 ;;
	-h | --help)
		sed -n '3,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$1' (--help)" ;;
	esac
	shift
done

TOPO=${TOPO:-one}
DRIVER=${DRIVER:-cnvme}
TESTS=${TESTS:-}
MODPARAMS=${MODPARAMS:-}
INTERACTIVE=${INTERACTIVE:-0}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
UNLOAD=${UNLOAD:-1}
MEM=${MEM:-1G}
SMP=${SMP:-2}
KEEP=${KEEP:-0}
BLACKLIST=${BLACKLIST-nvme}
SELFTESTS_DIR=${SELFTESTS_DIR:-$root/build/selftests}
if [ "$INTERACTIVE" = 1 ]; then
	TIMEOUT=${TIMEOUT:-0}
else
	# the file topology's boot, the longest, takes 530-550 s with two
	# guests at a time on two host CPUs: 900 s leaves it room (the
	# emulator's own hangs are stopped sooner, see stuck_in_s3 and
	# impossible_rflags)
	TIMEOUT=${TIMEOUT:-900}
fi
# after "# cnvme-run-complete" the guest gets this long to power off
POWEROFF_GRACE=${POWEROFF_GRACE:-60}
# a guest inside the platform's part of S3 with a console silent this long
# is stuck there (the host wakes a sleeping guest after 20 s): stopped
S3_STUCK=${S3_STUCK:-120}

case $DRIVER in cnvme | nvme) ;; *) die "DRIVER must be cnvme or nvme, not '$DRIVER'" ;; esac
case $TIMEOUT$TEST_TIMEOUT$S3_STUCK in *[!0-9]*) die "TIMEOUT, TEST_TIMEOUT and S3_STUCK are seconds" ;; esac

# --- kernel ----------------------------------------------------------------
# KERNEL_DIR: a kernel outside /boot (scripts/debug-kernel.sh,
# scripts/sid-kernel.sh): its vmlinuz, release, modules/lib/modules/<release>
# and config (or build/.config)
if [ -n "${KERNEL_DIR:-}" ]; then
	KVER=$(cat "$KERNEL_DIR/release") || die "no $KERNEL_DIR/release"
	vmlinuz=$KERNEL_DIR/vmlinuz
	export MODULES_ROOT=$KERNEL_DIR/modules
elif ! kernels=$(KERNELS=${KVER:-} "$here/kernels.sh"); then
	die "no usable kernel for KVER='${KVER:-}'"
fi
if [ -n "${KERNEL_DIR:-}" ]; then
	:
elif [ -n "${KVER:-}" ] && printf '%s\n' "$kernels" | grep -qxF "$KVER"; then
	:
elif [ "$(printf '%s\n' "$kernels" | wc -l)" -eq 1 ] || [ -z "${KVER:-}" ]; then
	KVER=$(printf '%s\n' "$kernels" | head -n1)
else
	die "KVER='$KVER' is ambiguous: $(printf '%s' "$kernels" | tr '\n' ' ')"
fi
# a kernel outside /boot that kernels.sh lists (Debian unstable's)
if [ -z "${KERNEL_DIR:-}" ] && KERNEL_DIR=$("$here/kernels.sh" --dir "$KVER"); then
	vmlinuz=$KERNEL_DIR/vmlinuz
	export MODULES_ROOT=$KERNEL_DIR/modules
fi
[ -n "${KERNEL_DIR:-}" ] || vmlinuz=/boot/vmlinuz-$KVER
[ -r "$vmlinuz" ] || die "cannot read $vmlinuz"

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (make deps)"
expect=$("$here/topology.sh" --expect "$TOPO") || die "unknown topology '$TOPO'"
eval "$expect"

ko=
if [ "$DRIVER" = cnvme ]; then
	case ${VARIANT:-} in
	"") ko=$root/build/$KVER/cnvme.ko ;;
	faults) ko=$root/build/faults/$KVER/cnvme.ko ;;
	*) die "unknown VARIANT '$VARIANT' (faults)" ;;
	esac
	[ -f "$ko" ] || die "no $ko: build it first (make${VARIANT:+ FAULT_INJECT=1})"
fi

# --- run directory ---------------------------------------------------------
if [ -z "${RUNDIR:-}" ]; then
	RUNDIR=$root/build/runs/$KVER-$TOPO-$DRIVER-$(date +%Y%m%d-%H%M%S)
	i=1
	base=$RUNDIR
	while [ -e "$RUNDIR" ]; do
		i=$((i + 1))
		RUNDIR=$base.$i
	done
fi
mkdir -p "$RUNDIR"
RUNDIR=$(cd "$RUNDIR" && pwd)
rm -f "$RUNDIR"/{console,tap,dmesg,qemu}.log "$RUNDIR/result"

# --- initramfs: cached base + this run's overlay ---------------------------
# uncompressed: saves the guest about 1 s of gunzip per boot
base_cpio=$root/build/vm/base-$KVER.cpio
"$here/mkinitramfs.sh" "$KVER" "$base_cpio" || die "building $base_cpio failed"

ov=$RUNDIR/overlay
rm -rf "$ov"
mkdir -p "$ov/etc" "$ov/selftests"
if [ -n "$ko" ]; then
	mkdir -p "$ov/cnvme"
	# without its debug information, as Debian ships its modules: 0.3
	# instead of 6 MB to load, whose freed pages would otherwise sit in
	# the per-CPU page lists and blur the benchmark's MemFree figures
	objcopy --strip-debug "$ko" "$ov/cnvme/cnvme.ko" ||
		die "objcopy --strip-debug $ko failed"
fi
if [ -d "$SELFTESTS_DIR" ]; then
	cp -a "$SELFTESTS_DIR/." "$ov/selftests/"
else
	echo "run.sh: warning: no $SELFTESTS_DIR (make selftests): no tests to run" >&2
fi
cp "$here/guest-init.sh" "$ov/init"
cp "$here/log-allow.awk" "$ov/log-allow.awk"
chmod 0755 "$ov/init"

q() { # q VALUE: VALUE single-quoted for sh
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
{
	echo "DRIVER=$(q "$DRIVER")"
	echo "TOPO=$(q "$TOPO")"
	echo "KVER=$(q "$KVER")"
	echo "TESTS=$(q "$TESTS")"
	echo "EXPECT_SERIALS=$(q "$EXPECT_SERIALS")"
	echo "EXPECT_MODEL=$(q "$EXPECT_MODEL")"
	echo "EXPECT_NAMESPACES=$(q "$EXPECT_NAMESPACES")"
	echo "MODPARAMS=$(q "$MODPARAMS")"
	echo "TEST_TIMEOUT=$(q "$TEST_TIMEOUT")"
	echo "INTERACTIVE=$(q "$INTERACTIVE")"
	echo "UNLOAD=$(q "$UNLOAD")"
	# TEST_ENV="VAR=value ...": more settings for the tests
	# (split on blanks, no globbing: a value may be a regular expression)
	set -f
	for kv in ${TEST_ENV:-}; do
		case $kv in
		[A-Z]*=*) echo "export ${kv%%=*}=$(q "${kv#*=}")" ;;
		*) die "TEST_ENV: '$kv' is not VAR=value" ;;
		esac
	done
	set +f
} >"$ov/etc/testcfg"

(cd "$ov" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 | gzip -n -1) >"$RUNDIR/overlay.cpio.gz"
cat "$base_cpio" "$RUNDIR/overlay.cpio.gz" >"$RUNDIR/initrd.img"
rm -rf "$ov"

# --- QEMU ------------------------------------------------------------------
mapfile -t topo_args < <("$here/topology.sh" "$TOPO" "$RUNDIR")
[ "${#topo_args[@]}" -gt 0 ] || die "topology.sh $TOPO printed nothing"

# slab_nomerge: the driver's own caches are never shared, so a leak is
# reported when the module unloads.  no_console_suspend: a crash between
# a resume's first steps and the consoles' resume (where the guest
# reboots, and QEMU exits, with the report still in the kernel's buffer)
# reaches console.log.
append="console=ttyS0 quiet panic=-1 panic_on_warn=0 log_buf_len=8M printk.devkmsg=on slab_nomerge no_console_suspend"
kconfig=/boot/config-$KVER
if [ -f "${KERNEL_DIR:-}/config" ]; then
	kconfig=$KERNEL_DIR/config
elif [ -n "${KERNEL_DIR:-}" ]; then
	kconfig=$KERNEL_DIR/build/.config
fi
# Under KASAN and TCG, ACPI's interpreter needs more than its 30 s loop
# limit for the PCI interrupt routing (_PRT) of every probe ("ACPI Error:
# ... AE_AML_LOOP_TIMEOUT"): the debug kernel routes without ACPI (the
# drivers use MSI-X anyway).  And with -cpu max it would run 5-level
# page tables, where an interrupt during identify_cpu() is reported by
# KASAN as a wild access (its shadow is not set up that early): 4 levels.
if grep -qx 'CONFIG_KASAN=y' "$kconfig" 2>/dev/null; then
	append="$append acpi=noirq no5lvl"
fi
if grep -qx 'CONFIG_KFENCE=y' "$kconfig" 2>/dev/null; then
	append="$append kfence.sample_interval=100"
fi
# cnvme runs keep the in-kernel driver off the controllers; nvme_core stays
# loadable (a test loads it beside cnvme to see cnvme refuse to load)
[ "$DRIVER" = cnvme ] && [ -n "$BLACKLIST" ] &&
	append="$append modprobe.blacklist=$BLACKLIST"
append="$append ${APPEND:-}"

if [ "$INTERACTIVE" = 1 ]; then
	console=mon:stdio
else
	console=file:$RUNDIR/console.log
fi
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$SMP"
	-nodefaults -display none -no-reboot
	-kernel "$vmlinuz" -initrd "$RUNDIR/initrd.img" -append "$append"
	-serial "$console" -serial "file:$RUNDIR/tap.log"
	-serial "file:$RUNDIR/dmesg.log"
	-qmp "unix:$RUNDIR/qmp.sock,server=on,wait=off"
	-d cpu_reset -D "$RUNDIR/qemu-reset.log"
	"${topo_args[@]}")
# shellcheck disable=SC2206
[ -n "${QEMU_ARGS:-}" ] && qemu+=(${QEMU_ARGS})
printf '%q ' "${qemu[@]}" >"$RUNDIR/cmdline"
echo >>"$RUNDIR/cmdline"

echo "# $KVER $TOPO $DRIVER: booting ($RUNDIR)" >&2
start=$(date +%s)
qpid=
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 1
		kill -9 "$qpid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

complete() { grep -q '^# cnvme-run-complete' "$RUNDIR/tap.log" 2>/dev/null; }

# stream_tap: print what the guest added to tap.log since the last call
tap_printed=0
stream_tap() {
	local size
	size=$(stat -c %s "$RUNDIR/tap.log" 2>/dev/null) || return 0
	[ "$size" -gt "$tap_printed" ] || return 0
	tail -c +$((tap_printed + 1)) "$RUNDIR/tap.log" | head -c $((size - tap_printed))
	tap_printed=$size
}

# hang_snapshot: the guest ran out of time; before QEMU is killed, its
# vCPUs' registers, twice a second apart (a RIP that moves is a guest
# spinning, one that stays is a guest halted or an emulator stuck), go to
# hang-regs.log, for a hang that left no line in the console
hang_snapshot() {
	local i
	for i in 1 2; do
		echo "== info registers -a, sample $i"
		"$here/qmp.py" "$RUNDIR/qmp.sock" \
			'{"execute": "human-monitor-command", "arguments": {"command-line": "info registers -a"}}' 2>&1 |
			python3 -c 'import json, sys; print(json.loads(sys.stdin.read()).get("return", ""))' 2>&1
		sleep 1
	done >"$RUNDIR/hang-regs.log" 2>&1
}

# host_requests: a test asks the host for something the guest cannot do
# (hot removal and re-adding of a device, waking a suspended guest) by
# writing a line "cnvme-host: <QMP command as JSON>" to the TAP port, or
# "cnvme-host: after SECONDS <QMP command>" to have it sent that much
# later; each new one is sent to QEMU's monitor once, and the reply goes
# to host.log.
host_done=0
host_send() {
	{
		echo "> $1"
		"$here/qmp.py" "$RUNDIR/qmp.sock" "$1" 2>&1 ||
			echo "(the command failed; the test decides)"
	} >>"$RUNDIR/host.log"
}
host_requests() {
	local n=0 line cmd secs
	while IFS= read -r line; do
		n=$((n + 1))
		[ "$n" -gt "$host_done" ] || continue
		host_done=$n
		cmd=${line#*cnvme-host: }
		case $cmd in
		after\ [0-9]*)
			secs=${cmd#after }
			secs=${secs%% *}
			(sleep "$secs"; host_send "${cmd#after "$secs" }") \
				</dev/null >/dev/null 2>&1 &
			;;
		*) host_send "$cmd" ;;
		esac
	done < <(grep -a 'cnvme-host: ' "$RUNDIR/tap.log" 2>/dev/null)
}

# A boot that dies before /init runs (seen under TCG: an int3 oops while
# the kernel patches its own text) is the emulator's fault, not the
# driver's: such a boot is tried once more, and says so.  So is a run
# whose kernel report shows RFLAGS with a reserved bit set (bits 22-63):
# no x86 CPU can hold one, whatever a driver writes to memory, so the
# emulated CPU state itself was wrong (seen once under TCG on Debian's
# 6.12: a spurious single-step #DB inside kmem_cache_alloc, RFLAGS
# 0x81e82302).  That run is kept as *-emufault1 and booted again, on fresh
# disk images; the second boot's verdict is the run's.
impossible_rflags() {
	local v
	for v in $(grep -ao 'EFLAGS: [0-9a-f]\{1,16\}' "$RUNDIR/console.log" 2>/dev/null |
		   sed 's/EFLAGS: //' | sort -u); do
		[ $((16#$v >> 22)) -ne 0 ] && echo "$v" && return 0
	done
	return 1
}
# a kernel report in a log: the run fails
FATAL='BUG:|WARNING:|Oops|Objects remaining|general protection|Call Trace|list_add corruption|list_del corruption|hung_task|blocked for more than|soft lockup|hard LOCKUP|Kernel panic|UBSAN:|detected stall|completion for unknown command id'

# in_s3: the console's last "Preparing to enter system sleep state S3"
# has no "Low-level resume complete" after it
in_s3() {
	awk '/ACPI: PM: Preparing to enter system sleep state S3/ { s = 1 }
	     /ACPI: PM: Low-level resume complete/ { s = 0 }
	     END { exit !s }' "$RUNDIR/console.log" 2>/dev/null
}
# stuck_in_s3: in S3, and the console has not changed for S3_STUCK s,
# with no kernel report in it
stuck_in_s3() {
	local changed
	in_s3 || return 1
	changed=$(stat -c %Y "$RUNDIR/console.log" 2>/dev/null) || return 1
	[ $(($(date +%s) - changed)) -ge "$S3_STUCK" ] || return 1
	! grep -qE "$FATAL" "$RUNDIR/console.log" 2>/dev/null
}
# died_in_s3: the guest stopped (QEMU exit 0: under -no-reboot, a reset
# the guest or its firmware asked for) inside the platform's part of an
# S3 cycle: its last "Preparing to enter system sleep state S3" has no
# "Low-level resume complete" after it (the consoles stay on,
# no_console_suspend).  No driver code runs between those two lines:
# the devices' callbacks, noirq included, have run, the other CPUs go
# offline, and the sleep and the wake-up are the firmware's and QEMU's
# (seen once in CI on 6.1, never in 190 cycles here on a busy host; then
# in both boots of one run on 6.12 with two guests at a time).
# qemu-reset.log has the CPU state of each reset (-d cpu_reset): only a
# boot that QEMU ended on a "Triple fault" there, with no kernel report
# at all, qualifies.  Up to two such boots are set aside.
died_in_s3() {
	[ "$timed_out" = 0 ] && [ "$poweroff_hang" = 0 ] && [ "$qrc" = 0 ] ||
		return 1
	! grep -qE "$FATAL" "$RUNDIR/console.log" 2>/dev/null || return 1
	tail -n 1 "$RUNDIR/qemu-reset.log" 2>/dev/null | grep -q '^Triple fault' ||
		return 1
	in_s3
}
# set_aside SUFFIX WHY: the boot just ended is the emulator's or the
# firmware's fault: its logs are kept as *-SUFFIX.log, the disk images
# made afresh, and the caller boots again (its verdict is the run's)
set_aside() {
	echo "# $2; the logs of boot $boot_attempts are *-$1.log: booting again on fresh images" |
		tee -a "$RUNDIR/boot-retry" >&2
	for f in console tap dmesg host qemu-reset; do
		[ -f "$RUNDIR/$f.log" ] && mv "$RUNDIR/$f.log" "$RUNDIR/$f-$1.log"
	done
	: >"$RUNDIR/tap.log"
	: >"$RUNDIR/dmesg.log"
	"$here/topology.sh" "$TOPO" "$RUNDIR" >/dev/null ||
		die "topology.sh $TOPO could not make fresh images"
	tap_printed=0
	host_done=0
	start=$(date +%s)
}
boot_attempts=0
while :; do
boot_attempts=$((boot_attempts + 1))
timed_out=0 poweroff_hang=0 emu_stopped=0 s3_stuck=0 qrc=0
if [ "$INTERACTIVE" = 1 ] && [ "$TIMEOUT" -eq 0 ]; then
	"${qemu[@]}" 2>"$RUNDIR/qemu.log" || qrc=$?
else
	if [ "$INTERACTIVE" = 1 ]; then
		"${qemu[@]}" 2>"$RUNDIR/qemu.log" &
	else
		"${qemu[@]}" </dev/null >/dev/null 2>"$RUNDIR/qemu.log" &
	fi
	qpid=$!
	done_at=
	emu_seen= emu_checked=0 s3_checked=0
	while kill -0 "$qpid" 2>/dev/null; do
		[ "$INTERACTIVE" = 1 ] || stream_tap
		host_requests
		now=$(date +%s)
		# an emulation fault does not end by itself (the guest went
		# on with a corrupt CPU state and often stops making progress
		# long before TIMEOUT): once its report is 10 s old, stop
		if [ "$INTERACTIVE" != 1 ] && [ -z "$emu_seen" ] &&
		   [ $((now - emu_checked)) -ge 5 ]; then
			emu_checked=$now
			! impossible_rflags >/dev/null || emu_seen=$now
		fi
		if [ -n "$emu_seen" ] && [ $((now - emu_seen)) -ge 10 ]; then
			emu_stopped=1
			break
		fi
		# nor does a guest the platform never resumes from S3
		if [ "$INTERACTIVE" != 1 ] && [ $((now - s3_checked)) -ge 5 ]; then
			s3_checked=$now
			if stuck_in_s3; then
				s3_stuck=1
				break
			fi
		fi
		if [ -z "$done_at" ] && complete; then
			done_at=$now
		fi
		if [ -n "$done_at" ] && [ $((now - done_at)) -ge "$POWEROFF_GRACE" ]; then
			poweroff_hang=1
			break
		fi
		if [ "$TIMEOUT" -gt 0 ] && [ $((now - start)) -ge "$TIMEOUT" ]; then
			timed_out=1
			break
		fi
		sleep 0.5
	done
	if [ "$timed_out" = 1 ] || [ "$s3_stuck" = 1 ]; then
		hang_snapshot || true
	fi
	if [ "$timed_out" = 1 ] || [ "$poweroff_hang" = 1 ] ||
	   [ "$emu_stopped" = 1 ] || [ "$s3_stuck" = 1 ]; then
		cleanup
	fi
	wait "$qpid" 2>/dev/null || qrc=$?
	qpid=
fi
if [ "$INTERACTIVE" != 1 ] && [ "$boot_attempts" -lt 2 ] && ! complete &&
   ! grep -q 'cnvme-init:' "$RUNDIR/console.log" 2>/dev/null &&
   grep -q 'Kernel panic' "$RUNDIR/console.log" 2>/dev/null; then
	echo "# the guest crashed before /init ran (boot-time emulation fault; console in console-boot1.log): booting again" | tee -a "$RUNDIR/boot-retry" >&2
	mv "$RUNDIR/console.log" "$RUNDIR/console-boot1.log"
	: >"$RUNDIR/tap.log"
	: >"$RUNDIR/dmesg.log"
	tap_printed=0
	host_done=0
	start=$(date +%s)
	continue
fi
if [ "$INTERACTIVE" != 1 ] && [ "$boot_attempts" -lt 3 ] && ! complete &&
   died_in_s3; then
	set_aside "s3fault$boot_attempts" "the guest stopped inside the platform's S3 sleep, after the kernel's last line before it, on a triple fault (firmware or emulator)"
	continue
fi
if [ "$INTERACTIVE" != 1 ] && [ "$boot_attempts" -lt 3 ] &&
   [ "$s3_stuck" = 1 ]; then
	set_aside "s3stuck$boot_attempts" "the guest stayed inside the platform's S3 sleep, its console silent for ${S3_STUCK} s though the host woke it every 20 s (firmware or emulator): QEMU stopped"
	continue
fi
if [ "$INTERACTIVE" != 1 ] && [ "$boot_attempts" -lt 2 ] &&
   rflags=$(impossible_rflags); then
	set_aside emufault1 "a kernel report shows RFLAGS $rflags, reserved bits set (emulation fault)"
	continue
fi
break
done
elapsed=$(($(date +%s) - start))

# --- verdict ---------------------------------------------------------------
for f in console tap dmesg; do
	[ -f "$RUNDIR/$f.log" ] || : >"$RUNDIR/$f.log"
done
sed -i 's/\r$//' "$RUNDIR/console.log" "$RUNDIR/dmesg.log"

if [ "$INTERACTIVE" != 1 ]; then
	stream_tap
	# a run cut short can leave a partial last line
	[ -z "$(tail -c 1 "$RUNDIR/tap.log")" ] || echo
fi

reasons=()
if [ "$INTERACTIVE" != 1 ]; then
	complete || {
		if [ "$timed_out" = 1 ]; then
			what="guest hung: no end of run after ${TIMEOUT}s, QEMU killed (vCPU registers in hang-regs.log)"
		elif [ "$s3_stuck" = 1 ]; then
			what="guest stuck inside S3 in boot $boot_attempts: console silent for ${S3_STUCK} s though the host woke it every 20 s, QEMU stopped (vCPU registers in hang-regs.log)"
		elif [ "$emu_stopped" = 1 ]; then
			what="emulation fault in boot $boot_attempts (RFLAGS $(impossible_rflags), reserved bits set): QEMU stopped 10 s after the report"
		elif grep -q 'Kernel panic' "$RUNDIR/console.log"; then
			what="guest crashed: $(grep -m1 'Kernel panic' "$RUNDIR/console.log" | sed 's/^\[[^]]*\] *//')"
		else
			what="guest stopped (QEMU exit $qrc) before the end of the run"
		fi
		echo "not ok - $what; see $RUNDIR/console.log"
		echo "# last lines of console.log:"
		tail -n 40 "$RUNDIR/console.log" | sed 's/^/#   /'
		reasons+=("$what")
	}
	if grep -q '^not ok' "$RUNDIR/tap.log"; then
		reasons+=("$(grep -c '^not ok' "$RUNDIR/tap.log") test(s) not ok")
	fi
fi
if [ "$INTERACTIVE" = 1 ] && [ "$timed_out" = 1 ]; then
	echo "not ok - interactive session killed after TIMEOUT=${TIMEOUT}s"
	reasons+=("killed after ${TIMEOUT}s")
fi
if [ "$poweroff_hang" = 1 ]; then
	echo "not ok - guest did not power off within ${POWEROFF_GRACE}s of the end of the run; see $RUNDIR/console.log"
	reasons+=("no power-off")
fi
# the reports the tests allowed (guest-init.sh's LOG_ALLOW, in the TAP)
grep -a '^# # log-allow: \|^# log-allow: ' "$RUNDIR/tap.log" |
	sed 's/^# \(# \)\{0,1\}log-allow: //' | sort -u >"$RUNDIR/log-allow"
for f in console dmesg; do
	bad=$(awk -v allowf="$RUNDIR/log-allow" -f "$here/log-allow.awk" \
		"$RUNDIR/$f.log" | grep -E "$FATAL" || true)
	if [ -n "$bad" ]; then
		echo "# $f.log has kernel errors:"
		printf '%s\n' "$bad" | head -n 40 | sed 's/^/#   /'
		reasons+=("kernel errors in $f.log")
	fi
done

echo "# run directory: $RUNDIR"
if [ "$KEEP" != 1 ]; then
	rm -f "$RUNDIR/initrd.img" "$RUNDIR/overlay.cpio.gz"
	[ ${#reasons[@]} -eq 0 ] && rm -f "$RUNDIR/nvme-file.img"
fi
if [ ${#reasons[@]} -eq 0 ]; then
	echo "PASS ${elapsed}s" >"$RUNDIR/result"
	echo "# PASS: $KVER $TOPO $DRIVER in ${elapsed}s"
	exit 0
fi
msg=$(printf '%s; ' "${reasons[@]}")
echo "FAIL ${elapsed}s: ${msg%; }" >"$RUNDIR/result"
echo "# FAIL: $KVER $TOPO $DRIVER in ${elapsed}s: ${msg%; }"
exit 1
