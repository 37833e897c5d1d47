#!/bin/bash
# Lay our series onto a copy of the pristine base: apply-series.sh [STEPS
# [SRC]] lays its first STEPS steps (default: all) in SRC (default
# build/src/asi).
#
# The series is kernel/patches/series, read by scripts/series.py: hooks
# into existing files, and the new files under kernel/ (the top-level
# Kconfig lands at mm/asi/Kconfig) as they stand after each step.  The
# files are produced in a staging tree and copied over with checksums, so
# a file whose content did not change keeps its timestamp and the kernel
# build stays incremental.  Files that left the series, or that a later
# step brings or touches, are restored from the base.
set -euo pipefail
. "$(dirname "$0")/common.sh"

steps=${1:-all}
src=${2:-$ASI_SRC}

"$TOP/scripts/fetch-base.sh"

stamp=$src/.asi-base
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$BASE_VERSION" ]; then
	echo "apply-series: copying the base to $src"
	rm -rf "$src"
	[ "$src" != "$ASI_SRC" ] || rm -rf "$BUILD/obj/asi" "$BUILD/obj/asi-kasan"
	cp -a "$BASE_SRC" "$src"
fi

stage=$src.stage
rm -rf "$stage"
mkdir -p "$stage"
python3 "$TOP/scripts/series.py" tree "$steps" "$stage" ||
	die "the series does not apply to $BASE_PKG $BASE_VERSION"

# Restore what an earlier series touched and this one does not.
manifest=$src.manifest
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$manifest.new"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		if [ -f "$BASE_SRC/$f" ]; then
			cp "$BASE_SRC/$f" "$src/$f"
		else
			rm -f "$src/$f"
		fi
	done
fi

rsync -rc "$stage/" "$src/"
mv "$manifest.new" "$manifest"
rm -rf "$stage"
