#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's libcgroup tools (cgroup-tools 2.0.2) drive asi as they drive
# any cgroup v2 controller: cgcreate, cgset, cgget, cgexec, cgclassify,
# cgdelete, and cgconfigparser with a cgconfig.conf that isolates a group
# with private object classes.  No patch is needed.

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
ktap_print_header
asi_require
ktap_set_plan 8

is() { [ "$(cat "$CG/$1")" = "$2" ] || { echo "# $1 is '$(cat "$CG/$1")', not '$2'" >> "$OUT"; return 1; }; }
cleanup() {
	for g in lc_a lc_conf; do
		[ -d "$CG/$g" ] || continue
		echo 1 > "$CG/$g/cgroup.kill"
		for i in 1 2 3 4 5 6 7 8 9 10; do rmdir "$CG/$g" 2>/dev/null && break; sleep 0.2; done
	done
}
cleanup

cgcreate -g asi:/lc_a > "$OUT" 2>&1 && [ -f "$CG/lc_a/asi.isolate" ]
result $? "cgcreate -g asi:/lc_a"

cgset -r "asi.private_objects=cred pipe" -r asi.enforce=1 lc_a > "$OUT" 2>&1 &&
	cgset -r asi.isolate=1 lc_a >> "$OUT" 2>&1 && is lc_a/asi.isolate 1 &&
	is lc_a/asi.enforce 1 && is lc_a/asi.private_objects "cred pipe"
result $? "cgset: classes and enforce, then isolate"

cgget -g asi lc_a > "$OUT" 2>&1 && grep -q "^asi.isolate: 1" "$OUT" &&
	grep -q "^asi.private_objects: cred pipe" "$OUT" && grep -q "^asi.stat:" "$OUT" &&
	[ "$(cgget -n -v -r asi.enforce lc_a)" = 1 ]
result $? "cgget -g asi, cgget -n -v -r"

cgset -r asi.isolate=2 lc_a > "$OUT" 2>&1
st=$?
[ $st -ne 0 ] && is lc_a/asi.isolate 1
result $? "cgset of a bad value fails (status $st) and changes nothing"

cgexec -g asi:lc_a cat /proc/self/cgroup > "$OUT" 2>&1 && grep -qx "0::/lc_a" "$OUT"
result $? "cgexec -g asi:lc_a runs the command in the isolated group"

sleep 30 &
pid=$!
cgclassify -g asi:lc_a $pid > "$OUT" 2>&1 && grep -qx "0::/lc_a" /proc/$pid/cgroup
result $? "cgclassify moves a process into it"
kill $pid
wait $pid 2>/dev/null

cat > /tmp/cgconfig.conf <<'CONF'
# A tenant isolated at boot, with private creds, files and pipes.
group lc_conf {
	asi {
		asi.private_objects = "cred file pipe";
		asi.enforce = 1;
		asi.isolate = 1;
	}
}
CONF
cgconfigparser -l /tmp/cgconfig.conf > "$OUT" 2>&1 && is lc_conf/asi.isolate 1 &&
	is lc_conf/asi.enforce 1 && is lc_conf/asi.private_objects "cred file pipe"
result $? "cgconfigparser with a cgconfig.conf that isolates a group"

for i in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(cat $CG/lc_a/cgroup.procs)" ] && break; sleep 0.2; done
cgdelete -g asi:lc_a > "$OUT" 2>&1 && cgdelete -g asi:lc_conf >> "$OUT" 2>&1 &&
	[ ! -e "$CG/lc_a" ] && [ ! -e "$CG/lc_conf" ]
result $? "cgdelete"

cleanup
ktap_finished
