#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest booted on the image from our kernel's Debian
# package (make deb): the kernel is that release, has asi, and a service
# with Isolate=yes runs isolated.

J=/var/lib/asi-job
n=0
failed=0
echo "TAP version 13"
echo "1..2"
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
	sed 's/^/# /' /tmp/debboot.out
	: > /tmp/debboot.out
}
: > /tmp/debboot.out

uname -a >> /tmp/debboot.out
[ "$(uname -r)" = "$(cat "$J/release")" ] && grep -qw asi /sys/fs/cgroup/cgroup.controllers
result $? "the packaged kernel boots: release $(cat "$J/release"), asi controller present"

mkdir -p /run/systemd/system
printf '[Service]\nIsolate=yes\nExecStart=/bin/sleep 600\n' \
	> /run/systemd/system/asi-deb.service
systemctl daemon-reload
systemctl start asi-deb.service >> /tmp/debboot.out 2>&1 &&
	[ "$(cat /sys/fs/cgroup/system.slice/asi-deb.service/asi.isolate)" = 1 ]
result $? "a service with Isolate=yes starts isolated on it"
systemctl stop asi-deb.service
rm -f /run/systemd/system/asi-deb.service
[ "$failed" -eq 0 ]
