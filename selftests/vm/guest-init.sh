#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the cnvme test VM (busybox sh).
#
# ttyS0: kernel console and this script's progress lines
# ttyS1: the TAP report (kselftest style, nested)
# ttyS2: the whole kernel log at the end
#
# /etc/testcfg (from the run's overlay) sets DRIVER (cnvme|nvme), TOPO,
# KVER, TESTS, EXPECT_SERIALS, EXPECT_MODEL, EXPECT_NAMESPACES, MODPARAMS,
# TEST_TIMEOUT, INTERACTIVE, UNLOAD.
# Never exits: the VM powers off at the end (or panics on a kernel crash).

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
mount -t configfs configfs /sys/kernel/config 2>/dev/null
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

DRIVER=cnvme
TOPO=
KVER=$(uname -r)
TESTS=
EXPECT_SERIALS=
EXPECT_MODEL=
EXPECT_NAMESPACES=
MODPARAMS=
TEST_TIMEOUT=300
INTERACTIVE=0
UNLOAD=1
CONSOLE_LOGLEVEL=7
HUNG_TASK_SECS=60
# shellcheck disable=SC1091
[ -r /etc/testcfg ] && . /etc/testcfg

SELFTESTS=/selftests
HOME=/root
export DRIVER TOPO KVER EXPECT_SERIALS EXPECT_MODEL EXPECT_NAMESPACES \
	MODPARAMS SELFTESTS HOME TEST_TIMEOUT

# Kernel log lines that fail a test (and the run).
FATAL='BUG:|WARNING:|Oops|Objects remaining|general protection|Call Trace|list_add corruption|list_del corruption|hung_task|blocked for more than|soft lockup|hard LOCKUP|Kernel panic|UBSAN:|detected stall|completion for unknown command id'

say() { echo "cnvme-init: $*" >/dev/console; }

# warnings and driver messages reach console.log too (boot stays quiet)
echo "$CONSOLE_LOGLEVEL" >/proc/sys/kernel/printk 2>/dev/null
echo "$HUNG_TASK_SECS" 2>/dev/null >/proc/sys/kernel/hung_task_timeout_secs

# where the kernel's text lies this boot (KASLR): the host's hang snapshot
# (hang-regs.log) gives bare addresses
say "kernel _text at $(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms 2>/dev/null)"

tty_raw() { stty -F "$1" 115200 raw -echo 2>/dev/null; }
tty_raw /dev/ttyS1
tty_raw /dev/ttyS2
# fd 3: the TAP port; kept open so the final close waits for the output
# to drain before poweroff
if ! exec 3>/dev/ttyS1; then
	say "no /dev/ttyS1: TAP goes to the console"
	exec 3>/dev/console
fi

tap() { printf '%s\n' "$*" >&3; }
# comment: every line of a file (or stdin), "# "-prefixed
tap_comment() { sed 's/^/# /; s/\r$//' "$@" >&3; }

finish() {
	say "done, powering off"
	if [ -e /dev/ttyS2 ]; then
		dmesg >/dev/ttyS2 2>&1
	fi
	tap "# cnvme-run-complete"
	exec 3>&-
	sync
	sleep 0.2
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 5
}

# --- kernel log checks ------------------------------------------------------
LOGMARK=0
log_count() { dmesg | wc -l; }
log_mark() { LOGMARK=$(log_count); }
# LOG_ALLOW: a test may write there extended regular expressions, one a
# line, for kernel reports it causes on purpose and that are not the
# driver's (say, the irq core's warnings when an injected allocation
# failure left out one of its /proc files).  A report with a line that
# matches one is left out (log-allow.awk) and counted in
# /tmp/log-allowed; the expressions go to the TAP ("# log-allow: "),
# where run.sh applies them to the whole log.  Cleared before each test.
LOG_ALLOW=/tmp/log-allow
export LOG_ALLOW
# log_drop_allowed: stdin without the reports LOG_ALLOW allows
log_drop_allowed() {
	awk -v allowf="$LOG_ALLOW" -v countf=/tmp/log-allowed -f /log-allow.awk
}
# log_new_fatal: print the fatal lines logged since the mark; move the mark
# (call it directly, not in $(...), or the mark stays put)
log_new_fatal() {
	_n=$(log_count)
	if [ "$_n" -gt "$LOGMARK" ]; then
		# the matching lines with a little context (the WARNING's or
		# oops' RIP and stack), capped; the whole log is in dmesg.log
		dmesg | sed -n "$((LOGMARK + 1)),${_n}p" | log_drop_allowed |
			grep -E -A 8 "$FATAL" | head -n 80
	fi
	LOGMARK=$_n
	return 0
}

log_mark

# kmemleak (debug kernels): what boot left unreferenced is not ours
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK" 2>/dev/null
# kmemleak_new: scan, print the objects reported since the last call
# (capped); a leak shows once it is a few seconds old, so a test's may
# be reported after the next one
kmemleak_new() {
	[ -w "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK" 2>/dev/null
	head -n 60 "$KMEMLEAK" 2>/dev/null
	echo clear >"$KMEMLEAK" 2>/dev/null
	return 0
}

# --- load the driver under test ---------------------------------------------
LOAD_OUT=/tmp/driver-load.out
load_driver() {
	case $DRIVER in
	cnvme)
		if [ ! -f /cnvme/cnvme.ko ]; then
			echo "no /cnvme/cnvme.ko in the overlay"
			return 1
		fi
		# in-kernel modules cnvme.ko needs (e.g. t10-pi), if any
		for dep in $(modinfo -F depends /cnvme/cnvme.ko 2>/dev/null | tr ',' ' '); do
			modprobe "$dep" || echo "modprobe $dep failed"
		done
		echo "insmod /cnvme/cnvme.ko $MODPARAMS"
		# shellcheck disable=SC2086
		insmod /cnvme/cnvme.ko $MODPARAMS
		;;
	nvme)
		while read -r ko; do
			[ -n "$ko" ] || continue
			m=$(basename "$ko" .ko | tr - _)
			[ -d "/sys/module/$m" ] && continue
			echo "insmod $ko"
			# a helper that cannot load (say, a crypto accelerator the
			# CPU lacks) is not fatal; nvme itself is checked below
			insmod "$ko" || echo "insmod $ko failed"
		done </etc/nvme-modules
		[ -d /sys/module/nvme ] && [ -d /sys/module/nvme_core ]
		;;
	*)
		echo "unknown DRIVER=$DRIVER"
		return 1
		;;
	esac
}

# wait (a bounded while) until the controllers QEMU was given are live and
# their namespaces have block devices, so tests start from a settled state
settle() {
	want_c=0
	for _s in $EXPECT_SERIALS; do want_c=$((want_c + 1)); done
	want_n=0
	for _s in $EXPECT_NAMESPACES; do want_n=$((want_n + 1)); done
	tries=200
	while [ "$tries" -gt 0 ]; do
		live=0
		for c in /sys/class/nvme/nvme*; do
			[ -r "$c/state" ] || continue
			[ "$(cat "$c/state" 2>/dev/null)" = live ] && live=$((live + 1))
		done
		ns=0
		for b in /sys/block/nvme*; do
			case ${b##*/} in
			nvme*c*) ;;
			nvme*n*) ns=$((ns + 1)) ;;
			esac
		done
		[ "$live" -ge "$want_c" ] && [ "$ns" -ge "$want_n" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	say "settle: $live of $want_c controllers live, $ns of $want_n namespaces after 20 s"
	return 1
}

say "kernel $(uname -r), driver $DRIVER, topology ${TOPO:-?}, uptime $(cut -d' ' -f1 /proc/uptime)s"
load_rc=0
load_mark=$LOGMARK
load_driver >"$LOAD_OUT" 2>&1 || load_rc=$?
log_new_fatal >/tmp/fatal.out
load_log=$(cat /tmp/fatal.out)
if [ "$load_rc" -ne 0 ]; then
	# what the kernel said about it (parameter refused, probe error...)
	echo "kernel log:" >>"$LOAD_OUT"
	dmesg | sed -n "$((load_mark + 1)),\$p" | tail -n 40 >>"$LOAD_OUT"
fi
[ "$load_rc" -eq 0 ] && settle
say "driver load exit $load_rc, uptime $(cut -d' ' -f1 /proc/uptime)s"

if [ "$INTERACTIVE" = 1 ]; then
	cat "$LOAD_OUT" >/dev/console
	tap "# interactive session"
	cat >/dev/console <<EOF

cnvme test VM: kernel $(uname -r), driver $DRIVER (load exit $load_rc), topology ${TOPO:-?}
  tests: ls /selftests     (env: DRIVER TOPO EXPECT_SERIALS EXPECT_MODEL ...)
  nvme list; cat /sys/class/nvme/nvme0/{serial,model,state}; dmesg | tail
  exit the shell to power off (or Ctrl-A x to kill QEMU)

EOF
	cd /selftests 2>/dev/null || cd /
	setsid cttyhack /bin/bash -l
	finish
fi

# --- the tests --------------------------------------------------------------
if [ -z "$TESTS" ] && [ -d /selftests ]; then
	# glob order is sorted (C locale in the guest)
	for f in /selftests/*; do
		[ -f "$f" ] && [ -x "$f" ] && TESTS="$TESTS ${f##*/}"
	done
fi
ntests=0
for t in $TESTS; do ntests=$((ntests + 1)); done

tap "TAP version 13"
n=0

if [ "$load_rc" -ne 0 ]; then
	tap "1..1"
	tap "# selftests: cnvme: driver loads"
	tap_comment "$LOAD_OUT"
	[ -n "$load_log" ] && printf '%s\n' "$load_log" | tap_comment
	tap "not ok 1 selftests: cnvme: driver loads # exit=$load_rc"
	finish
fi

extra=0
[ -n "$load_log" ] && extra=$((extra + 1))
[ "$UNLOAD" = 1 ] && extra=$((extra + 1))
tap "1..$((ntests + extra))"

if [ -n "$load_log" ]; then
	n=$((n + 1))
	tap "# selftests: cnvme: driver loads"
	tap_comment "$LOAD_OUT"
	printf '%s\n' "$load_log" | tap_comment
	tap "not ok $n selftests: cnvme: driver loads # kernel log"
fi

# run_test NAME: run /selftests/NAME with a time limit; sets RC (124 = timed
# out, 125 = could not be killed); output in /tmp/test.out
run_test() {
	RC=0
	(cd /selftests && exec timeout -k 10 "$TEST_TIMEOUT" "./$1" </dev/null >/tmp/test.out 2>&1 3>&-) &
	pid=$!
	# timeout(1) kills the test; a process stuck in the kernel cannot be
	# killed, so give up on it a little later and go on
	left=$((TEST_TIMEOUT * 10 + 300))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$left" -le 0 ]; then
			RC=125
			echo "cnvme-init: test stuck after ${TEST_TIMEOUT}s + kill, abandoned" >>/tmp/test.out
			return
		fi
		sleep 0.1
		left=$((left - 1))
	done
	wait "$pid"
	RC=$?
}

for t in $TESTS; do
	n=$((n + 1))
	name="selftests: cnvme: $t"
	tap "# $name"
	say "test $n/$ntests: $t"
	rm -f "$LOG_ALLOW" /tmp/log-allowed
	t0=$(cut -d' ' -f1 /proc/uptime)
	if [ ! -x "/selftests/$t" ]; then
		echo "no executable /selftests/$t" >/tmp/test.out
		RC=127
	else
		run_test "$t"
	fi
	tap_comment /tmp/test.out
	t1=$(cut -d' ' -f1 /proc/uptime)
	tap "# $t took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
	log_new_fatal >/tmp/fatal.out
	kmemleak_new >>/tmp/fatal.out
	bad=$(cat /tmp/fatal.out)
	if [ -s "$LOG_ALLOW" ]; then
		sed 's/^/log-allow: /' "$LOG_ALLOW" | tap_comment
	fi
	if [ -s /tmp/log-allowed ]; then
		tap "# kernel log: $(awk '{ n += $1 } END { print n }' /tmp/log-allowed) report(s) the test allowed (LOG_ALLOW), in dmesg.log"
	fi
	if [ -n "$bad" ]; then
		tap "# kernel log:"
		printf '%s\n' "$bad" | tap_comment
	fi
	case $RC in
	0) res="ok $n $name" ;;
	4) res="ok $n $name # SKIP" ;;
	124 | 137) res="not ok $n $name # TIMEOUT ${TEST_TIMEOUT}s exit=$RC" ;;
	125) res="not ok $n $name # TIMEOUT ${TEST_TIMEOUT}s, unkillable" ;;
	*) res="not ok $n $name # exit=$RC" ;;
	esac
	[ -n "$bad" ] && res="not ok $n $name # kernel log (exit=$RC)"
	say "test $n/$ntests: $t: $res"
	tap "$res"
done
rm -f "$LOG_ALLOW" /tmp/log-allowed

# --- unload: catches leaks (kmem_cache "Objects remaining"), unload oopses
if [ "$UNLOAD" = 1 ]; then
	n=$((n + 1))
	name="selftests: cnvme: driver unloads"
	tap "# $name"
	case $DRIVER in
	cnvme) mods=cnvme ;;
	*) mods="nvme nvme_core" ;;
	esac
	urc=0
	(
		echo "TAP version 13"
		echo "1..1"
		loaded=""
		for m in $mods; do
			[ -d "/sys/module/$m" ] && loaded="$loaded $m"
		done
		if [ -z "$loaded" ]; then
			echo "ok 1 rmmod $mods # SKIP not loaded at the end"
		else
			# shellcheck disable=SC2086
			if out=$(timeout -k 5 120 rmmod $loaded 2>&1); then
				echo "ok 1 rmmod$loaded"
			else
				echo "not ok 1 rmmod$loaded"
				printf '%s\n' "$out" | sed 's/^/# /'
				exit 1
			fi
		fi
	) >/tmp/test.out 2>&1 || urc=$?
	tap_comment /tmp/test.out
	log_new_fatal >/tmp/fatal.out
	kmemleak_new >>/tmp/fatal.out
	bad=$(cat /tmp/fatal.out)
	if [ -n "$bad" ]; then
		tap "# kernel log:"
		printf '%s\n' "$bad" | tap_comment
		tap "not ok $n $name # kernel log"
	elif [ "$urc" -ne 0 ]; then
		tap "not ok $n $name # exit=$urc"
	else
		tap "ok $n $name"
	fi
fi

finish
