#!/bin/bash
# make bench / make bench-quick: build the asi and baseline kernels (same
# base, same config, only our series differs), boot each in the same QEMU
# setup with PTI on and off, once timed and once under -icount shift=0
# (one nanosecond of guest time per guest instruction, so per-operation
# costs are instruction counts that repeat), and report ratios: the
# microbenchmarks, stress-ng, redis and a build-like workload (see
# bench/run_bench.sh for what runs where).
set -uo pipefail
. "$(dirname "$0")/common.sh"

mode=${1:-quick}
case "$mode" in quick|full) ;; *) die "usage: bench.sh quick|full" ;; esac
out=$BUILD/bench
logs=$out/logs
raw=$out/raw.jsonl

make -C "$TOP" -s kernel baseline-kernel guest || exit 1
rm -rf "$logs" "$raw"
mkdir -p "$logs"

status=0
for kernel in asi baseline; do
	image=$BUILD/kernel/bzImage
	[ $kernel = baseline ] && image=$BUILD/baseline/bzImage
	for pti in on off; do
		for icount in 0 1; do
			run=$kernel-pti$pti-icount$icount
			echo "bench: $run"
			start=$SECONDS
			# SLUB debugging (on in the shared guest config, for the
			# tests) is off: costs are measured on production paths.
			opts=(-k "$image" -m bench -p "$pti" -t 1200 -l "$logs/$run"
			      -a "asi_bench=$mode asi_bench_icount=$icount slub_debug=-")
			[ $icount = 1 ] && opts+=(-I 0)
			if ! "$TOP/scripts/run-guest.sh" "${opts[@]}"; then
				echo "bench: $run did not finish (see $logs/$run)" >&2
				status=1
			fi
			if ! python3 "$TOP/scripts/guestlog.py" kernel "$logs/$run/console.log"; then
				echo "bench: kernel reports in $run" >&2
				status=1
			fi
			echo "bench: $run took $((SECONDS - start)) s"
			# A workload that failed in the guest says so there
			# ("bench: ..." lines) and leaves its figures out.
			if grep -a "^bench:" "$logs/$run/results.log" >&2; then
				echo "bench: workloads failed in $run (see $logs/$run/results.log)" >&2
				status=1
			fi
			sed -n 's/\r$//; s/^BENCH //p' "$logs/$run/results.log" >> "$raw"
		done
	done
done

python3 "$TOP/scripts/benchreport.py" "$raw" "$out" "$mode" || status=1
echo "bench: wrote $out/results.json, $out/results.md and $out/results.png"
exit $status
