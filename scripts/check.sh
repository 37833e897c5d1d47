#!/bin/bash
# The test suite: host-side unit tests, then the asi kernel booted in QEMU
# running every selftest.  Fails if a test fails, if the guest does not
# finish, or if the kernel log has a report no test declared expected.
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

timeout=${CHECK_TIMEOUT:-1500}
logdir=$BUILD/logs/check

echo "== host-side unit tests"
host=$("$TOP/scripts/host-tests.sh" 2>&1)
echo "$host"
read -r hp hf hs < <(echo "$host" | sed -n 's/^host: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')

echo "== building the asi kernel and the guest"
make -C "$TOP" -s kernel guest || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

echo "== booting the guest and running the selftests (log: $logdir)"
"$TOP/scripts/run-guest.sh" -m check -t "$timeout" -l "$logdir" \
	-a "${CHECK_APPEND:-}"
rc=$?
finished=
[ $rc -le 1 ] && finished=--finished
[ -f "$logdir/results.log" ] && tr -d '\r' < "$logdir/results.log" | grep -v '^ASI-GUEST-DONE'

echo "== summary"
python3 "$TOP/scripts/guestlog.py" summary "$logdir/results.log" \
	"$logdir/console.log" $finished --add "${hp:-0}" "${hf:-1}" "${hs:-0}"
