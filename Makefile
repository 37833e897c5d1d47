# asi: address space isolation for containers.
#
#   make demo            build (if needed), boot, demonstrate isolation
#   make check           host unit tests + the selftests in the guest
#   make check-long      the fuzzers and fault injection, longer (hours)
#   make soak            stress and churn for SOAK_SECONDS, then leak checks
#   make vm              the guest with an interactive shell
#   make kernel          build/kernel/bzImage (base + our series)
#   make kernel-kasan    build/kernel-kasan/bzImage (the same with KASAN)
#   make baseline-kernel build/baseline/bzImage (same base and config)
#   make deb             build/deb/asi/linux-image-*.deb (bindeb-pkg)
#   make tools           build/tools/asictl
#   make oci-runtimes    build/oci/bin/{crun,runc}: Debian's, patched for asi
#   make systemd         build/systemd/root: Debian's systemd, patched for asi
#   make vm-systemd      the guest with our systemd as PID 1 and a shell
#   make install         install asictl and its man page (PREFIX, DESTDIR)
#   make series          export our series as patches in build/series,
#                        with its cover letter, signed off by you
#   make series-check    build every prefix of the series, boot the last
#   make checkpatch      checkpatch.pl --strict on the exported series
#   make bench           what isolation costs, against the baseline (~45 min)
#   make bench-quick     the same, shorter runs (~10 min)
#   make deps            install the build and test dependencies (apt)
#
# The scripts called here are incremental: nothing is rebuilt that did
# not change.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
export BUILD

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps kernel kernel-kasan baseline-kernel selftests bench-binaries guest tools install \
	oci-runtimes systemd vm-systemd deb \
	initramfs bench bench-quick check check-long soak \
	check-host vm demo series series-check checkpatch clean distclean

all: kernel guest

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/build-kernel.sh asi

kernel-kasan: deps
	@scripts/build-kernel.sh asi-kasan

baseline-kernel: deps
	@scripts/build-kernel.sh baseline

deb: deps
	@scripts/build-kernel.sh asi deb

selftests: deps
	@scripts/fetch-base.sh
	@$(MAKE) -s -C selftests OUT=$(BUILD)/selftests KSRC=$(BUILD)/src/base

bench-binaries: deps
	@$(MAKE) -s -C bench OUT=$(BUILD)/bench

tools: deps
	@$(MAKE) -s -C cgroupfs-tools/asictl OUT=$(BUILD)/tools

oci-runtimes: deps
	@scripts/build-oci-runtimes.sh

systemd: deps
	@scripts/build-systemd.sh

install: tools
	@$(MAKE) -s -C cgroupfs-tools/asictl OUT=$(BUILD)/tools \
		PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install

guest initramfs: selftests bench-binaries tools oci-runtimes systemd
	@scripts/mkinitramfs.sh

bench: deps
	@scripts/bench.sh full

bench-quick: deps
	@scripts/bench.sh quick

check-host: deps
	@scripts/host-tests.sh

check: deps
	@scripts/check.sh

check-long: deps
	@scripts/check-long.sh

soak: deps
	@scripts/soak.sh

vm: kernel guest
	@scripts/run-guest.sh -m shell

vm-systemd: kernel guest
	@scripts/run-systemd-guest.sh

demo: kernel guest
	@scripts/run-guest.sh -m demo -t 600 -l $(BUILD)/logs/demo
	@echo; echo "### A second boot: our systemd as PID 1"
	@scripts/run-systemd-guest.sh -t 600 -l $(BUILD)/logs/demo-systemd guest/demo-systemd.sh; \
		rc=$$?; sed -n '/^ASI-JOB-BEGIN/,/^ASI-JOB-END/{/^ASI-JOB-/d;p}' \
		$(BUILD)/logs/demo-systemd/results.log; exit $$rc

series: deps
	@scripts/export-series.sh

series-check: deps
	@scripts/series-check.sh

checkpatch: deps
	@scripts/checkpatch.sh

clean:
	rm -rf $(BUILD)/obj $(BUILD)/kernel $(BUILD)/baseline $(BUILD)/guest \
		$(BUILD)/selftests $(BUILD)/logs $(BUILD)/series \
		$(BUILD)/series-checkpatch $(BUILD)/series-git

distclean:
	rm -rf $(BUILD)
