# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the shell selftests: the kernel's KTAP helpers
# (tools/testing/selftests/kselftest/ktap_helpers.sh, installed beside the
# tests), a result line that, when the case failed, shows what it noted,
# and the check that skips a test on a kernel without asi.  End a test
# with ktap_finished.

. "$(dirname "$0")/ktap_helpers.sh"

OUT=${OUT:-/tmp/$(basename "$0" .sh).out}
: > "$OUT"

# note TEXT...: keep a line to show if the current case fails.
note() { echo "$*" >> "$OUT"; }

# result STATUS DESCRIPTION: the case's line, from a command's status.
result() {
	if [ "$1" -eq 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2"
		sed 's/^/# /' "$OUT"
	fi
	: > "$OUT"
}

# asi_have_helper: whether the kernel has the test helper (CONFIG_ASI_TEST).
asi_have_helper() {
	[ -r /sys/kernel/debug/asi/test ] && [ -w /sys/kernel/debug/asi/test ]
}

# asi_require [helper]: skip the whole test (KSFT_SKIP), as the kernel's
# cgroup selftests do when their controller is missing, unless the asi
# controller is available (it is not on a kernel without CONFIG_CGROUP_ASI,
# nor one booted with asi=off or cgroup_disable=asi) and, with "helper",
# the test helper is there too.  Then enable asi in the root cgroup's
# subtree_control.  Call it before ktap_set_plan.
asi_require() {
	why=
	if ! grep -qw asi /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		why="asi controller isn't available"
	elif [ "${1:-}" = helper ] && ! asi_have_helper; then
		why="asi test helper (CONFIG_ASI_TEST) isn't available"
	elif ! grep -qw asi /sys/fs/cgroup/cgroup.subtree_control &&
	     ! echo +asi > /sys/fs/cgroup/cgroup.subtree_control; then
		why="failed to enable the asi controller"
	fi
	[ -z "$why" ] && return 0
	ktap_skip_all "$why"
	exit "$KSFT_SKIP"
}
