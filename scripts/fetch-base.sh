#!/bin/bash
# Fetch Debian's linux-source-6.12 at the version pinned in kernel/BASE and
# unpack it, pristine, into build/src/base.  Never falls back to another
# version: a kernel that is not the pinned one is not ours to test.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -n "$BASE_VERSION" ] || die "kernel/BASE is empty"

if [ -f "$BASE_SRC/.asi-base" ] &&
   [ "$(cat "$BASE_SRC/.asi-base")" = "$BASE_VERSION" ]; then
	exit 0
fi

mkdir -p "$BUILD/dl"
if [ ! -s "$BASE_DEB" ]; then
	echo "fetch-base: downloading $BASE_PKG=$BASE_VERSION"
	# A fresh machine may have no package lists yet: update once, retry.
	if ! (cd "$BUILD/dl" && apt-get download "$BASE_PKG=$BASE_VERSION") &&
	   ! { SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	       $SUDO apt-get update -qq &&
	       (cd "$BUILD/dl" && apt-get download "$BASE_PKG=$BASE_VERSION"); }; then
		cat >&2 <<MSG
fetch-base: cannot get $BASE_PKG version $BASE_VERSION (pinned in kernel/BASE).
  - Run 'apt-get update' and check 'apt-cache policy $BASE_PKG'; the package
    lives in bookworm-security (and bookworm-backports).
  - If that version is gone from the archive, put the .deb at
    $BASE_DEB
    or move kernel/BASE to an available 6.12 version and rebase kernel/patches.
  Nothing else is built in its place.
MSG
		exit 1
	fi
fi

echo "fetch-base: unpacking $BASE_PKG $BASE_VERSION into $BASE_SRC"
rm -rf "$BASE_SRC" "$BASE_SRC.tmp"
mkdir -p "$BASE_SRC.tmp"
dpkg-deb --fsys-tarfile "$BASE_DEB" |
	tar -xO ./usr/src/linux-source-6.12.tar.xz |
	tar -xJ -C "$BASE_SRC.tmp" --strip-components=1
[ -f "$BASE_SRC.tmp/Makefile" ] || die "unexpected layout in $BASE_DEB"
echo "$BASE_VERSION" > "$BASE_SRC.tmp/.asi-base"
mv "$BASE_SRC.tmp" "$BASE_SRC"
