#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential kernel-log test: the lines logged for the same events
# under cnvme and under the in-kernel driver, in one boot.  Events: a
# bind of the PCI function (probe), a controller reset through the ioctl
# (nvme reset), a passthrough command naming another namespace, a
# failed admin passthrough command (passthru_err_log_enabled on, where
# the controller has the attribute), and an unbind.  Normalised: the
# timestamps only.  Runs in cnvme runs of the file topology.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

out=/tmp/log-diff
mkdir -p "$out"
events=("bind" "reset" "nsid" "passthru-error" "unbind")

# capture EVENT TAG COMMAND...: the kernel log lines COMMAND leaves,
# without timestamps, into $out/EVENT.TAG
capture() {
	local ev=$1 tag=$2 mark
	shift 2
	mark=$(log_mark)
	"$@" >"$out/$ev.$tag.out" 2>&1
	# the controller's asynchronous work (probe, scan) logs late
	sleep 2
	log_since "$mark" | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' >"$out/$ev.$tag"
}

ev_bind() {
	echo "$pci" >"/sys/bus/pci/drivers/$(pci_driver_name)/bind" &&
		wait_ctrls_live 30 && wait_ns_dev 1 30 >/dev/null
}

ev_reset() {
	nvme reset /dev/nvme0 && wait_state nvme0 live 30
}

# a read on namespace 1's node that names namespace 2: EINVAL, logged
ev_nsid() {
	nvme io-passthru /dev/nvme0n1 --opcode=2 --namespace-id=2 \
		--data-len=512 --read --cdw12=0
}

# an opcode the controller does not know: Invalid Command Opcode
ev_passthru_error() {
	local a=/sys/class/nvme/nvme0/passthru_err_log_enabled
	[ -e $a ] && echo 1 >$a
	nvme admin-passthru /dev/nvme0 --opcode=0xff
	[ -e $a ] && echo 0 >$a
	return 0
}

ev_unbind() {
	echo "$pci" >"/sys/bus/pci/drivers/$(pci_driver_name)/unbind"
}

run_all() {
	local tag=$1
	wait_ctrls_live 30 && wait_ns_dev 1 30 >/dev/null || return 1
	pci=$(ctrl_pci nvme0)
	ev_unbind
	capture bind "$tag" ev_bind
	capture reset "$tag" ev_reset
	capture nsid "$tag" ev_nsid
	capture passthru-error "$tag" ev_passthru_error
	capture unbind "$tag" ev_unbind
	# bound again for what follows (diff_drivers unloads, then loads)
	ev_bind
}

# Known differences (a regex of lines taken out of the comparison and
# reported as one TODO case): none now.  (Until cnvme had the in-kernel
# driver's BOGUS_NID quirk for QEMU's PCI ID: "Ignoring bogus Namespace
# Identifiers" at each scan.)
known=

names=("${events[@]}" "known differences")
tap_plan ${#names[@]}
need_data_topology || tap_skip_all "one controller with one namespace (TOPO=file)" "${names[@]}"
diff_drivers run_all || tap_skip_all "$DIFF_SKIP" "${names[@]}"

known_diff=
for ev in "${events[@]}"; do
	if diff <(strip_known "$known" <"$out/$ev.nvme") \
		<(strip_known "$known" <"$out/$ev.cnvme") >"$out/$ev.diff"; then
		tap_ok "$ev: the same $(strip_known "$known" <"$out/$ev.cnvme" | wc -l) log lines"
	else
		tap_fail "$ev: the log differs (- in-kernel, + cnvme)" \
			"$(head -n 30 "$out/$ev.diff")"
	fi
	d=$(known_changes "$known" "$out/$ev.nvme" "$out/$ev.cnvme")
	[ -z "$d" ] || known_diff+="$ev: $d"$'\n'
done
tap_known "$known_diff"
tap_exit
