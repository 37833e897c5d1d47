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
	baseline)
		SRC=$BASE_SRC
		OBJ=$BUILD/obj/baseline
		IMAGE_DIR=$BUILD/baseline
		;;
	*)
		die "unknown kernel flavour '$1' (want asi or baseline)"
		;;
	esac
}
