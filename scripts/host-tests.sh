#!/bin/bash
# Host-side unit tests of our userspace code.  Prints each suite's output
# and ends with "host: P passed, F failed, S skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

passed=0 failed=0 skipped=0
out=$(python3 - "$TOP/scripts/tests" <<'PY'
import sys, unittest
suite = unittest.defaultTestLoader.discover(sys.argv[1])
r = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
skip = len(r.skipped)
print(f"python: {r.testsRun - bad - skip} {bad} {skip}")
PY
)
echo "$out" | grep -v '^python: '
read -r p f s < <(echo "$out" | sed -n 's/^python: //p')
passed=$((passed + ${p:-0})) failed=$((failed + ${f:-1})) skipped=$((skipped + ${s:-0}))

echo "host: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
