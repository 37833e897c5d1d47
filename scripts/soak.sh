#!/bin/bash
# make soak: the asi kernel under SOAK_SECONDS (default 300) of stress-ng
# in two domains beside a churn of domains (selftests/soak_asi.sh), then
# the leak checks.  SOAK_KERNEL=kasan runs it on the KASAN flavour.
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

secs=${SOAK_SECONDS:-300}
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "SOAK_SECONDS must be a number of seconds, not '$secs'"
case "${SOAK_KERNEL:-asi}" in
asi) flavour=kernel image=$BUILD/kernel/bzImage ;;
kasan) flavour=kernel-kasan image=$BUILD/kernel-kasan/bzImage ;;
*) die "SOAK_KERNEL is asi or kasan" ;;
esac
dir=$BUILD/logs/soak

make -C "$TOP" -s "$flavour" guest || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
echo "== soaking for ${secs}s (log: $dir)"
"$TOP/scripts/run-guest.sh" -m check -k "$image" -t $((secs + 600)) -l "$dir" \
	-a "asi_selftests=soak_asi.sh SOAK_SECONDS=$secs ASI_SELFTEST_TIMEOUT=$((secs + 500)) kasan_multi_shot"
finished=--finished
[ $? -le 1 ] || finished=
tr -d '\r' < "$dir/results.log" | grep -v '^ASI-GUEST-DONE'
python3 "$TOP/scripts/guestlog.py" summary "$dir/results.log" "$dir/console.log" $finished
