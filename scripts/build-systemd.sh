#!/bin/bash
# Build Debian 12's systemd, at the version in cgroupfs-tools/systemd/VERSION,
# with the patches of cgroupfs-tools/systemd/ (in name order), for the systemd
# guest: PID 1, journald, systemd-shutdown, systemctl, systemd-run and
# journalctl with their two shared libraries, and systemd's own tests of what
# the patches touch (test-cgroup-mask, test-cgroup-util), staged under
# build/systemd/root
# at the paths Debian installs them to, plus the guest's unit files
# (guest/systemd/system).  Only those targets are compiled (with ccache), from
# a configuration with every optional feature the guest does not use turned
# off, and busybox's mount.  A build is kept by the hash of the version, the patches and this
# script: unchanged inputs, no rebuild.
set -euo pipefail
. "$(dirname "$0")/common.sh"

SD=$TOP/cgroupfs-tools/systemd
out=$BUILD/systemd
root=$out/root
version=$(sed -n '1{s/[[:space:]]*$//;p}' "$SD/VERSION")
libdir=/usr/lib/x86_64-linux-gnu/systemd
tests="test-cgroup-mask test-cgroup-util"

# Debian's python3 (meson and the build's generators need its jinja2).
export PATH=/usr/bin:/bin:/usr/sbin:/sbin

key=$( { echo "$version"; cat "$0" "$SD"/*.patch; } | sha256sum | cut -c1-16)
if [ "$(cat "$out/.key" 2>/dev/null)" != "$key" ] || [ ! -x "$root/usr/lib/systemd/systemd" ]; then
	echo "build-systemd: systemd $version with $(ls "$SD"/*.patch | wc -l) patch(es)"
	"$TOP/scripts/debian-source.sh" systemd "$version" "$out/src"
	for p in "$SD"/*.patch; do
		patch -d "$out/src" -p1 --quiet < "$p" ||
			die "$(basename "$p") does not apply to systemd $version"
	done

	off=(utmp hibernate ldconfig resolve efi tpm environment-d binfmt repart
	     sysupdate coredump pstore oomd logind hostnamed localed machined
	     portabled sysext userdb homed networkd timedated timesyncd remote
	     nss-myhostname nss-mymachines nss-resolve nss-systemd firstboot
	     randomseed backlight vconsole quotacheck sysusers importd hwdb rfkill
	     xdg-autostart man html translations seccomp selinux apparmor smack
	     polkit ima acl audit blkid fdisk kmod pam pwquality microhttpd
	     libcryptsetup libcurl idn libidn2 libidn libiptc qrencode gcrypt
	     gnutls openssl p11kit libfido2 tpm2 elfutils zlib bzip2 xz lz4 zstd
	     xkbcommon pcre2 glib dbus gnu-efi kernel-install analyze
	     bpf-framework gshadow)
	opts=()
	for o in "${off[@]}"; do opts+=("-D$o=false"); done
	rm -rf "$out/obj"
	export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
	CC="ccache gcc" meson setup "$out/obj" "$out/src" --prefix=/usr \
		--buildtype=release -Dmode=release -Dtests=true \
		-Dsplit-usr=false -Dsplit-bin=false -Dstandalone-binaries=false \
		-Dinstall-tests=false -Dcreate-log-dirs=false \
		-Dfirst-boot-full-preset=false -Dmount-path=/bin/mount \
		-Dumount-path=/bin/umount "${opts[@]}" > "$out/setup.log" 2>&1 ||
		{ tail -20 "$out/setup.log" >&2; die "meson setup failed (log: $out/setup.log)"; }
	ninja -C "$out/obj" -j"$JOBS" systemd systemd-journald systemd-shutdown \
		systemctl systemd-run journalctl $tests > "$out/build.log" 2>&1 ||
		{ grep -B2 -A8 -m3 'error:' "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }

	rm -rf "$root"
	install -d "$root/usr/lib/systemd" "$root/usr/bin" "$root$libdir"
	install -m 755 "$out/obj/src/shared/libsystemd-shared-${version%%.*}.so" \
		"$out/obj/src/core/libsystemd-core-${version%%.*}.so" "$root$libdir/"
	for b in systemd systemd-journald systemd-shutdown; do
		install -m 755 "$out/obj/$b" "$root/usr/lib/systemd/$b"
	done
	for b in systemctl systemd-run journalctl; do
		install -m 755 "$out/obj/$b" "$root/usr/bin/$b"
	done
	# systemd's own tests of what the patches touch, with their units,
	# run in the guest (SYSTEMD_TEST_DATA=/usr/lib/systemd/tests/testdata).
	install -d "$root/usr/lib/systemd/tests/testdata/units"
	for b in $tests; do
		install -m 755 "$out/obj/$b" "$root/usr/lib/systemd/tests/$b"
	done
	for u in parent.slice parent-deep.slice son.service daughter.service \
		 grandchild.service nomem.slice nomemleaf.service isolated.slice \
		 isolated-leaf.service isolate-bad.service; do
		install -m 644 "$out/src/test/units/$u" "$root/usr/lib/systemd/tests/testdata/units/"
	done
	# Where Debian's own build points them (meson install would rewrite
	# the build tree's $ORIGIN paths the same way).
	for f in "$root"/usr/lib/systemd/systemd* "$root"/usr/bin/* "$root$libdir"/* \
		 "$root"/usr/lib/systemd/tests/test-*; do
		patchelf --set-rpath "$libdir" "$f"
	done
	echo "$key" > "$out/.key"
	echo "build-systemd: $root"
fi

# The units: upstream's targets and shutdown services that PID 1 needs, and
# the guest's own (journald, D-Bus, the job or shell).  Cheap, so always
# refreshed.
units=$root/usr/lib/systemd/system
rm -rf "$units"
install -d "$units"
for u in basic.target sysinit.target sockets.target timers.target paths.target \
	 slices.target local-fs-pre.target local-fs.target swap.target \
	 multi-user.target shutdown.target umount.target final.target \
	 poweroff.target reboot.target halt.target exit.target \
	 systemd-poweroff.service systemd-reboot.service systemd-halt.service \
	 systemd-exit.service sys-kernel-debug.mount; do
	install -m 644 "$out/src/units/$u" "$units/$u"
done
install -m 644 "$TOP"/guest/systemd/system/* "$units/"
ln -s asi-guest.target "$units/default.target"
# The system bus (Debian's dbus-daemon) for systemd-run and D-Bus clients,
# with systemd's bus policy.
install -d "$root/usr/share/dbus-1/system.d"
install -m 644 "$out/src/src/core/org.freedesktop.systemd1.conf" "$root/usr/share/dbus-1/system.d/"
