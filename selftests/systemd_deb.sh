#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest with our kernel's Debian package (make deb) in
# /var/lib/asi-job: dpkg -i installs it into the guest's root filesystem,
# dpkg knows it, and the installed image is the one the package was built
# with (the next boot of make check boots that image).

J=/var/lib/asi-job
n=0
failed=0
echo "TAP version 13"
echo "1..2"
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
	sed 's/^/# /' /tmp/deb.out
	: > /tmp/deb.out
}
: > /tmp/deb.out

pkg=$(/usr/bin/dpkg-deb -f "$J/linux-image.deb" Package)
/usr/bin/dpkg -i "$J/linux-image.deb" >> /tmp/deb.out 2>&1 &&
	/usr/bin/dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$pkg" >> /tmp/deb.out 2>&1 &&
	[ "$(/usr/bin/dpkg-query -W -f='${Status}' "$pkg")" = "install ok installed" ]
result $? "dpkg -i $pkg: installed"

(cd /boot && sha256sum -c "$J/vmlinuz.sha256") >> /tmp/deb.out 2>&1 &&
	/usr/bin/dpkg -L "$pkg" | grep -qx "/boot/vmlinuz-$(cut -d' ' -f3 "$J/vmlinuz.sha256" | sed 's/^vmlinuz-//')"
result $? "/boot holds the package's image, byte for byte, and dpkg lists it"
[ "$failed" -eq 0 ]
