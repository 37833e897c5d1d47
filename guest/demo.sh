#!/bin/sh
# The scripted demonstration run by 'make demo' inside the guest.  Each
# step says what it does, then shows the real output.

step() {
	echo
	echo "### $*"
}
show() {
	echo "\$ $*"
	sh -c "$*"
}

step "The kernel we booted"
show "uname -r -v"
show "grep -c ^processor /proc/cpuinfo"

step "cgroup v2 and its controllers"
show "mount | grep cgroup2"
show "cat /sys/fs/cgroup/cgroup.controllers"

step "A container-style cgroup with pids and memory enabled"
show "echo '+pids +memory' > /sys/fs/cgroup/cgroup.subtree_control"
show "mkdir /sys/fs/cgroup/tenant-a"
show "echo 32 > /sys/fs/cgroup/tenant-a/pids.max"
show "sh -c 'echo \$\$ > /sys/fs/cgroup/tenant-a/cgroup.procs; cat /proc/self/cgroup; cat /sys/fs/cgroup/tenant-a/pids.current'"
show "rmdir /sys/fs/cgroup/tenant-a"

echo
echo "demo: done"
