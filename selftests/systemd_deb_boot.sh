#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest booted on the image from our kernel's Debian
# package (make deb): the kernel is that release, has asi, and a service
# with Isolate=yes runs isolated.

. "$(dirname "$0")/asi_tap.sh"

J=/var/lib/asi-job
ktap_print_header
ktap_set_plan 2

ktap_print_msg "$(uname -a)"
[ "$(uname -r)" = "$(cat "$J/release")" ] && grep -qw asi /sys/fs/cgroup/cgroup.controllers
result $? "the packaged kernel boots: release $(cat "$J/release"), asi controller present"

mkdir -p /run/systemd/system
printf '[Service]\nIsolate=yes\nExecStart=/bin/sleep 600\n' > /run/systemd/system/asi-deb.service
systemctl daemon-reload
systemctl start asi-deb.service >> "$OUT" 2>&1 &&
	[ "$(cat /sys/fs/cgroup/system.slice/asi-deb.service/asi.isolate)" = 1 ]
result $? "a service with Isolate=yes starts isolated on it"
systemctl stop asi-deb.service
rm -f /run/systemd/system/asi-deb.service
ktap_finished
