#!/bin/sh
# Sourced by the demo scripts (guest/demo.sh, guest/demo-systemd.sh): each
# step says what it does, then shows a command and its real output.

CG=/sys/fs/cgroup
HELPER=/sys/kernel/debug/asi/test

step() {
	echo
	echo "### $*"
}
show() {
	echo "\$ $*"
	sh -c "$*"
}
