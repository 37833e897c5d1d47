#!/bin/sh
# Run every asi selftest inside the guest, kselftest-runner style: each
# test's own TAP output is indented with "# ", and each test gets one
# top-level result line.  A test that runs past its timeout fails.
# Start and end of each test are written to the kernel log, so a kernel
# report can be traced to the test that was running.

TIMEOUT=${ASI_SELFTEST_TIMEOUT:-300}
cd /selftests || exit 1

# asi_selftests=a,b on the kernel command line picks the tests (for boots
# with special parameters); by default every test_* runs.
# test_asi_kasan goes last: the KASAN report it provokes taints the
# kernel, which turns lockdep off for the rest of the boot.
tests="$(ls test_* 2>/dev/null | grep -vx test_asi_kasan) test_asi_kasan"
# asi_selftests_skip=a,b leaves tests out.
skip=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	asi_selftests=*) tests=$(echo "${arg#asi_selftests=}" | tr ',' ' ') ;;
	asi_selftests_skip=*) skip=$(echo "${arg#asi_selftests_skip=}" | tr ',' ' ') ;;
	esac
done
for t in $skip; do
	tests=$(echo "$tests" | tr ' ' '\n' | grep -vx "$t" | tr '\n' ' ')
done
n=$(echo "$tests" | wc -w)

echo "TAP version 13"
echo "1..$n"
i=0
failed=0
for t in $tests; do
	i=$((i + 1))
	echo "# selftest: asi: $t"
	echo "asi-selftest: start $t" > /dev/kmsg
	{ timeout "$TIMEOUT" "./$t" 2>&1; echo $? > /tmp/.selftest-rc; } |
		sed 's/^/# /'
	rc=$(cat /tmp/.selftest-rc)
	echo "asi-selftest: end $t rc=$rc" > /dev/kmsg
	case "$rc" in
	0) echo "ok $i selftests: asi: $t" ;;
	4) echo "ok $i selftests: asi: $t # SKIP" ;;
	124|143) echo "not ok $i selftests: asi: $t # TIMEOUT ${TIMEOUT}s"
	   failed=$((failed + 1)) ;;
	*) echo "not ok $i selftests: asi: $t # exit=$rc"
	   failed=$((failed + 1)) ;;
	esac
done
[ $failed -eq 0 ]
