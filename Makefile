# SPDX-License-Identifier: GPL-2.0
#
# cnvme: out-of-tree build, tests and demo.
#
#   make                 build cnvme.ko for every kernel whose headers are
#                        installed, and the debug kernel once built (make
#                        debug-kernel), into build/<kernelrelease>/
#   make KDIR=/path      build for one kernel tree only
#                        (and no kernel of a chroot: see CHROOT_KERNEL)
#   make CHROOT_KERNEL=d build for the kernel of scripts/sid-kernel.sh's
#                        directory d only, inside its chroot; without KDIR
#                        or CHROOT_KERNEL, sid's kernel is built for too
#                        when scripts/sid-kernel.sh has set it up
#   make W=1 / C=2       extra warnings / sparse, passed to kbuild
#   make FAULT_INJECT=1  the test build with debugfs fault points, into
#                        build/faults/<kernelrelease>/ (never ship it)
#   make install-boot    as root: cnvme through DKMS for every kernel, in the
#                        initramfs, nvme blacklisted (the root disk on cnvme)
#   make uninstall-boot  as root: all of that undone, back to nvme
#                        (Documentation/root-disk.rst)
#   make deps            install the Debian packages everything needs (root)
#   make demo            build, boot a VM, show cnvme at work
#                        (INTERACTIVE=1: a shell in the guest instead)
#   make check           static checks + every kernel x topology x the suite
#                        (DRIVER=cnvme|nvme|all, KERNELS=, TOPOS=, TESTS=)
#   make canary          the next mainline (experimental's release
#                        candidate): built W=1, booted for a few tests;
#                        make check reports it, never counts it
#   make debug-kernel    build (once per machine, cached) the debug kernel
#                        of the sanitizer runs: scripts/debug-kernel.sh
#   make bench           cnvme against the in-kernel driver, in one VM boot
#                        (SAMPLES=, RUNTIME=, RAMP=, POINTS=, KVER=, SMOKE=1;
#                        see Documentation/performance.rst)
#   make clean

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD ?= $(ROOT)/build
SOURCES := Kbuild src compat uapi

KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)) \
	$(if $(FAULT_INJECT),CNVME_FAULT_INJECT=1)
# a kernel built in a chroot (scripts/chroot-build.sh) gets these too
CHROOT_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)) \
	$(if $(FAULT_INJECT),FAULT_INJECT=1)
# the fault-injection test build goes to its own tree
MODBUILD := $(if $(FAULT_INJECT),$(BUILD)/faults,$(BUILD))

.PHONY: all modules deps demo check bench selftests checkpatch sparse \
	dkms-check debug-kernel canary install-boot uninstall-boot clean FORCE

all: modules

# Each kernel gets its own build folder holding links to the sources, so
# objects for 6.1 and 6.12 never mix.  The kernels are looked up when the
# recipe runs, not when make starts: "make deps demo" installs them first.
modules:
	@set -e; kdirs="$(KDIR)"; \
	if [ -z "$$kdirs" ] && [ -z "$(CHROOT_KERNEL)" ]; then \
		for m in /lib/modules/*/build/Makefile; do \
			[ -f "$$m" ] && kdirs="$$kdirs $${m%/Makefile}"; \
		done; \
		d=$$($(ROOT)/scripts/debug-kernel.sh --print 2>/dev/null) && \
			kdirs="$$kdirs $$d/build"; \
	fi; \
	[ -n "$$kdirs$(CHROOT_KERNEL)" ] || { \
		echo "no kernel headers found: run 'make deps' or pass KDIR=" >&2; \
		exit 1; }; \
	for kdir in $$kdirs; do \
		kver=$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
			$$kdir/include/generated/utsrelease.h); \
		test -n "$$kver" || { echo "$$kdir: no UTS_RELEASE" >&2; exit 1; }; \
		out=$(MODBUILD)/$$kver; \
		mkdir -p $$out; \
		for s in $(SOURCES); do \
			test ! -e $(ROOT)/$$s || cp -rsf $(ROOT)/$$s $$out/; \
		done; \
		find $$out -xtype l -delete; \
		mkdir -p $$out/generated; \
		$(ROOT)/scripts/compat-probe.sh $$kdir \
			$$out/generated/cnvme_features.h; \
		echo "  BUILD   cnvme.ko for $$kver"; \
		$(MAKE) -C $$kdir M=$$out $(KBUILD_ARGS) modules; \
	done; \
	if [ -z "$(KDIR)" ] || [ -n "$(CHROOT_KERNEL)" ]; then \
		for d in $(or $(CHROOT_KERNEL),$$($(ROOT)/scripts/sid-kernel.sh --print)); do \
			echo "  BUILD   cnvme.ko for $$(cat $$d/release) (in its chroot)"; \
			BUILD=$(BUILD) $(ROOT)/scripts/chroot-build.sh $$d $(CHROOT_ARGS); \
		done; \
	fi

deps:
	$(ROOT)/scripts/deps.sh

selftests:
	$(ROOT)/scripts/build-selftests.sh $(BUILD)/selftests

demo: modules selftests
	$(ROOT)/scripts/demo.sh

checkpatch:
	$(ROOT)/scripts/static-checks.sh checkpatch

sparse:
	$(ROOT)/scripts/static-checks.sh sparse

dkms-check:
	$(ROOT)/scripts/static-checks.sh dkms

install-boot:
	$(ROOT)/scripts/boot-install.sh install

uninstall-boot:
	$(ROOT)/scripts/boot-install.sh uninstall

canary: selftests
	$(ROOT)/scripts/canary.sh

debug-kernel:
	$(ROOT)/scripts/debug-kernel.sh

check:
	$(ROOT)/scripts/check.sh

bench: modules
	$(ROOT)/scripts/bench.sh

clean:
	rm -rf $(BUILD)
