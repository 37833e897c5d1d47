#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# asictl, as an operator types it, against the real controller: every
# command and option, bad input (a clear message, a non-zero exit, nothing
# changed), JSON parsed with jq, run's exit statuses, and watch catching a
# violation of a tenant asictl run started.

CG=/sys/fs/cgroup
ASICTL=${ASICTL:-asictl}
OUT=/tmp/asictl.out
ERR=/tmp/asictl.err
n=0
failed=0

# For asi_require; result() below is this test's own.
. "$(dirname "$0")/asi_tap.sh"

echo "TAP version 13"
asi_require
echo "1..22"

result() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
		sed 's/^/# stdout: /' "$OUT"
		sed 's/^/# stderr: /' "$ERR"
	fi
}

skip() { # description reason
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# run EXPECTED-STATUS asictl-args...: output in $OUT and $ERR.
run() {
	want=$1
	shift
	"$ASICTL" "$@" > "$OUT" 2> "$ERR"
	got=$?
	[ "$got" -eq "$want" ] || { echo "# asictl $*: exit $got, not $want"; return 1; }
}

says() { grep -q -- "$1" "$ERR" || { echo "# stderr lacks '$1'"; return 1; }; }
is() { [ "$(cat "$CG/$1")" = "$2" ] || { echo "# $1 is '$(cat "$CG/$1")', not '$2'"; return 1; }; }

cleanup() {
	for d in xt/a/b xt/a xt/y/z xt/y xt/busy xt/rd xt/reader xt keep holder; do
		[ -d "$CG/$d" ] || continue
		echo 1 > "$CG/$d/cgroup.kill" 2>/dev/null
		for i in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$CG/$d" 2>/dev/null && break
			sleep 0.2
		done
	done
}
cleanup

run 0 --help && grep -q "^Usage:" "$OUT" && run 0 -V && grep -q "^asictl " "$OUT"
result $? "--help and --version go to stdout, exit 0"

run 2 --frobnicate && says "unrecognized option" && says "Try 'asictl --help'" &&
	run 2 frobnicate && says "unknown command 'frobnicate'" &&
	run 2 isolate && says "expected one cgroup" && run 2
result $? "unknown option, unknown command, missing arguments: exit 2"

run 2 show ../etc && says "'..' is not allowed" && run 2 isolate --create a/../../x &&
	[ ! -e "$CG/x" ] && [ ! -e /sys/fs/x ] && run 2 show /tmp && says "not below the cgroup2 mount"
result $? "paths with .. or outside the mount are refused"

run 1 show nosuch && says "nosuch: no such cgroup" && run 1 isolate nosuch &&
	[ ! -e "$CG/nosuch" ] && run 1 release nosuch
result $? "a missing cgroup: exit 1, nothing created"

run 1 show "$CG" && says "root cgroup is the host" && run 1 isolate "$CG/"
result $? "the root cgroup is refused"

run 0 isolate --create --enforce --objects cred,pipe xt/a/b && is xt/a/b/asi.isolate 1 &&
	is xt/a/b/asi.enforce 1 && is xt/a/b/asi.private_objects "cred pipe" &&
	is xt/a/b/asi.fallback 1 && grep -qw asi "$CG/xt/a/cgroup.subtree_control" &&
	grep -qw asi "$CG/xt/cgroup.subtree_control"
result $? "isolate --create --enforce --objects: created, asi enabled in the ancestors"

mkdir -p "$CG/xt/y"
run 2 isolate --objects cred,bogus xt/y && says "unknown object class 'bogus'" &&
	says "known: cred file pipe sock netns key msg" && is xt/y/asi.isolate 0 &&
	is xt/y/asi.private_objects ""
result $? "an unknown class: exit 2, nothing changed"

run 0 isolate --objects all --fail-closed xt/y &&
	is xt/y/asi.private_objects "cred file pipe sock netns key msg" && is xt/y/asi.fallback 0 &&
	is xt/y/asi.enforce 0
result $? "--objects all, --fail-closed"

mkdir -p "$CG/xt/busy"
sleep 60 &
sleeper=$!
echo $sleeper > "$CG/xt/busy/cgroup.procs"
run 1 isolate --enforce --objects pipe xt/busy && says "it has 1 tasks; isolation changes only while it is empty" &&
	is xt/busy/asi.isolate 0 && is xt/busy/asi.enforce 0 && is xt/busy/asi.private_objects ""
result $? "a busy cgroup: EBUSY in words, nothing changed"
kill $sleeper
wait $sleeper 2>/dev/null

run 0 list && grep -q "^CGROUP" "$OUT" && grep -q "^xt/a/b " "$OUT" && grep -q "^xt/y " "$OUT" &&
	grep -q "^dying domains: [0-9]" "$OUT"
result $? "list: a line per domain, the dying count"

run 0 list --json && jq -e '(.domains | map(select(.cgroup == "xt/a/b"))[0] |
	.enforce == true and .fallback == true and .classes == ["cred", "pipe"] and
	.domain > 0 and .tasks == 0 and .violations == 0) and
	(.domains | map(select(.cgroup == "xt/y"))[0].fallback == false) and
	(.dying_domains | type == "number")' "$OUT" > /dev/null
result $? "list --json parses and says the same"

run 0 show xt/a/b && grep -q "isolated: *yes (domain [0-9]*)" "$OUT" &&
	grep -q "private_objects: cred pipe" "$OUT" && grep -q "violations" "$OUT" &&
	run 0 show --json "$CG/xt/a/b" && jq -e '.cgroup == "xt/a/b" and .isolated == true and
	.enforce == true and .events.violations == 0 and .stat.domain > 0 and
	(.stat | has("pool_blocks")) and .classes == ["cred", "pipe"]' "$OUT" > /dev/null
result $? "show and show --json (absolute path too)"

run 0 show xt/a && grep -q "isolated: *no (host)" "$OUT"
result $? "show of a host cgroup"

run 0 release xt/a/b && is xt/a/b/asi.isolate 0 && run 0 release xt/y && is xt/y/asi.isolate 0
result $? "release"

run 0 run --name r1 -- true && [ ! -e "$CG/r1" ] &&
	run 7 run -- sh -c 'exit 7' && run 143 run -- sh -c 'kill -TERM $$'
result $? "run: the command's status, 128+signal, the cgroup removed"

run 127 run -- /nonexistent && run 2 run && says "no command given" &&
	run 2 run --name a/b -- true && says "not a cgroup name" &&
	run 2 run --objects nope -- true && [ -z "$(ls -d $CG/asictl-run.* 2>/dev/null)" ]
result $? "run: not found 127, bad input 2, nothing left behind"

run 0 run --keep --name keep --objects all -- sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/keep/asi.isolate' &&
	grep -qx "0::/keep" "$OUT" && grep -qx 1 "$OUT" && [ -d "$CG/keep" ] &&
	is keep/asi.private_objects "cred file pipe sock netns key msg"
result $? "run --keep: the command starts inside the isolated cgroup, which stays"
rmdir "$CG/keep"

run 0 run --parent xt --name child -- cat /proc/self/cgroup && grep -qx "0::/xt/child" "$OUT" &&
	[ ! -e "$CG/xt/child" ]
result $? "run --parent"

"$ASICTL" run --name sig -- sh -c 'trap "exit 42" USR1; echo ready > /tmp/asictl.ready; while :; do sleep 0.1; done' \
	> "$OUT" 2> "$ERR" &
runner=$!
for i in $(seq 50); do [ -e /tmp/asictl.ready ] && break; sleep 0.1; done
kill -USR1 $runner
wait $runner
st=$?
[ $st -eq 42 ] || echo "# exit $st, not 42"
[ $st -eq 42 ]
result $? "run forwards signals to the command"
rm -f /tmp/asictl.ready

# A tenant holding a private page, and a watched enforcing domain whose
# task reads it: watch reports the violation, run says asi killed it.
# The page and the read come from the test helper.
if ! asi_have_helper; then
	why="asi test helper (CONFIG_ASI_TEST) isn't available"
	skip "run: a tenant asi killed for a refused read, said so, status 137" "$why"
	skip "watch: one line for the violation, one for the removal, then it ends" "$why"
else
	"$ASICTL" run --name holder -- sh -c 'exec 3<>/sys/kernel/debug/asi/test; echo alloc >&3;
		read addr <&3; echo $addr > /tmp/asictl.addr; sleep 30' > "$OUT" 2> "$ERR" &
	holder=$!
	for i in $(seq 50); do [ -s /tmp/asictl.addr ] && break; sleep 0.1; done
	addr=$(cat /tmp/asictl.addr)
	"$ASICTL" isolate --create --enforce xt/rd > /dev/null 2>&1
	"$ASICTL" watch xt/rd > /tmp/asictl.watch 2>&1 &
	watcher=$!
	sleep 0.5
	echo "# reading $addr from another domain"
	run 137 run --parent xt --name reader --enforce -- sh -c "echo read $addr > /sys/kernel/debug/asi/test; sleep 10" &&
		says "killed by asi: 1 cross-domain access refused"
	result $? "run: a tenant asi killed for a refused read, said so, status 137"

	sh -c "echo \$\$ > $CG/xt/rd/cgroup.procs; echo read $addr > /sys/kernel/debug/asi/test; sleep 10" 2>/dev/null
	for i in $(seq 50); do rmdir "$CG/xt/rd" 2>/dev/null && break; sleep 0.1; done
	for i in $(seq 50); do kill -0 $watcher 2>/dev/null || break; sleep 0.1; done
	kill -0 $watcher 2>/dev/null && kill $watcher
	wait $watcher
	sed 's/^/# watch: /' /tmp/asictl.watch
	grep -q "xt/rd violations 0 -> 1" /tmp/asictl.watch && grep -q "xt/rd removed" /tmp/asictl.watch
	result $? "watch: one line for the violation, one for the removal, then it ends"
	kill $holder 2>/dev/null
	wait $holder 2>/dev/null
	rm -f /tmp/asictl.addr /tmp/asictl.watch
fi

mkdir -p "$CG/xt/y/z"
run 1 watch xt/y/z && says "xt/y/z: no asi files" && run 1 watch xt/nosuch &&
	says "no such cgroup"
result $? "watch of a cgroup without asi files, or a missing one: exit 1"
rmdir "$CG/xt/y/z"

cleanup
[ "$failed" -eq 0 ]
