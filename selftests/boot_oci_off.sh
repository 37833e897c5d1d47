#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in a guest booted with asi=off: a container whose config.json asks
# for asi.isolate does not start, with crun or with runc (fail closed): the
# runtime names the key, its command never runs, no cgroup is left behind;
# without the key the same container runs.

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
B=/tmp/oci-off
ktap_print_header
ktap_set_plan 4

mkdir -p "$B/share"
for rt in crun runc; do
	jq --arg cg "/oci-off-$rt" '.root.path = "/oci/bundle/rootfs"
		| .process.args = ["touch", "/share/ran"]
		| .linux.cgroupsPath = $cg
		| .linux.resources.unified = {"asi.isolate": "1"}
		| .mounts += [{ destination: "/share", type: "bind",
			source: "/tmp/oci-off/share", options: ["rbind", "rw"] }]' \
		/oci/bundle/config.json > "$B/config.json"
	"$rt" run --no-pivot -b "$B" "off-$rt" > "$B/out" 2>&1
	st=$?
	sed 's/^/# /' "$B/out"
	[ $st -ne 0 ] && grep -q "asi" "$B/out" && [ ! -e "$B/share/ran" ] &&
		[ ! -d "$CG/oci-off-$rt" ]
	result $? "$rt: a container asking for asi.isolate does not start (exit $st)"
	"$rt" delete -f "off-$rt" > /dev/null 2>&1

	# The same container without the key runs: the refusal was asi's.
	jq 'del(.linux.resources.unified)' "$B/config.json" > "$B/plain.json" &&
		mv "$B/plain.json" "$B/config.json"
	"$rt" run --no-pivot -b "$B" "off-$rt" >> "$OUT" 2>&1 && [ -e "$B/share/ran" ]
	result $? "$rt: without asi.isolate the same container runs"
	rm -f "$B/share/ran"
done
ktap_finished
