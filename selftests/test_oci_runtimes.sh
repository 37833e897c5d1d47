#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# crun and runc (Debian 12's, with the patch of cgroupfs-tools/oci/ that
# writes asi.isolate before the container's init joins its cgroup) run
# containers whose config.json sets asi.isolate, asi.enforce and
# asi.private_objects in linux.resources.unified.  For each runtime: two
# containers isolated from each other, each tenant exec'ing busybox in its
# own domain; one holds a private page, the other does not map it and is
# killed when it reads it; what the runtime reports (state, exit status);
# the victim untouched; a change of isolation while running refused; bad
# input refused before anything runs.
#
# The attack uses the asi test helper (debugfs, CAP_SYS_ADMIN) as the
# stand-in for a kernel bug that reads arbitrary kernel memory, so the
# attacking containers get CAP_SYS_ADMIN and /sys/kernel/debug.

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
SHARE=/tmp/oci-share
WORK=/tmp/oci

ktap_print_header
asi_require helper
ktap_set_plan 17

is() { # cgroup-file expected
	[ "$(cat "$CG/$1" 2>&1)" = "$2" ] ||
		{ note "$1 is '$(cat "$CG/$1" 2>&1)', not '$2'"; return 1; }
}

# bundle ID UNIFIED-JSON CMD...: a bundle in $WORK/ID from the build's
# /oci/bundle, running CMD, cgroup /oci/ID, the given unified keys.
bundle() {
	id=$1 unified=$2
	shift 2
	mkdir -p "$WORK/$id"
	# Each argument as a JSON string (jq would take "-c" for its own).
	args=$(for a in "$@"; do printf '%s' "$a" | jq -Rs .; done | jq -cs .)
	jq --arg cg "/oci/$id" --argjson unified "$unified" --argjson args "$args" '
		.root.path = "/oci/bundle/rootfs"
		| .process.args = $args
		| .linux.cgroupsPath = $cg
		| .linux.resources.unified = $unified
		| .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])
		| .mounts += [
			{ destination: "/sys/kernel/debug", type: "bind",
			  source: "/sys/kernel/debug", options: ["rbind", "rw"] },
			{ destination: "/share", type: "bind",
			  source: "'"$SHARE"'", options: ["rbind", "rw"] } ]' \
		/oci/bundle/config.json > "$WORK/$id/config.json"
}

# state RT ID: the container's status as the runtime reports it.
state() { "$1" state "$2" 2>/dev/null | jq -r .status; }

# leaked NAME: whether the attacker NAME wrote down the secret.
leaked() {
	grep -qi 5a5a "$SHARE/$1.leaked" 2>/dev/null || return 1
	note "$1 read the secret: $(cat "$SHARE/$1.leaked")"
}

wait_file() { # path
	for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	note "$1 never appeared"
	return 1
}

wait_state() { # runtime id status
	for i in $(seq 100); do [ "$(state "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
	note "$1 state $2: '$(state "$1" "$2")', not '$3'"
	return 1
}

cleanup() {
	for rt in crun runc; do
		for id in $("$rt" list -q 2>/dev/null); do
			"$rt" delete -f "$id" > /dev/null 2>&1
		done
	done
	for d in "$CG"/oci/*/ "$CG/oci"; do
		[ -d "$d" ] || continue
		echo 1 > "$d/cgroup.kill" 2>/dev/null
		for i in $(seq 20); do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
	done
	rm -rf "$WORK" "$SHARE"
}

# The private page of container $rt-a, read with the test helper.
HOLD='exec 3<>/sys/kernel/debug/asi/test; echo alloc >&3; read addr <&3;
	echo $addr > /share/addr.tmp; mv /share/addr.tmp /share/addr; exec sleep 600'
# mapped and read of $1 in one open of the helper; a line each to /share.
# The refused read fails (EFAULT) and the kill of the container follows
# from a work item: the shell may still write what it got before the kill
# lands, so the tests look for the secret (the page is full of 0x5a), not
# for the file, and the attacker waits to be killed rather than exit.
ATTACK='exec 3<>/sys/kernel/debug/asi/test; echo mapped $1 >&3; read m <&3;
	echo $m > /share/$2.mapped; echo read $1 >&3; read v <&3;
	echo "$v" > /share/$2.leaked; exec sleep 10'
CLASSES="cred file pipe sock netns key msg"
ISOLATED='{"asi.isolate": "1", "asi.enforce": "1", "asi.private_objects": "'"$CLASSES"'"}'

cleanup
mkdir -p "$WORK" "$SHARE"

for rt in crun runc; do
	rm -f "$SHARE"/*

	# A container without asi keys, with a seccomp filter: what the
	# guest kernel must offer every runtime (cgroup BPF for the device
	# controller, seccomp).
	bundle "$rt-plain" '{}' sh -c 'mkdir /tmp/x 2>/dev/null || echo refused;
		echo "$(cat /proc/self/cgroup)"'
	jq '.linux.seccomp = { defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [ { names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO" } ] }' \
		"$WORK/$rt-plain/config.json" > "$WORK/config.tmp" &&
		mv "$WORK/config.tmp" "$WORK/$rt-plain/config.json"
	"$rt" run --no-pivot -b "$WORK/$rt-plain" "$rt-plain" > "$WORK/plain.out" 2>> "$OUT"
	st=$?
	cat "$WORK/plain.out" >> "$OUT"
	[ $st -eq 0 ] && grep -qx refused "$WORK/plain.out" &&
		grep -qx "0::/oci/$rt-plain" "$WORK/plain.out"
	result $? "$rt: a plain container runs, with a seccomp filter and the device controller"

	# Container A: isolated by its config, holding a private page.
	bundle "$rt-a" "$ISOLATED" sh -c "$HOLD"
	"$rt" run -d --no-pivot -b "$WORK/$rt-a" "$rt-a" > /dev/null 2>> "$OUT" &&
		wait_file "$SHARE/addr" && wait_state "$rt" "$rt-a" running &&
		is "oci/$rt-a/asi.isolate" 1 && is "oci/$rt-a/asi.enforce" 1 &&
		is "oci/$rt-a/asi.private_objects" "$CLASSES" &&
		grep -qx "0::/oci/$rt-a" "/proc/$("$rt" state "$rt-a" | jq .pid)/cgroup"
	result $? "$rt: linux.resources.unified isolates the container (asi.isolate, enforce, every class)"
	addr=$(cat "$SHARE/addr" 2>/dev/null)
	note "container $rt-a holds a private page at $addr"

	# Container B, started with create/start: does not map A's page,
	# reads it, is killed with its whole cgroup; the runtime says stopped.
	bundle "$rt-b" "$ISOLATED" sh -c "$ATTACK" sh "$addr" "$rt-b"
	"$rt" create --no-pivot -b "$WORK/$rt-b" "$rt-b" > /dev/null 2>> "$OUT" &&
		"$rt" start "$rt-b" 2>> "$OUT" && wait_state "$rt" "$rt-b" stopped &&
		[ "$(cat "$SHARE/$rt-b.mapped")" = 0 ] && ! leaked "$rt-b" &&
		grep -qx "violations 1" "$CG/oci/$rt-b/asi.events"
	result $? "$rt: container B does not map A's page; its read is refused, B stopped, the violation counted"
	"$rt" state "$rt-b" >> "$OUT" 2>&1

	"$rt" delete "$rt-b" 2>> "$OUT" && [ ! -d "$CG/oci/$rt-b" ]
	result $? "$rt: delete of the killed container removes its cgroup"

	# The same attack with run: the runtime's exit status says SIGKILL.
	bundle "$rt-c" "$ISOLATED" sh -c "$ATTACK" sh "$addr" "$rt-c"
	"$rt" run --no-pivot -b "$WORK/$rt-c" "$rt-c" > /dev/null 2>> "$OUT"
	st=$?
	note "$rt run $rt-c: exit status $st"
	[ $st -eq 137 ] && ! leaked "$rt-c"
	result $? "$rt: run of an attacking container exits 137 (killed by asi), nothing read"

	# A is untouched: still running; a process exec'd into it maps and
	# reads its page (exec joins the container's cgroup, so its domain).
	"$rt" exec "$rt-a" sh -c 'exec 3<>/sys/kernel/debug/asi/test;
		echo mapped $1 >&3; read m <&3; echo read $1 >&3; read v <&3; echo $m $v' \
		sh "$addr" > "$WORK/a.out" 2>> "$OUT"
	cat "$WORK/a.out" >> "$OUT"
	[ "$(state "$rt" "$rt-a")" = running ] && grep -qx "1 0x5a5a5a5a5a5a5a5a" "$WORK/a.out" &&
		grep -qx "violations 0" "$CG/oci/$rt-a/asi.events"
	result $? "$rt: the victim runs on; exec into it maps and reads its own page"

	# Isolation of a running container cannot change: the runtime's update
	# fails with the kernel's EBUSY and nothing changes.
	echo '{"unified": {"asi.isolate": "0"}}' > "$WORK/update.json"
	! "$rt" update -r "$WORK/update.json" "$rt-a" > "$WORK/update.out" 2>&1 &&
		grep -qi "busy" "$WORK/update.out" && is "oci/$rt-a/asi.isolate" 1
	st=$?
	cat "$WORK/update.out" >> "$OUT"
	result $st "$rt: update of asi.isolate on the running container is refused (EBUSY)"

	"$rt" delete -f "$rt-a" 2>> "$OUT" && [ ! -d "$CG/oci/$rt-a" ]
	result $? "$rt: delete -f of the victim removes its cgroup"
done

# Bad input: an unknown class; the container never runs (shown for both
# runtimes by the file it would create), no cgroup is left behind.
bad=0
for rt in crun runc; do
	bundle "$rt-bad" '{"asi.isolate": "1", "asi.private_objects": "cred nosuch"}' \
		touch /share/ran
	if "$rt" run --no-pivot -b "$WORK/$rt-bad" "$rt-bad" > "$WORK/bad.out" 2>&1; then
		note "$rt ran a container with an unknown class"
		bad=1
	fi
	cat "$WORK/bad.out" >> "$OUT"
	grep -q "asi.private_objects" "$WORK/bad.out" || { note "$rt: no word of the key"; bad=1; }
	[ -e "$SHARE/ran" ] && { note "$rt: the container ran"; bad=1; }
	[ -d "$CG/oci/$rt-bad" ] && { note "$rt: cgroup left behind"; bad=1; }
	"$rt" delete -f "$rt-bad" > /dev/null 2>&1
done
result $bad "crun, runc: an unknown class in asi.private_objects: refused, nothing ran"

cleanup
ktap_finished
