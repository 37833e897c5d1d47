#!/bin/bash
# Is the series bisectable?  Build every prefix of kernel/patches/series
# (steps 1..N, scripts/series.py) with the asi config, in a tree and an
# object directory of their own (build/src/series-check,
# build/obj/series-check), one step after the other so that each build
# is incremental, with ccache and JOBS jobs; a step fails on a build
# error or on any compiler or linker warning.  Then boot the last one
# and run the selftests as make check's main boot does (the same
# parameters, the same expected skips: fault injection and KASAN are only
# in the KASAN flavour).  Logs in
# build/logs/series-check; ends with the time of each step.
set -uo pipefail
. "$(dirname "$0")/common.sh"

src=$BUILD/src/series-check
obj=$BUILD/obj/series-check
logdir=$BUILD/logs/series-check
fragments=("$TOP/kernel/configs/guest.config" "$TOP/kernel/configs/asi.config")

"$TOP/scripts/deps.sh"
mapfile -t steps < <(python3 "$TOP/scripts/series.py" steps) ||
	die "the series is not consistent"
[ ${#steps[@]} -gt 0 ] || die "the series is empty"
rm -rf "$logdir"
mkdir -p "$logdir" "$obj"

export KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00 UTC"
export KBUILD_BUILD_USER=asi KBUILD_BUILD_HOST=asi KBUILD_BUILD_VERSION=1
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
kmake=(make -s -C "$src" O="$obj" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")

summary=()
start_all=$SECONDS
for entry in "${steps[@]}"; do
	read -r n patch <<< "$entry"
	log=$logdir/step-$n.log
	start=$SECONDS
	echo "== step $n/${#steps[@]}: $patch"
	"$TOP/scripts/apply-series.sh" "$n" "$src" > "$log" 2>&1 ||
		{ cat "$log"; die "step $n does not apply"; }
	# A step may change the Kconfig: configure again when it did.
	sum=$(cat "${fragments[@]}" "$src/mm/asi/Kconfig" 2>/dev/null | sha256sum)
	if [ "$sum" != "$(cat "$obj/.series-config-sum" 2>/dev/null)" ]; then
		{ "${kmake[@]}" tinyconfig &&
		  "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${fragments[@]}" &&
		  "${kmake[@]}" olddefconfig; } >> "$log" 2>&1 ||
			{ tail -20 "$log"; die "step $n: configuring failed"; }
		echo "$sum" > "$obj/.series-config-sum"
	fi
	if ! "${kmake[@]}" bzImage >> "$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -20
		die "step $n ($patch) does not build (log: $log)"
	fi
	if grep -E '(warning|Warning):' "$log" | grep -v '^scripts/kconfig\|merge_config\|Value requested\|not in final\|override:' > "$log.warnings"; then
		cat "$log.warnings"
		die "step $n ($patch) builds with warnings (log: $log)"
	fi
	opts=$(grep -oE '^CONFIG_(CGROUP_ASI|ASI_TEST)=y' "$obj/.config" | sed 's/^CONFIG_//; s/=y//' | tr '\n' ' ')
	summary+=("$(printf '%3d  %4ds  %-14s %s' "$n" $((SECONDS - start)) "${opts:-(no asi)}" "$patch")")
done
build_time=$((SECONDS - start_all))

echo "== booting the last step and running the selftests"
make -C "$TOP" -s guest || die "the guest does not build"
cp "$obj/arch/x86/boot/bzImage" "$logdir/bzImage"
boot_start=$SECONDS
ADD_COUNTS="0 0 0" run_boots "$logdir" "${CHECK_TIMEOUT:-1500}" \
	"last|-k $logdir/bzImage|$MAIN_BOOT_APPEND"
rc=$?

echo "== series-check: every step built"
printf '%s\n' "${summary[@]}"
echo "builds: $((build_time / 60)) min $((build_time % 60)) s; boot of the last: $(((SECONDS - boot_start) / 60)) min $(((SECONDS - boot_start) % 60)) s"
exit $rc
