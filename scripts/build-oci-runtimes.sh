#!/bin/bash
# Build Debian's crun and runc, at the versions pinned in
# cgroupfs-tools/oci/VERSIONS, with our patches from cgroupfs-tools/oci/<name>/,
# into build/oci/bin/.  The sources come from Debian's archive
# (scripts/debian-source.sh) and are built with the package's own rules
# (dpkg-buildpackage -B).  A build is kept by the hash of
# the version, the patches and this script: unchanged inputs, no rebuild.
set -euo pipefail
. "$(dirname "$0")/common.sh"

OCI=$TOP/cgroupfs-tools/oci
out=$BUILD/oci

# build NAME VERSION BINARY: build/oci/bin/BINARY from Debian's NAME=VERSION.
build() {
	local name=$1 version=$2 binary=$3 key work p
	key=$( { echo "$name $version"; cat "$0" "$OCI/$name"/*.patch; } |
		sha256sum | cut -c1-16)
	if [ -x "$out/bin/$binary" ] &&
	   [ "$(cat "$out/bin/.$binary.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	echo "build-oci-runtimes: $name $version with $(ls "$OCI/$name"/*.patch | wc -l) patch(es)"
	work=$out/src/$name
	rm -rf "$work"
	"$TOP/scripts/debian-source.sh" "$name" "$version" "$work/tree"
	for p in "$OCI/$name"/*.patch; do
		cp "$p" "$work/tree/debian/patches/asi-$(basename "$p")"
		echo "asi-$(basename "$p")" >> "$work/tree/debian/patches/series"
	done
	# Architecture-dependent packages only, without the upstream test
	# suites (they need privileges and a host of their own).
	(cd "$work/tree" && dpkg-source --before-build . > "$work/unpack.log" 2>&1 &&
	 DEB_BUILD_OPTIONS="nocheck parallel=$JOBS" \
		dpkg-buildpackage -B -uc -us > "$work/build.log" 2>&1) ||
		{ tail -30 "$work/build.log" >&2; die "$name: build failed (log: $work/build.log)"; }
	mkdir -p "$out/bin" "$work/root"
	dpkg-deb -x "$(ls "$work/${name}_"*.deb | head -1)" "$work/root"
	install -m 755 "$work/root/usr/bin/$binary" "$out/bin/$binary"
	echo "$key" > "$out/bin/.$binary.key"
	echo "build-oci-runtimes: $out/bin/$binary"
}

while read -r name version; do
	case "$name" in ''|'#'*) continue ;; esac
	build "$name" "$version" "$name"
done < "$OCI/VERSIONS"

# The bundle's config.json: the runtime's own default (crun spec), run
# without a terminal.  The rootfs (busybox) is put in by mkinitramfs.sh.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$out/bin/crun" spec)
mkdir -p "$out/bundle"
jq '.process.terminal = false' "$tmp/config.json" > "$tmp/config.new"
cmp -s "$tmp/config.new" "$out/bundle/config.json" ||
	mv "$tmp/config.new" "$out/bundle/config.json"
