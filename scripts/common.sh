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

# The entries of kernel/patches/series, in order, one per line, with the
# leading "+" kept (it marks patches folded into the new-files commit).
series_entries() {
	local series=$TOP/kernel/patches/series p
	[ -f "$series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]].*//' "$series" |
	while read -r p; do
		[ -f "$TOP/kernel/patches/${p#+}" ] || die "series names missing patch ${p#+}"
		echo "$p"
	done
}

# Copy the pristine base version of every file the given patches touch.
copy_touched_base_files() { # dest patch...
	local dest=$1 f
	shift
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$@" | sort -u |
	while read -r f; do
		[ -f "$BASE_SRC/$f" ] || continue
		mkdir -p "$dest/$(dirname "$f")"
		cp -p "$BASE_SRC/$f" "$dest/$f"
	done
}

# Copy the series' new files (kernel/ minus BASE, configs and patches, at
# their kernel paths, and the top-level Kconfig as mm/asi/Kconfig).
copy_new_files() { # dest
	(cd "$TOP/kernel" && find . -type f ! -path './BASE' \
		! -path './configs/*' ! -path './patches/*' -print0) |
		(cd "$TOP/kernel" && cpio -0 -pdm --quiet "$1")
	mkdir -p "$1/mm/asi"
	cp "$TOP/Kconfig" "$1/mm/asi/Kconfig"
}
