#!/bin/bash
# The test suite: host-side unit tests, then the asi kernel booted in QEMU
# running every selftest.  Fails if a test fails or skips where it should
# not, if the guest does not finish, or if the kernel log has a report no
# test declared expected.
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

timeout=${CHECK_TIMEOUT:-1500}
logdir=$BUILD/logs/check

# The pristine base first: the documentation tests apply the series to it.
"$TOP/scripts/fetch-base.sh" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

echo "== host-side unit tests"
host=$("$TOP/scripts/host-tests.sh" 2>&1)
echo "$host"
read -r hp hf hs < <(echo "$host" | sed -n 's/^host: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')

echo "== building the asi kernel, its KASAN flavour, its Debian package and the guest"
make -C "$TOP" -s kernel kernel-kasan guest deb || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

echo "== checkpatch --strict on the series"
if "$TOP/scripts/checkpatch.sh"; then
	hp=$((${hp:-0} + 1))
else
	hf=$((${hf:-0} + 1))
fi

# The systemd guest running the selftests runner as its job.
sd="-m systemd -j $TOP/selftests/run_selftests.sh"
# Each boot: name, run-guest options, kernel parameters.
# The interface fuzzer's inputs per boot (test_asi_fuzz).
fuzz=$CHECK_FUZZ
boots=(
	# Fault injection (test_asi_faults) and KASAN (test_asi_kasan) are
	# the KASAN flavour's: those two skip here.
	"main||$MAIN_BOOT_APPEND"
	"asi-off||asi=off asi_selftests=boot_asi_off,boot_asictl_off.sh,boot_oci_off.sh"
	# 5-level paging (LA57), as Ice Lake and later servers boot.
	"5level|-5|asi_selftests=boot_asi_5level,test_asi_isolation,test_asi_cross_tenant,test_asi_objects"
	# SLUB without debugging, as production runs it: per-CPU partial
	# slabs and fast paths that the debug checks of the main boot bypass.
	"slub-nodebug||slub_debug=- asi_selftests=test_asi_objects"
	# The KASAN flavour (make kernel-kasan): the suite, stress-ng in two
	# domains included, under the sanitizer, and fault injection
	# (test_asi_faults skips elsewhere); every report is shown.  Trinity
	# under KASAN is make check-long's.
	"kasan|-k $BUILD/kernel-kasan/bzImage|kasan_multi_shot asi_selftests_skip=test_trinity.sh ASI_FUZZ_INPUTS=$((fuzz / 5))"
	# Our systemd as PID 1 (scripts/run-systemd-guest.sh), with asi and
	# with asi=off.
	"systemd|$sd|asi_selftests=systemd_isolate.sh"
	"systemd-asi-off|$sd|asi=off asi_selftests=boot_systemd_off.sh"
	# Our kernel's Debian package (make deb): dpkg -i in the systemd
	# guest, then a boot of the image it installs.
	"deb-install|$sd -f $BUILD/deb/asi/linux-image.deb -f $BUILD/deb/asi/vmlinuz.sha256|asi_selftests=systemd_deb.sh"
	"deb-boot|$sd -k $BUILD/deb/asi/vmlinuz -f $BUILD/deb/asi/release|asi_selftests=systemd_deb_boot.sh"
)
# Skips: a selftest skips where the kernel lacks the asi controller or
# its test helper, and every kernel here has both (the asi=off boots run
# only the boot_* tests, which expect the controller absent and pass), so
# a skip would hide a broken kernel.  A boot names the tests that may
# skip in it with asi_expect_skips= on its command line, which
# guestlog.py reads from its console log to fail any other skip; every
# other boot gets asi_expect_skips=none.
for i in "${!boots[@]}"; do
	[[ ${boots[i]} == *asi_expect_skips=* ]] || boots[i]+=" asi_expect_skips=none"
done
ADD_COUNTS="${hp:-0} ${hf:-1} ${hs:-0}" run_boots "$logdir" "$timeout" "${boots[@]}"
