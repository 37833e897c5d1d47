#!/bin/bash
# Export the series and run the kernel's checkpatch.pl --strict on it.
# Fails on any error, warning or check.  checkpatch learns typedefs only
# from the patch it reads: kmem_buckets (include/linux/slab.h) is named in
# scripts/checkpatch-types, or every "kmem_buckets *b" would be a check.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/export-series.sh" >/dev/null || exit 1
out=$(cd "$BUILD/series" &&
      perl "$BASE_SRC/scripts/checkpatch.pl" --strict --no-tree --no-summary \
	--typedefsfile "$TOP/scripts/checkpatch-types" --quiet ./*.patch 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch: the series is not clean"
	exit 1
fi
echo "checkpatch: $(ls "$BUILD/series" | wc -l) patches clean (--strict)"
