#!/bin/bash
# Export the series and run the kernel's checkpatch.pl --strict on it.
# Fails on any error, warning or check.  checkpatch learns typedefs only
# from the patch it reads: kmem_buckets (include/linux/slab.h) is named in
# scripts/checkpatch-types, or every "kmem_buckets *b" would be a check.
#
# One warning is replaced by a check of our own: checkpatch asks of every
# patch that adds a file and does not touch MAINTAINERS whether
# MAINTAINERS needs updating (it cannot see the tree).  Instead, every
# file the series adds must be covered by an F: line of the asi entry in
# MAINTAINERS as the series leaves it: the MaintainersEntry checks of
# scripts/tests/test_docs.py.
set -uo pipefail
. "$(dirname "$0")/common.sh"

# checkpatch wants a Signed-off-by; where no identity is configured (a
# fresh CI machine) it checks an export made for it alone, never the one
# "make series" leaves for sending.
export SERIES_OUT=$BUILD/series-checkpatch
if [ -z "$(git -C "$TOP" config user.email || true)" ]; then
	export GIT_AUTHOR_NAME="checkpatch" GIT_AUTHOR_EMAIL="checkpatch@invalid"
fi
"$TOP/scripts/export-series.sh" >/dev/null || exit 1
out=$(cd "$SERIES_OUT" &&
      perl "$BASE_SRC/scripts/checkpatch.pl" --strict --no-tree --no-summary \
	--typedefsfile "$TOP/scripts/checkpatch-types" --ignore FILE_PATH_CHANGES \
	--quiet ./*.patch 2>&1)
if ! cov=$(cd "$TOP/scripts/tests" &&
	   python3 -m unittest -q test_docs.MaintainersEntry 2>&1); then
	out+="${out:+$'\n'}$cov"
fi
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch: the series is not clean"
	exit 1
fi
echo "checkpatch: $(ls "$SERIES_OUT" | wc -l) patches clean (--strict)"
