# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the shell selftests: the kernel's KTAP helpers
# (tools/testing/selftests/kselftest/ktap_helpers.sh, installed beside the
# tests) and a result line that, when the case failed, shows what it
# noted.  End a test with ktap_finished.

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
