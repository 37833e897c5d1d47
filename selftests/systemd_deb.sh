#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest with our kernel's Debian package (make deb) in
# /var/lib/asi-job: dpkg -i installs it into the guest's root filesystem,
# dpkg knows it, and the installed image is the one the package was built
# with (the next boot of make check boots that image).  dpkg by its path:
# busybox sh runs its own dpkg applet for a bare "dpkg".

. "$(dirname "$0")/asi_tap.sh"

J=/var/lib/asi-job
ktap_print_header
ktap_set_plan 2

pkg=$(/usr/bin/dpkg-deb -f "$J/linux-image.deb" Package)
/usr/bin/dpkg -i "$J/linux-image.deb" >> "$OUT" 2>&1 &&
	[ "$(/usr/bin/dpkg-query -W -f='${Status}' "$pkg")" = "install ok installed" ]
st=$?
/usr/bin/dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$pkg" 2>&1 | sed 's/^/# /'
result $st "dpkg -i $pkg: installed"

image=$(cut -d' ' -f3 "$J/vmlinuz.sha256")
(cd /boot && sha256sum -c "$J/vmlinuz.sha256") >> "$OUT" 2>&1 &&
	/usr/bin/dpkg -L "$pkg" | grep -qx "/boot/$image"
result $? "/boot/$image is the package's image, byte for byte, and dpkg lists it"
ktap_finished
