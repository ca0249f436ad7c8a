#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cnvme refuses to load beside the in-kernel nvme_core, and refuses module
# parameters out of range, each time with a log line saying why.
. "${SELFTESTS:-/selftests}/lib/cnvme.sh"

tap_plan 5

if [ "$DRIVER" != cnvme ]; then
	for t in "refused beside nvme_core" "reason logged" \
		"admin_timeout=0 refused" "shutdown_timeout=999 refused" \
		"admin_timeout=abc refused"; do
		tap_skip "$t" "checks cnvme's own load-time refusals"
	done
	tap_exit
fi

driver_unload || { tap_fail "cnvme unloads"; tap_exit; }

# the in-kernel core alone (without its PCI driver, nothing gets bound)
core_loaded=""
while read -r ko; do
	case $(basename "$ko") in
	nvme.ko) continue ;;
	esac
	m=$(basename "$ko" .ko | tr - _)
	[ -d "/sys/module/$m" ] && continue
	insmod "$ko" && core_loaded="$m $core_loaded"
done <"$NVME_MODULES_LIST"

mark=$(log_mark)
if [ -d /sys/module/nvme_core ] && ! driver_load 2>/dev/null; then
	tap_ok "refused beside nvme_core"
else
	tap_fail "refused beside nvme_core" "nvme_core: $(ls -d /sys/module/nvme_core 2>&1)"
	driver_unload
fi
if log_since "$mark" | grep -q "cnvme: the in-kernel NVMe driver (nvme_core) is loaded; unload it first"; then
	tap_ok "reason logged"
else
	tap_fail "reason logged" "$(log_since "$mark")"
fi
for m in $core_loaded; do
	rmmod "$m" || log "rmmod $m failed"
done

for p in admin_timeout=0 shutdown_timeout=999 admin_timeout=abc; do
	name=${p%%=*}
	mark=$(log_mark)
	if driver_load "$p" 2>/dev/null; then
		tap_fail "$p refused" "cnvme loaded with $p"
		driver_unload
	elif log_since "$mark" | grep -q "cnvme: $p refused"; then
		tap_ok "$p refused"
	else
		tap_fail "$p refused" "no log line naming $name" "$(log_since "$mark")"
	fi
done

driver_load && wait_ctrls_live 30 || log "reload failed"
tap_exit
