#!/bin/bash
# Install, with apt, whatever the build, the guest and the tests need and
# the machine lacks.  Idempotent: with everything present it only checks.
set -euo pipefail

pkgs=(
	build-essential flex bison bc libelf-dev libssl-dev cpio xz-utils
	ccache rsync kmod python3 perl git
	qemu-system-x86 busybox-static stress-ng jq cgroup-tools
	# End-to-end benchmark in the guest (bench/run_bench.sh).
	redis-server redis-tools
	# Syscall fuzzing in the guest (selftests/test_trinity.sh).
	trinity
	gnuplot-nox
	# Debian's crun and runc, rebuilt from source with our patches
	# (scripts/build-oci-runtimes.sh): their build dependencies.
	dpkg-dev fakeroot debhelper automake autoconf libtool pkgconf gperf
	go-md2man libcap-dev libseccomp-dev libsystemd-dev libyajl-dev
	golang-github-opencontainers-image-spec-dev
	golang-github-opencontainers-specs-dev
	dh-golang golang-any golang-dbus-dev
	golang-github-checkpoint-restore-go-criu-dev
	golang-github-cilium-ebpf-dev golang-github-containerd-console-dev
	golang-github-coreos-go-systemd-dev
	golang-github-cyphar-filepath-securejoin-dev
	golang-github-docker-go-units-dev golang-github-moby-sys-dev
	golang-github-mrunalp-fileutils-dev
	golang-github-opencontainers-selinux-dev
	golang-github-seccomp-libseccomp-golang-dev
	golang-github-sirupsen-logrus-dev golang-github-urfave-cli-dev
	golang-github-vishvananda-netlink-dev golang-gocapability-dev
	golang-golang-x-net-dev golang-google-protobuf-dev
	# Debian's systemd, rebuilt with our patches for the systemd guest
	# (scripts/build-systemd.sh), and the system bus it uses there.
	meson ninja-build gperf libmount-dev libcrypt-dev libcap-dev
	python3-jinja2 patchelf dbus-daemon dbus-system-bus-common
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
