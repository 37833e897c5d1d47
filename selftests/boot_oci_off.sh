#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in a guest booted with asi=off: a container whose config.json asks
# for asi.isolate does not start, with crun or with runc (fail closed): the
# runtime names the key, its command never runs, no cgroup is left behind;
# without the key the same container runs.

CG=/sys/fs/cgroup
n=0
failed=0
echo "TAP version 13"
echo "1..4"

mkdir -p /tmp/oci-off/share
for rt in crun runc; do
	n=$((n + 1))
	jq --arg cg "/oci-off-$rt" '.root.path = "/oci/bundle/rootfs"
		| .process.args = ["touch", "/share/ran"]
		| .linux.cgroupsPath = $cg
		| .linux.resources.unified = {"asi.isolate": "1"}
		| .mounts += [{ destination: "/share", type: "bind",
			source: "/tmp/oci-off/share", options: ["rbind", "rw"] }]' \
		/oci/bundle/config.json > /tmp/oci-off/config.json
	"$rt" run --no-pivot -b /tmp/oci-off "off-$rt" > /tmp/oci-off/out 2>&1
	st=$?
	if [ $st -ne 0 ] && grep -q "asi" /tmp/oci-off/out &&
	   [ ! -e /tmp/oci-off/share/ran ] && [ ! -d "$CG/oci-off-$rt" ]; then
		echo "ok $n $rt: a container asking for asi.isolate does not start (exit $st)"
	else
		echo "not ok $n $rt: exit $st"
		failed=$((failed + 1))
	fi
	sed 's/^/# /' /tmp/oci-off/out
	"$rt" delete -f "off-$rt" > /dev/null 2>&1

	# The same container without the key runs: the refusal was asi's.
	n=$((n + 1))
	jq 'del(.linux.resources.unified)' /tmp/oci-off/config.json > /tmp/oci-off/plain.json &&
		mv /tmp/oci-off/plain.json /tmp/oci-off/config.json
	if "$rt" run --no-pivot -b /tmp/oci-off "off-$rt" > /tmp/oci-off/out 2>&1 &&
	   [ -e /tmp/oci-off/share/ran ]; then
		echo "ok $n $rt: without asi.isolate the same container runs"
	else
		echo "not ok $n $rt: the control container did not run"
		sed 's/^/# /' /tmp/oci-off/out
		failed=$((failed + 1))
	fi
	rm -f /tmp/oci-off/share/ran
done
[ "$failed" -eq 0 ]
