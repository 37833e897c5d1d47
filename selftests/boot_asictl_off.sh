#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in a guest booted with asi=off: every asictl command says that the
# kernel has no asi, exits non-zero (125 for run, whose command never
# starts) and changes nothing.

n=0
failed=0
echo "TAP version 13"
echo "1..3"

check() { # description want-status command...
	desc=$1
	want=$2
	shift 2
	"$@" > /tmp/asictl.out 2> /tmp/asictl.err
	got=$?
	n=$((n + 1))
	if [ "$got" -eq "$want" ] && grep -q "no asi controller" /tmp/asictl.err; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc (exit $got)"
		sed 's/^/# /' /tmp/asictl.err
		failed=$((failed + 1))
	fi
}

check "list says so" 1 asictl list
check "isolate says so, creates nothing" 1 asictl isolate --create asictl-off
[ -e /sys/fs/cgroup/asictl-off ] && { echo "# asictl-off was created"; failed=$((failed + 1)); }
check "run says so, the command never starts" 125 asictl run -- touch /tmp/asictl-ran
[ -e /tmp/asictl-ran ] && { echo "# the command ran"; failed=$((failed + 1)); }
[ "$failed" -eq 0 ]
