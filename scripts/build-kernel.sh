#!/bin/bash
# Build one kernel flavour: "asi" (base + our series), "asi-kasan" (the
# same with generic KASAN) or "baseline" (the pristine base).  All use
# kernel/configs/guest.config on top of tinyconfig; asi adds
# kernel/configs/asi.config, asi-kasan that and kernel/configs/kasan.config.
# The bzImage is left at build/kernel/bzImage, build/kernel-kasan/bzImage
# or build/baseline/bzImage.  With "deb" after the
# flavour, also the Debian package of that kernel (bindeb-pkg) in
# build/deb/<flavour>/, with its image unpacked under root/.
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavour=${1:-asi}
deb=${2:-}
flavour_dirs "$flavour"

"$TOP/scripts/deps.sh"
if [ "$flavour" != baseline ]; then
	"$TOP/scripts/apply-series.sh"
else
	"$TOP/scripts/fetch-base.sh"
fi

fragments=("$TOP/kernel/configs/guest.config")
[ "$flavour" != baseline ] && fragments+=("$TOP/kernel/configs/asi.config")
[ "$flavour" = asi-kasan ] && fragments+=("$TOP/kernel/configs/kasan.config")

# Reproducible build identity, so ccache hits across clean builds.
export KBUILD_BUILD_TIMESTAMP="2025-01-01 00:00:00 UTC"
export KBUILD_BUILD_USER=asi KBUILD_BUILD_HOST=asi KBUILD_BUILD_VERSION=1
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
command -v ccache >/dev/null && ccache -M 8G >/dev/null
kmake=(make -s -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")

mkdir -p "$OBJ"
# Regenerate .config only when its inputs change: a new .config with the
# same content would still cost a pass over the whole tree.
cfg_inputs=("${fragments[@]}" "$TOP/Kconfig" "$TOP/kernel/BASE")
cfg_sum=$(cat "${cfg_inputs[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.asi-config-sum" 2>/dev/null)" != "$cfg_sum" ]; then
	echo "build-kernel: configuring $flavour"
	"${kmake[@]}" tinyconfig >/dev/null
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" \
		"${fragments[@]}" >/dev/null
	"${kmake[@]}" olddefconfig >/dev/null
	# Every requested option must have survived dependency resolution.
	bad=0
	for frag in "${fragments[@]}"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=n) want="# ${line%=n} is not set"
				grep -qxF "$want" "$OBJ/.config" ||
					! grep -q "^${line%=n}=" "$OBJ/.config" ||
					{ echo "  $line: got $(grep "^${line%=n}=" "$OBJ/.config")"; bad=1; } ;;
			CONFIG_*) grep -qxF "$line" "$OBJ/.config" ||
					{ echo "  $line: got $(grep "^${line%%=*}[= ]" "$OBJ/.config" || echo unset)"; bad=1; } ;;
			esac
		done < <(grep '^CONFIG_' "$frag")
	done
	[ $bad -eq 0 ] || die "config options above did not take effect for $flavour"
	echo "$cfg_sum" > "$OBJ/.asi-config-sum"
fi

echo "build-kernel: building $flavour in $OBJ"
"${kmake[@]}" bzImage
mkdir -p "$IMAGE_DIR"
cp "$OBJ/arch/x86/boot/bzImage" "$IMAGE_DIR/bzImage.tmp"
cp "$OBJ/.config" "$IMAGE_DIR/config"
cp "$OBJ/System.map" "$IMAGE_DIR/System.map"
mv "$IMAGE_DIR/bzImage.tmp" "$IMAGE_DIR/bzImage"
echo "build-kernel: $IMAGE_DIR/bzImage"

[ "$deb" = deb ] || exit 0
# bindeb-pkg leaves its packages beside the object directory.
debdir=$BUILD/deb/$flavour
release=$("${kmake[@]}" kernelrelease)
pkg=$(dirname "$OBJ")/linux-image-${release}_${release}-asi1_amd64.deb
if [ ! -f "$pkg" ] || [ "$OBJ/arch/x86/boot/bzImage" -nt "$pkg" ]; then
	echo "build-kernel: packaging $flavour ($release)"
	"${kmake[@]}" KDEB_PKGVERSION="$release-asi1" bindeb-pkg > "$OBJ/deb.log" 2>&1 ||
		{ tail -20 "$OBJ/deb.log" >&2; die "bindeb-pkg failed (log: $OBJ/deb.log)"; }
fi
rm -rf "$debdir"
mkdir -p "$debdir"
cp "$pkg" "$debdir/"
dpkg-deb -x "$pkg" "$debdir/root"
# Fixed names for the tests: the package, its release, its image and the
# image's checksum.
ln -f "$debdir/$(basename "$pkg")" "$debdir/linux-image.deb"
echo "$release" > "$debdir/release"
ln -s "root/boot/vmlinuz-$release" "$debdir/vmlinuz"
(cd "$debdir/root/boot" && sha256sum "vmlinuz-$release") > "$debdir/vmlinuz.sha256"
echo "build-kernel: $debdir/$(basename "$pkg")"
