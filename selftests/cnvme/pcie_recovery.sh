#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PCIe error recovery and hot removal (pcie topology: q35, the controller
# behind a root port with AER and a hot-plug slot):
# - a fatal uncorrectable error (Data Link Protocol) injected with the
#   kernel's aer_inject on the root port (QEMU's NVMe function has no AER
#   capability of its own) under fio verify: the channel freezes, the driver
#   stops the controller, the link is reset, the driver brings it back,
#   the PCI core reports the recovery, fio sees no error;
# - hot removal under fio (QMP device_del from the host, through the
#   runner: pciehp removes the function): fio ends, with errors, nothing
#   hangs; re-added (device_add): the controller is back and data written
#   before the removal is intact.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

cases=("AER fatal error under fio: recovered, controller live"
	"fio verify clean across the AER recovery"
	"a second AER fatal error: recovered again, controller live, a read works"
	"hot removal under fio: removed, fio ends, no hang"
	"re-added: controller back, data intact")
tap_plan ${#cases[@]}
[ "$TOPO" = pcie ] || tap_skip_all "needs the pcie topology (q35, root port)" "${cases[@]}"
ctrl=$(ctrl_names | head -n 1)
pci=$(basename "$(readlink -f /sys/class/nvme/"$ctrl"/device)")
dev=$(wait_ns_dev 1 30) || tap_skip_all "no namespace 1" "${cases[@]}"
log "controller $ctrl at $pci"

# --- AER -------------------------------------------------------------
modprobe aer_inject 2>/dev/null
# QEMU's NVMe function has no AER capability: the error is injected on
# its root port, whose recovery resets the link below it
port=$(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/"$pci")")")
inject_fatal() {
	local b d f
	b=$(printf '\\x%02x' $((16#${port:5:2})))
	d=$(printf '\\x%02x' $((16#${port:8:2})))
	f=$(printf '\\x%02x' "${port:11:1}")
	# struct aer_error_inj: bus, dev, fn, pad; uncor_status 0x10 (Data
	# Link Protocol, fatal); cor_status, header log x4, domain: 0
	printf "$b$d$f\\x00\\x10\\x00\\x00\\x00$(printf '\\x00%.0s' $(seq 24))" |
		dd of=/dev/aer_inject bs=32 count=1 2>&1
}
if [ ! -c /dev/aer_inject ]; then
	tap_skip "${cases[0]}" "no /dev/aer_inject (aer_inject module)"
	tap_skip "${cases[1]}" "no /dev/aer_inject (aer_inject module)"
	tap_skip "${cases[2]}" "no /dev/aer_inject (aer_inject module)"
else
	fio --name=aer --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --iodepth=16 --size=32M --loops=1000 \
		--runtime=25 --verify=crc32c --do_verify=1 --verify_backlog=256 \
		--output=/tmp/fio-aer.log &
	pid=$!
	sleep 2
	aer() {
		mark=$(log_mark)
		inject_fatal || return 1
		for _ in $(seq 300); do
			log_since "$mark" | grep -q "device recovery successful" && break
			sleep 0.1
		done
		log_since "$mark" | grep -q "device recovery successful" ||
			{ echo "no recovery reported"; log_since "$mark"; return 1; }
		wait_ctrls_live 30 || { echo "not live"; return 1; }
		# the in-kernel driver's line, from either driver
		log_since "$mark" | grep -q "nvme nvme[0-9]*: frozen state error detected, reset controller" ||
			{ echo "error_detected did not run"; log_since "$mark"; return 1; }
	}
	tap_check "${cases[0]}" aer
	wait "$pid"
	rc=$?
	if [ "$rc" = 0 ] && ! grep -qE "verify: bad|err= *[1-9]" /tmp/fio-aer.log; then
		tap_ok "${cases[1]}"
	else
		tap_fail "${cases[1]}" "fio exit $rc" "$(tail -n 20 /tmp/fio-aer.log)"
	fi
	# the slot reset restores the config space the driver saved: saved
	# once at probe, it is used up by the first recovery (or resume)
	aer_again() {
		aer || return 1
		within 30 dd if="$(wait_ns_dev 1 30)" of=/dev/null bs=4096 \
			count=16 iflag=direct
	}
	tap_check "${cases[2]}" aer_again
fi

# --- hot removal ---------------------------------------------------------
# The host removes the controller (QMP device_del: an attention-button
# press on the slot; pciehp removes the function after its 5 s delay),
# then adds it again on the same backing image (device_add).
host_request() { printf '# cnvme-host: %s\n' "$1" >/dev/ttyS1; }
dev=$(wait_ns_dev 1 30)
dd if=/dev/urandom of=/tmp/hp.data bs=1M count=4 2>/dev/null
dd if=/tmp/hp.data of="$dev" bs=1M seek=100 oflag=direct conv=notrunc 2>/dev/null
fio --name=hp --filename="$dev" --direct=1 --ioengine=io_uring \
	--rw=randread --bs=4k --iodepth=16 --size=64M --loops=1000 \
	--runtime=120 --output=/tmp/fio-hp.log &
pid=$!
sleep 2
removed() {
	host_request '{"execute":"device_del","arguments":{"id":"c0"}}'
	for _ in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "fio still running 60 s after device_del"
		kill -9 "$pid"
		return 1
	fi
	wait "$pid"
	for _ in $(seq 100); do [ -z "$(ctrl_names)" ] && break; sleep 0.1; done
	[ -z "$(ctrl_names)" ] || { echo "controllers left: $(ctrl_names)"; return 1; }
	[ ! -e /sys/bus/pci/devices/"$pci" ] || { echo "$pci still present"; return 1; }
}
tap_check "${cases[3]}" removed
back() {
	# QEMU may still be finishing the removal (the id is then taken):
	# ask again until the controller appears
	for _ in 1 2 3 4 5 6; do
		host_request '{"execute":"device_add","arguments":{"driver":"nvme","id":"c0","serial":"cnvmepcie01","drive":"pd","bus":"rp0"}}'
		for _ in $(seq 100); do [ -n "$(ctrl_names)" ] && break; sleep 0.1; done
		[ -n "$(ctrl_names)" ] && break
	done
	[ -n "$(ctrl_names)" ] || { echo "no controller 60 s after device_add"; return 1; }
	wait_ctrls_live 30 || { echo "no live controller"; return 1; }
	dev=$(wait_ns_dev 1 30) || { echo "no namespace"; return 1; }
	dd if="$dev" of=/tmp/hp.back bs=1M skip=100 count=4 iflag=direct 2>&1 || return 1
	cmp /tmp/hp.data /tmp/hp.back
}
tap_check "${cases[4]}" back
tap_exit
