#!/bin/bash
# make check-long: the longer runs of what make check runs short.  The
# interface fuzzer with CHECK_LONG_FUZZ inputs (default 200000) and trinity
# with CHECK_LONG_SYSCALLS syscalls per run (default 20000) on the asi
# kernel, and the same plus fault injection on the KASAN flavour (fault
# injection is built only there: the one skip the main boot may have).
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

fuzz=${CHECK_LONG_FUZZ:-200000}
syscalls=${CHECK_LONG_SYSCALLS:-20000}
for n in "$fuzz" "$syscalls"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "CHECK_LONG_FUZZ and CHECK_LONG_SYSCALLS are counts, not '$n'"
done
logdir=$BUILD/logs/check-long

make -C "$TOP" -s kernel kernel-kasan guest || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
tests=test_asi_fuzz,test_trinity.sh,test_asi_faults
common="asi_selftests=$tests ASI_SELFTEST_TIMEOUT=10000"
run_boots "$logdir" 10800 \
	"main|-k $BUILD/kernel/bzImage|$common ASI_FUZZ_INPUTS=$fuzz TRINITY_SYSCALLS=$syscalls asi_expect_skips=test_asi_faults" \
	"kasan|-k $BUILD/kernel-kasan/bzImage|$common kasan_multi_shot ASI_FUZZ_INPUTS=$((fuzz / 4)) TRINITY_SYSCALLS=$((syscalls / 4)) asi_expect_skips=none"
