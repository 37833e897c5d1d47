#!/bin/bash
# Build the guest initramfs (build/guest/initramfs.cpio.gz): busybox-static,
# guest/init and its scripts, our selftest and bench binaries, asictl, crun
# and runc with an OCI bundle, our patched systemd for the systemd guest, and
# stress-ng, redis and jq with the shared libraries they need.  gen_init_cpio from the
# kernel source writes the archive, so no root is needed for device nodes.
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$BUILD/guest/initramfs.cpio.gz
list=$BUILD/guest/initramfs.list
gen=$BUILD/tools/gen_init_cpio

"$TOP/scripts/fetch-base.sh"
mkdir -p "$BUILD/guest" "$BUILD/tools"
if [ ! -x "$gen" ] || [ "$BASE_SRC/usr/gen_init_cpio.c" -nt "$gen" ]; then
	gcc -O2 -o "$gen" "$BASE_SRC/usr/gen_init_cpio.c"
fi

busybox=$(command -v busybox) || die "busybox-static is not installed"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is not static; install busybox-static"
fi

declare -A dirs=()
entries=()
add_dir() {
	local d=$1
	while [ "$d" != / ] && [ -z "${dirs[$d]:-}" ]; do
		dirs[$d]=1
		d=$(dirname "$d")
	done
}
add_file() { # guest-path host-path mode
	add_dir "$(dirname "$1")"
	entries+=("file $1 $2 $3 0 0")
}
add_slink() { # guest-path target
	add_dir "$(dirname "$1")"
	entries+=("slink $1 $2 777 0 0")
}
# A host binary plus every shared library it loads, at the same paths (or
# the binary at guest-path, if given).
add_elf() { # host-path [guest-path]
	local bin=$1 lib
	add_file "${2:-$bin}" "$(readlink -f "$bin")" 755
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		add_file "$lib" "$(readlink -f "$lib")" 755
	done
}

add_file /bin/busybox "$busybox" 755
# Every applet at its usual path, for what starts without guest/init
# (systemd as PID 1).
for applet in $("$busybox" --list-full); do
	[ "$applet" = bin/busybox ] || add_slink "/$applet" /bin/busybox
done
add_file /init "$TOP/guest/init" 755
for f in "$TOP"/guest/*.sh; do
	[ -e "$f" ] && add_file "/guest/$(basename "$f")" "$f" 755
done
add_elf "$(command -v stress-ng)"
# The end-to-end benchmarks: redis-server (Debian's is a link to
# redis-check-rdb, which runs as the server under that name), its client
# and its benchmark.
for tool in redis-server redis-cli redis-benchmark; do
	path=$(command -v "$tool") || die "$tool is not installed (scripts/deps.sh)"
	add_elf "$path"
done
add_elf "$(command -v trinity)"
# The tests parse asictl's JSON with jq.
add_elf "$(command -v jq)"
add_file /usr/sbin/asictl "$BUILD/tools/asictl" 755
# libcgroup's tools, as Debian ships them, for the libcgroup tests.
for tool in cgcreate cgset cgget cgexec cgclassify cgdelete lscgroup \
	    cgconfigparser; do
	add_elf "$(command -v "$tool" || echo "/usr/sbin/$tool")"
done
# The OCI runtimes, built from Debian's sources with our patches, and a
# bundle for them: a busybox root filesystem and the runtime's default
# config.json, which the tests adapt with jq.
add_elf "$BUILD/oci/bin/crun" /usr/bin/crun
add_elf "$BUILD/oci/bin/runc" /usr/sbin/runc
add_file /oci/bundle/config.json "$BUILD/oci/bundle/config.json" 644
add_file /oci/bundle/rootfs/bin/busybox "$busybox" 755
for applet in sh cat echo sleep ls mkdir touch test true false id grep head \
	      tail sed tr wc kill ps mount; do
	add_slink "/oci/bundle/rootfs/bin/$applet" busybox
done
for d in dev proc sys tmp share; do
	add_dir "/oci/bundle/rootfs/$d"
done
# systemd for the systemd guest (booted with rdinit=/usr/lib/systemd/systemd):
# everything build-systemd.sh staged, and the system libraries it loads (not
# the host's own libsystemd-shared, which has the same name as ours).
sdroot=$BUILD/systemd/root
while IFS= read -r f; do
	rel=${f#"$sdroot"}
	if [ -L "$f" ]; then
		add_slink "$rel" "$(readlink "$f")"
		continue
	fi
	add_file "$rel" "$f" "$(stat -c %a "$f")"
	for lib in $(LD_LIBRARY_PATH=$sdroot/usr/lib/x86_64-linux-gnu/systemd ldd "$f" 2>/dev/null |
		     grep -o '/[^ ]*' | grep -v '/systemd/'); do
		add_file "$lib" "$(readlink -f "$lib")" 755
	done
done < <(find "$sdroot" \( -type f -o -type l \) | sort)
add_elf "$(command -v dbus-daemon)"
add_file /usr/share/dbus-1/system.conf /usr/share/dbus-1/system.conf 644
add_dir /usr/share/dbus-1/system-services
# dpkg, to install our kernel's Debian package in the systemd guest, with
# an empty package database.
for tool in dpkg dpkg-deb dpkg-query dpkg-split; do
	add_elf "$(command -v "$tool")"
done
# dpkg-deb runs GNU tar (busybox's lacks its options).
add_elf "$(command -v tar)" /bin/tar
add_file /sbin/ldconfig "$(readlink -f /sbin/ldconfig)" 755
for d in info updates triggers alternatives; do
	add_dir "/var/lib/dpkg/$d"
done
add_file /var/lib/dpkg/status /dev/null 644
add_file /var/lib/dpkg/available /dev/null 644
add_file /etc/passwd "$TOP/guest/systemd/passwd" 644
add_file /etc/group "$TOP/guest/systemd/group" 644
add_file /etc/os-release "$TOP/guest/systemd/os-release" 644
for d in selftests bench; do
	[ -d "$BUILD/$d" ] || continue
	for f in "$BUILD/$d"/*; do
		[ -f "$f" ] && [ -x "$f" ] && add_file "/$d/$(basename "$f")" "$f" 755
	done
done

# A real binary at a path where busybox has an applet (dpkg) replaces it.
declare -A real=()
for e in "${entries[@]}"; do
	read -r kind path _ <<< "$e"
	[ "$kind" = file ] && real[$path]=1
done
kept=()
for e in "${entries[@]}"; do
	read -r kind path _ <<< "$e"
	[ "$kind" = slink ] && [ -n "${real[$path]:-}" ] && continue
	kept+=("$e")
done
entries=("${kept[@]}")

{
	echo "dir /dev 755 0 0"
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/ttyS0 660 0 0 c 4 64"
	echo "nod /dev/ttyS1 660 0 0 c 4 65"
	for d in proc sys tmp run root; do echo "dir /$d 755 0 0"; done
	printf '%s\n' "${!dirs[@]}" | sort | sed 's|.*|dir & 755 0 0|'
	printf '%s\n' "${entries[@]}"
} > "$list.new"

# Rebuild only when the list or a file in it changed.
up_to_date() {
	local f
	[ -f "$out" ] && cmp -s "$list" "$list.new" || return 1
	for f in $(awk '$1 == "file" { print $3 }' "$list.new"); do
		[ "$f" -nt "$out" ] && return 1
	done
	return 0
}
if up_to_date; then
	rm -f "$list.new"
	exit 0
fi
mv "$list.new" "$list"
"$gen" "$list" | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out"
