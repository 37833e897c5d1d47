# Shared settings for the build scripts; sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
BASE_VERSION=$(sed -n '1{s/[[:space:]]*$//;p}' "$TOP/kernel/BASE")
BASE_PKG=linux-source-6.12
BASE_DEB=$BUILD/dl/${BASE_PKG}_${BASE_VERSION}_all.deb
BASE_SRC=$BUILD/src/base
ASI_SRC=$BUILD/src/asi
JOBS=${JOBS:-$(nproc)}

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# Where the sources, objects and the bzImage of one flavour live.
flavour_dirs() {
	case "$1" in
	asi)
		SRC=$ASI_SRC
		OBJ=$BUILD/obj/asi
		IMAGE_DIR=$BUILD/kernel
		;;
	asi-kasan)
		SRC=$ASI_SRC
		OBJ=$BUILD/obj/asi-kasan
		IMAGE_DIR=$BUILD/kernel-kasan
		;;
	baseline)
		SRC=$BASE_SRC
		OBJ=$BUILD/obj/baseline
		IMAGE_DIR=$BUILD/baseline
		;;
	*)
		die "unknown kernel flavour '$1' (want asi, asi-kasan or baseline)"
		;;
	esac
}

# The kernel parameters of make check's main boot (the whole suite on
# the asi kernel), which make series-check's boot of the last step
# repeats.  Fault injection and KASAN exist only in the KASAN flavour:
# their tests are the skips the main boot expects.
CHECK_FUZZ=25000	# the interface fuzzer's inputs (make check-long: more)
MAIN_BOOT_APPEND="ASI_FUZZ_INPUTS=$CHECK_FUZZ TRINITY_SYSCALLS=1000 ASI_SELFTEST_TIMEOUT=600 asi_expect_skips=test_asi_faults,test_asi_kasan"

# run_boots LOGDIR TIMEOUT BOOT...: boot the guest once per BOOT
# ("name|run-guest.sh options|kernel parameters") in check mode, logs in
# LOGDIR/name, and show each boot's TAP.  Then judge them all with
# guestlog.py, adding the counts given in ADD_COUNTS ("P F S"), and
# return its status.
run_boots() {
	local logdir=$1 timeout=$2 boot name opts append dir
	local results=() consoles=() finished=--finished
	shift 2
	for boot in "$@"; do
		IFS='|' read -r name opts append <<< "$boot"
		dir=$logdir/$name
		echo "== booting the guest ($name) and running the selftests (log: $dir)"
		# shellcheck disable=SC2086
		"$TOP/scripts/run-guest.sh" -m check -t "$timeout" -l "$dir" $opts \
			-a "$append ${CHECK_APPEND:-}"
		[ $? -le 1 ] || finished=
		[ -f "$dir/results.log" ] && tr -d '\r' < "$dir/results.log" | grep -v '^ASI-GUEST-DONE'
		results+=("$dir/results.log")
		consoles+=("$dir/console.log")
	done
	echo "== summary"
	# shellcheck disable=SC2086
	python3 "$TOP/scripts/guestlog.py" summary "$(IFS=,; echo "${results[*]}")" \
		"$(IFS=,; echo "${consoles[*]}")" $finished --add ${ADD_COUNTS:-0 0 0}
}
