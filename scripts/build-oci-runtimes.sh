#!/bin/bash
# Build Debian's crun and runc, at the versions pinned in
# cgroupfs-tools/oci/VERSIONS, with our patches from cgroupfs-tools/oci/<name>/,
# into build/oci/bin/.  The sources come from Debian's archive (apt-get source
# through a private deb-src list made from the machine's Debian mirrors, so
# the system's apt configuration is left alone) and are built with the
# package's own rules (dpkg-buildpackage -B).  A build is kept by the hash of
# the version, the patches and this script: unchanged inputs, no rebuild.
set -euo pipefail
. "$(dirname "$0")/common.sh"

OCI=$TOP/cgroupfs-tools/oci
out=$BUILD/oci
apt_dir=$out/apt

# apt options that read only the deb-src list $1 and keep their lists apart.
apt_src_opts() {
	echo -o "Dir::Etc::SourceList=$1" \
	     -o "Dir::Etc::SourceParts=$apt_dir/none" \
	     -o "Dir::State::Lists=$apt_dir/lists"
}

# Download NAME=VERSION's source into the current directory.  One
# repository at a time: a version that two suites list may be in the pool
# of only one of them.
download_source() {
	local line
	while read -r line; do
		echo "$line" > "$apt_dir/one.list"
		# shellcheck disable=SC2046
		apt-get $(apt_src_opts "$apt_dir/one.list") source --download-only \
			-qq "$1" 2>/dev/null && return 0
	done < "$apt_dir/sources.list"
	return 1
}

# A deb-src line for every Debian repository the machine installs from.
make_src_list() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/none"
	apt-get indextargets --format '$(ORIGIN) $(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
		awk '$1 == "Debian" && $2 == "deb" { print "deb-src", $3, $4, $5 }' |
		sort -u > "$apt_dir/sources.list.new"
	[ -s "$apt_dir/sources.list.new" ] ||
		die "no Debian repository in the apt configuration; 'apt-get update' first"
	if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list" ||
	   [ -z "$(ls "$apt_dir/lists" | grep Sources)" ]; then
		mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
		# shellcheck disable=SC2046
		apt-get $(apt_src_opts "$apt_dir/sources.list") update -qq
	fi
	rm -f "$apt_dir/sources.list.new"
}

# build NAME VERSION BINARY: build/oci/bin/BINARY from Debian's NAME=VERSION.
build() {
	local name=$1 version=$2 binary=$3 key src work p
	key=$( { echo "$name $version"; cat "$0" "$OCI/$name"/*.patch; } |
		sha256sum | cut -c1-16)
	if [ -x "$out/bin/$binary" ] &&
	   [ "$(cat "$out/bin/.$binary.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	echo "build-oci-runtimes: $name $version with $(ls "$OCI/$name"/*.patch | wc -l) patch(es)"
	make_src_list
	src=$BUILD/dl/oci
	mkdir -p "$src"
	if ! ls "$src/${name}_${version#*:}.dsc" > /dev/null 2>&1; then
		(cd "$src" && download_source "$name=$version") ||
			die "cannot get the source of $name $version (pinned in $OCI/VERSIONS) from Debian's archive"
	fi
	work=$out/src/$name
	rm -rf "$work"
	mkdir -p "$work"
	dpkg-source -x "$src/${name}_${version#*:}.dsc" "$work/tree" > "$work/unpack.log" 2>&1
	for p in "$OCI/$name"/*.patch; do
		cp "$p" "$work/tree/debian/patches/asi-$(basename "$p")"
		echo "asi-$(basename "$p")" >> "$work/tree/debian/patches/series"
	done
	# Architecture-dependent packages only, without the upstream test
	# suites (they need privileges and a host of their own).
	(cd "$work/tree" && dpkg-source --before-build . >> "$work/unpack.log" 2>&1 &&
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
