#!/bin/bash
# Export our kernel series as git format-patch files in build/series, the
# form a reviewer reads: first the new files (everything under kernel/ that
# mirrors a kernel path, and the Kconfig) together with the patches the
# series file marks with a leading "+" (their documentation and MAINTAINERS
# entry), then each other hook into an existing file, in series order, with
# its own message.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/apply-series.sh"

repo=$BUILD/series-git
out=$BUILD/series
rm -rf "$repo" "$out"
mkdir -p "$repo"
git -C "$repo" init -q
export GIT_AUTHOR_NAME="asi developers"
export GIT_AUTHOR_EMAIL="asi@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"

mapfile -t entries < <(series_entries)
patches=() folded=() files=()
for e in "${entries[@]}"; do
	case "$e" in
	+*) folded+=("${e#+}") ;;
	*) patches+=("$e") ;;
	esac
	files+=("$TOP/kernel/patches/${e#+}")
done

# The base: the pristine version of every file the hooks touch.
copy_touched_base_files "$repo" "${files[@]}"
git -C "$repo" add -A
git -C "$repo" commit -q --allow-empty -m "base: $BASE_PKG $BASE_VERSION"

# New files.
copy_new_files "$repo"
for p in "${folded[@]}"; do
	git -C "$repo" apply "$TOP/kernel/patches/$p"
done
git -C "$repo" add -A
git -C "$repo" commit -q -s -F - <<MSG
asi: add address space isolation for cgroups

The new files of the asi series: the controller (kernel/cgroup/asi.c),
its page-table views, private memory pool, fault handling and test
helper (mm/asi/), the interface for the rest of the kernel
(include/linux/asi.h), its boot parameter's documentation and its
MAINTAINERS entry.  The hooks into existing files follow as separate
patches.
MSG

# Hooks, one commit each, message taken from the patch header.
for p in "${patches[@]}"; do
	file=$TOP/kernel/patches/$p
	subject=$(sed -n 's/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p' "$file" | head -1)
	body=$(awk '/^Subject:/ { s = 1; next } s && /^---$/ { exit } s' "$file")
	git -C "$repo" apply --index "$file"
	git -C "$repo" commit -q -s -F - <<MSG
$subject
$body
MSG
done

git -C "$repo" format-patch -q --cover-letter -o "$out" HEAD~$((${#patches[@]} + 1))
echo "export-series: $(ls "$out" | wc -l) files in $out"
