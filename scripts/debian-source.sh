#!/bin/bash
# debian-source.sh NAME VERSION DEST: unpack Debian's source package
# NAME=VERSION (with Debian's own patches applied) into DEST, replacing it.
# The files are downloaded once into build/dl/debian-src/ with apt-get source,
# through a private deb-src list made from the machine's Debian mirrors, so
# the system's apt configuration is left alone.  Never falls back to another
# version.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ $# -eq 3 ] || die "usage: debian-source.sh NAME VERSION DEST"
name=$1 version=$2 dest=$3
apt_dir=$BUILD/apt-src
dl=$BUILD/dl/debian-src

# apt options that read only the deb-src list $1 and keep their lists apart.
apt_src_opts() {
	echo -o "Dir::Etc::SourceList=$1" \
	     -o "Dir::Etc::SourceParts=$apt_dir/none" \
	     -o "Dir::State::Lists=$apt_dir/lists"
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
	   ! ls "$apt_dir/lists" | grep -q Sources; then
		mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
		# shellcheck disable=SC2046
		apt-get $(apt_src_opts "$apt_dir/sources.list") update -qq
	fi
	rm -f "$apt_dir/sources.list.new"
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

dsc=$dl/${name}_${version#*:}.dsc
if [ ! -f "$dsc" ]; then
	make_src_list
	mkdir -p "$dl"
	(cd "$dl" && download_source "$name=$version") ||
		die "cannot get the source of $name $version from Debian's archive ('apt-cache policy $name' shows what is there)"
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
dpkg-source -x "$dsc" "$dest" > "$dest.unpack.log" 2>&1 ||
	{ cat "$dest.unpack.log" >&2; die "cannot unpack $dsc"; }
