#!/bin/bash
# Lay our series onto a copy of the pristine base in build/src/asi.
#
# The series is kernel/patches/series (hooks into existing files) plus every
# file under kernel/ that mirrors a kernel path (new files) plus the
# top-level Kconfig, which lands at mm/asi/Kconfig.  The patched files are
# produced in a staging tree and copied over with checksums, so a file whose
# content did not change keeps its timestamp and the kernel build stays
# incremental.  Files that left the series are restored from the base.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/fetch-base.sh"

stamp=$ASI_SRC/.asi-base
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$BASE_VERSION" ]; then
	echo "apply-series: copying the base to $ASI_SRC"
	rm -rf "$ASI_SRC" "$BUILD/obj/asi"
	cp -a "$BASE_SRC" "$ASI_SRC"
fi

stage=$BUILD/src/stage
rm -rf "$stage"
mkdir -p "$stage"

# Hooks: copy each touched file from the base, then patch it.
patches=()
mapfile -t entries < <(series_entries)
for e in "${entries[@]}"; do
	patches+=("$TOP/kernel/patches/${e#+}")
done
[ ${#patches[@]} -eq 0 ] || copy_touched_base_files "$stage" "${patches[@]}"
for p in "${patches[@]}"; do
	patch -p1 -s -f --no-backup-if-mismatch -d "$stage" < "$p" ||
		die "$(basename "$p") does not apply to $BASE_PKG $BASE_VERSION"
done

copy_new_files "$stage"

# Restore what an earlier series touched and this one does not.
manifest=$BUILD/src/asi.manifest
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$manifest.new"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		if [ -f "$BASE_SRC/$f" ]; then
			cp "$BASE_SRC/$f" "$ASI_SRC/$f"
		else
			rm -f "$ASI_SRC/$f"
		fi
	done
fi

rsync -rc "$stage/" "$ASI_SRC/"
mv "$manifest.new" "$manifest"
rm -rf "$stage"
