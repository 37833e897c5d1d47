#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest (our patched systemd 252 as PID 1): Isolate=,
# IsolateEnforce= and IsolatePrivateObjects= of services, transient units
# and slices.  A service with Isolate=yes runs in its own domain (a page it
# allocates belongs to its cgroup's domain, its creds are private); two
# such services do not map each other's private memory, and the one that
# reads the other's is killed and ends failed (isolation-violation);
# systemd-run -p Isolate=yes;
# a change of isolation on a running unit is refused with the reason; a
# slice makes one domain of its services; bad values make the unit fail to
# load.  The reads use the asi test helper, the stand-in for a kernel bug.

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
UNITS=/run/systemd/system
W=/run/asi-sd

ktap_print_header
asi_require helper
ktap_set_plan 11

is() { # file expected
	[ "$(cat "$1" 2>&1)" = "$2" ] || { note "$1 is '$(cat "$1" 2>&1)', not '$2'"; return 1; }
}
stat_of() { # cgroup key
	sed -n "s/^$2 //p" "$CG/$1/asi.stat"
}
wait_file() {
	for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	note "$1 never appeared"
	return 1
}
prop() { systemctl show -P "$2" "$1" 2>&1; }
unit() { # name, then the [Service] (or whole) body on stdin
	cat > "$UNITS/$1"
}

mkdir -p "$W" "$UNITS"

# Holds a private page of its domain; says where and whose it is.
cat > "$W/hold.sh" <<'EOF'
#!/bin/sh
exec 3<>/sys/kernel/debug/asi/test
echo alloc >&3; read addr <&3
echo owner $addr >&3; read owner <&3
echo "$addr $owner" > /run/asi-sd/$1.tmp; mv /run/asi-sd/$1.tmp /run/asi-sd/$1
exec sleep 600
EOF
# Reads a page: mapped in its view?, then the read itself.
cat > "$W/probe.sh" <<'EOF'
#!/bin/sh
exec 3<>/sys/kernel/debug/asi/test
echo mapped $1 >&3; read m <&3; echo $m > /run/asi-sd/$2.mapped
echo read $1 >&3; read v <&3; echo "$v" > /run/asi-sd/$2.read
# A refused read fails at once; the kill of the domain follows.
exec sleep 10
EOF
chmod +x "$W/hold.sh" "$W/probe.sh"

unit asi-a.service <<EOF
[Service]
Isolate=yes
IsolateEnforce=yes
IsolatePrivateObjects=cred pipe
ExecStart=$W/hold.sh a
EOF
unit asi-b.service <<EOF
[Service]
Isolate=yes
IsolateEnforce=yes
ExecStart=/bin/sh -c 'read addr owner < $W/a; exec $W/probe.sh \$addr b'
EOF
systemctl daemon-reload

systemctl start asi-a.service 2>> "$OUT" && wait_file "$W/a" &&
	is "$CG/system.slice/asi-a.service/asi.isolate" 1 &&
	is "$CG/system.slice/asi-a.service/asi.enforce" 1 &&
	is "$CG/system.slice/asi-a.service/asi.private_objects" "cred pipe" &&
	[ "$(cut -d' ' -f2 "$W/a")" = "$(stat_of system.slice/asi-a.service domain)" ] &&
	[ "$(stat_of system.slice/asi-a.service cred_objects)" -gt 0 ]
result $? "Isolate=yes: the service's cgroup is isolated with the unit's classes and enforcement; its page and creds are its domain's"
read addr owner < "$W/a"
note "asi-a.service holds $addr of domain $owner"

[ "$(prop asi-a.service Isolate)" = yes ] && [ "$(prop asi-a.service IsolateEnforce)" = yes ] &&
	[ "$(prop asi-a.service IsolatePrivateObjects)" = "cred pipe" ]
result $? "systemctl show: Isolate, IsolateEnforce, IsolatePrivateObjects"

systemctl start asi-b.service 2>> "$OUT"
for i in $(seq 50); do [ "$(prop asi-b.service ActiveState)" = failed ] && break; sleep 0.1; done
systemctl status --no-pager asi-b.service >> "$OUT" 2>&1
is "$W/b.mapped" 0 && ! grep -qi 5a5a "$W/b.read" 2>/dev/null &&
	[ "$(prop asi-b.service ActiveState)" = failed ] &&
	[ "$(prop asi-b.service Result)" = isolation-violation ] &&
	[ "$(prop asi-b.service ExecMainStatus)" = 9 ] &&
	[ "$(prop asi-a.service ActiveState)" = active ]
result $? "a second isolated service does not map the first's page; its read is refused, it ends failed with result isolation-violation (SIGKILL), the first runs on"

out=$(systemctl set-property --runtime asi-a.service Isolate=no 2>&1)
st=$?
note "$out"
[ $st -ne 0 ] && echo "$out" | grep -q "cannot change while its control group has processes" &&
	is "$CG/system.slice/asi-a.service/asi.isolate" 1 && [ "$(prop asi-a.service Isolate)" = yes ]
result $? "set-property Isolate=no on the running service is refused with the reason, nothing changes"

systemctl set-property --runtime asi-a.service IsolateEnforce=no 2>> "$OUT" &&
	for i in $(seq 20); do [ "$(cat "$CG/system.slice/asi-a.service/asi.enforce")" = 0 ] && break; sleep 0.1; done &&
	is "$CG/system.slice/asi-a.service/asi.enforce" 0
result $? "set-property IsolateEnforce=no on the running service applies at once"
systemctl stop asi-a.service asi-b.service 2>/dev/null
systemctl reset-failed 2>/dev/null

out=$(systemd-run -p Isolate=yes -p IsolatePrivateObjects=all --wait --pipe \
	sh -c 'cg=$(cut -d: -f3 /proc/self/cgroup); cat /sys/fs/cgroup$cg/asi.isolate /sys/fs/cgroup$cg/asi.private_objects' 2> "$W/run.err")
st=$?
note "$out"
cat "$W/run.err" >> "$OUT"
[ $st -eq 0 ] && [ "$(echo "$out" | head -1)" = 1 ] &&
	[ "$(echo "$out" | sed -n 2p)" = "cred file pipe sock netns key msg" ]
result $? "systemd-run -p Isolate=yes -p IsolatePrivateObjects=all --wait: the command runs isolated"

# A slice with Isolate=yes: one domain for all its services.
unit tenant-web.slice <<EOF
[Slice]
Isolate=yes
IsolateEnforce=yes
EOF
unit asi-s1.service <<EOF
[Service]
Slice=tenant-web.slice
ExecStart=$W/hold.sh s1
EOF
unit asi-s2.service <<EOF
[Service]
Slice=tenant-web.slice
ExecStart=/bin/sh -c 'read addr owner < $W/s1; exec $W/probe.sh \$addr s2'
EOF
systemctl daemon-reload
systemctl start asi-s1.service 2>> "$OUT" && wait_file "$W/s1" &&
	systemctl start asi-s2.service 2>> "$OUT" && wait_file "$W/s2.read" &&
	is "$CG/tenant.slice/tenant-web.slice/asi.isolate" 1 &&
	[ "$(cut -d' ' -f2 "$W/s1")" = "$(stat_of tenant.slice/tenant-web.slice domain)" ] &&
	is "$W/s2.mapped" 1 && is "$W/s2.read" 0x5a5a5a5a5a5a5a5a &&
	[ "$(prop asi-s1.service ActiveState)" = active ]
result $? "a slice with Isolate=yes is one domain: its services share the view and read each other's pages"
systemctl stop asi-s1.service asi-s2.service tenant-web.slice 2>/dev/null

# Bad values: the unit does not load, so it cannot start unisolated.
unit asi-bad1.service <<EOF
[Service]
Isolate=maybe
ExecStart=/bin/touch $W/bad1-ran
EOF
unit asi-bad2.service <<EOF
[Service]
Isolate=yes
IsolatePrivateObjects=cred bogus
ExecStart=/bin/touch $W/bad2-ran
EOF
systemctl daemon-reload
bad=0
for u in asi-bad1 asi-bad2; do
	[ "$(prop $u.service LoadState)" = bad-setting ] || { note "$u: $(prop $u.service LoadState)"; bad=1; }
	systemctl start $u.service 2>> "$OUT" && { note "$u started"; bad=1; }
	[ -e "$W/${u#asi-}-ran" ] && { note "$u ran"; bad=1; }
done
journalctl --no-pager -b | grep -E "Isolate=|IsolatePrivateObjects=" | tail -2 >> "$OUT"
journalctl --no-pager -b | grep -q "Failed to parse boolean value for Isolate=, refusing: maybe" || { note "no log of Isolate=maybe"; bad=1; }
result $bad "Isolate=maybe and an unknown class: the unit is bad-setting and never runs"

bad=0
systemd-run -p Isolate=maybe true >> "$OUT" 2>&1 && { note "systemd-run took Isolate=maybe"; bad=1; }
out=$(systemd-run -p Isolate=yes -p IsolatePrivateObjects=bogus true 2>&1) && { note "systemd-run took a bad class"; bad=1; }
note "$out"
echo "$out" | grep -q "Invalid object class list" || bad=1
result $bad "systemd-run refuses Isolate=maybe and an unknown class with a message"

# The controller by name: Delegate=asi gives a unit asi on its cgroup for
# its own subtree; DisableControllers=asi on a slice keeps asi from its
# members, so one asking for Isolate=yes fails to start, closed.
unit asi-nodelegate.slice <<EOF
[Slice]
DisableControllers=asi
EOF
unit asi-noasi.service <<EOF
[Service]
Slice=asi-nodelegate.slice
Isolate=yes
ExecStart=/bin/touch $W/noasi-ran
EOF
systemctl daemon-reload
bad=0
out=$(systemd-run -p Delegate=asi --wait --pipe sh -c 'cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/asi.isolate' 2> "$W/run.err")
[ "$out" = 0 ] || { note "Delegate=asi: '$out'"; cat "$W/run.err" >> "$OUT"; bad=1; }
systemctl start asi-noasi.service 2>> "$OUT" && { note "asi-noasi started"; bad=1; }
[ -e "$W/noasi-ran" ] && { note "asi-noasi ran"; bad=1; }
journalctl --no-pager -b -u asi-noasi.service -o cat | grep "refusing to start unisolated" >> "$OUT" ||
	{ note "no refusal logged"; bad=1; }
[ "$(prop asi-noasi.service Result)" = resources ] || { note "result $(prop asi-noasi.service Result)"; bad=1; }
result $bad "Delegate=asi puts asi on the unit's cgroup; under DisableControllers=asi an Isolate=yes unit fails closed"
systemctl stop asi-nodelegate.slice 2>/dev/null

# systemd's own unit tests of what the patch touches, with systemd booted.
bad=0
for t in test-cgroup-mask test-cgroup-util; do
	SYSTEMD_TEST_DATA=/usr/lib/systemd/tests/testdata \
		/usr/lib/systemd/tests/$t > "$W/$t.log" 2>&1 || { note "$t failed"; bad=1; }
	grep -i "skipping" "$W/$t.log" >> "$OUT" && { note "$t skipped cases"; bad=1; }
done
tail -5 "$W/test-cgroup-mask.log" >> "$OUT"
result $bad "systemd's test-cgroup-mask (isolate_mask, asi_object_classes, cg_mask_to_string) and test-cgroup-util pass"

rm -f "$UNITS"/asi-* "$UNITS"/tenant-web.slice
systemctl daemon-reload
ktap_finished
