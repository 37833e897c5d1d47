#!/bin/sh
# The scripted demonstration run by 'make demo' inside the guest.  Each
# step says what it does, then shows the real output.

. /guest/demo-lib.sh

# Run one test-helper command from a new process in cgroup $1.
as_tenant() {
	sh -c "echo \$\$ > $CG/$1/cgroup.procs 2>/dev/null; exec 3<>$HELPER
		echo '$2' >&3 || exit 1; read -r r <&3; echo \"\$r\"" 2>&1
}
as_host() {
	sh -c "exec 3<>$HELPER; echo '$1' >&3 || exit 1; read -r r <&3; echo \"\$r\""
}

step "The kernel we booted"
show "uname -r -v"
show "grep -c ^processor /proc/cpuinfo"

step "cgroup v2 and its controllers (asi among them)"
show "mount | grep cgroup2"
show "cat $CG/cgroup.controllers"

step "Two tenants, each in its own isolated cgroup; tenant-b enforces"
show "echo '+asi +pids +memory' > $CG/cgroup.subtree_control"
show "mkdir $CG/tenant-a $CG/tenant-b"
show "echo 1 > $CG/tenant-a/asi.isolate; echo 1 > $CG/tenant-b/asi.isolate"
show "echo 1 > $CG/tenant-b/asi.enforce"
show "grep . $CG/tenant-*/asi.isolate $CG/tenant-*/asi.enforce"

step "Tenant A keeps a secret (0x42 bytes) in its private kernel memory"
sh -c "echo \$\$ > $CG/tenant-a/cgroup.procs
	exec 3<>$HELPER
	echo alloc >&3
	read -r addr <&3
	echo \"write \$addr 0x42\" >&3
	echo \"\$addr\" > /tmp/secret.addr
	exec sleep 100000" &
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /tmp/secret.addr ] && break
	sleep 0.2
done
addr=$(cat /tmp/secret.addr)
echo "secret at $addr (ASI slot alias of a page removed from the direct map)"
show "cat $CG/tenant-a/asi.stat"

step "Which views map the secret (walk of each task's live CR3)"
echo "host (full view):     mapped=$(as_host "mapped $addr")"
echo "tenant-a (own view):  mapped=$(as_tenant tenant-a "mapped $addr")"
echo "tenant-b (its view):  mapped=$(as_tenant tenant-b "mapped $addr")"
echo "kernel direct map:    present=$(as_host "directmap $addr")"

step "Tenant B tries to read tenant A's secret"
echo "tenant-b reads $addr: $(as_tenant tenant-b "read $addr")"
sleep 1
show "dmesg | grep 'asi: violation' | tail -1"
show "cat $CG/tenant-b/asi.events"
show "cat $CG/tenant-b/cgroup.procs | wc -l"

step "The host still reads it (trusted), and tenant A is unharmed"
echo "host reads $addr: $(as_host "read $addr")"
show "cat $CG/tenant-a/cgroup.procs | wc -l"

# Print the 8 bytes of a little-endian hex word as text.
word_text() {
	v=$1 i=0
	while [ $i -lt 8 ]; do
		b=$(( (v >> (8 * i)) & 255 ))
		[ $b -ge 32 ] && [ $b -lt 127 ] && printf "\\$(printf %o $b)" || printf .
		i=$((i + 1))
	done
}

step "Tenant A makes its kernel objects private: creds, files, pipes, sockets, ..."
show "echo 'cred file pipe sock netns key msg' > $CG/tenant-a/asi.private_objects"
show "cat $CG/tenant-a/asi.private_objects"

step "Tenant A writes a password into a pipe and keeps it there"
mkfifo /tmp/tenant-a.fifo
sh -c "echo \$\$ > $CG/tenant-a/cgroup.procs
	exec 4<>/tmp/tenant-a.fifo
	echo 'tenant-a: my password is hunter2' >&4
	exec 3<>$HELPER
	echo 'pipe 4' >&3
	read -r pipe bufs page <&3
	echo \"\$pipe \$bufs \$page\" > /tmp/pipe.addr
	exec sleep 100000" &
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /tmp/pipe.addr ] && break
	sleep 0.2
done
read -r pipe bufs page < /tmp/pipe.addr
echo "pipe_inode_info at $pipe, buffers at $bufs, data page at $page"
show "grep -E '^(pipe|file|cred)_' $CG/tenant-a/asi.stat"
show "grep -E '^(pipe|filp|cred)[-@][^ ]*asi' /proc/slabinfo | cut -c1-60"

step "Which views map the pipe's data page"
echo "host (full view):     mapped=$(as_host "mapped $page")"
echo "tenant-a (own view):  mapped=$(as_tenant tenant-a "mapped $page")"
echo "tenant-b (its view):  mapped=$(as_tenant tenant-b "mapped $page")"
echo "kernel direct map:    present=$(as_host "directmap $page")"

step "Tenant B tries to read tenant A's pipe data"
echo "tenant-b reads $page: $(as_tenant tenant-b "read $page")"
sleep 1
show "dmesg | grep 'asi: violation' | tail -1"
show "grep violations $CG/tenant-b/asi.events"

step "The host's read through the alias shows what was protected"
v=$(as_host "read $page")
echo "host reads $page: $v = \"$(word_text "$v")\""

step "Tenant A reads its own pipe: the data is intact"
show "sh -c 'echo \$\$ > $CG/tenant-a/cgroup.procs; head -n 1 < /tmp/tenant-a.fifo'"

step "The same with asictl: the domains, a tenant started in a fresh isolated cgroup"
show "asictl list"
show "asictl run --name tenant-c --objects all -- sh -c 'cat /proc/self/cgroup; cat $CG/tenant-c/asi.private_objects'"

step "asictl watch catches a violation the moment it happens"
show "asictl isolate --create --enforce tenant-d"
asictl watch tenant-d > /tmp/watch.log 2>&1 &
watcher=$!
sleep 0.5
echo "a task of tenant-d reads tenant A's secret at $addr"
sh -c "echo \$\$ > $CG/tenant-d/cgroup.procs; echo 'read $addr' > $HELPER" 2>/dev/null
sleep 0.5
for i in 1 2 3 4 5 6 7 8 9 10; do rmdir $CG/tenant-d 2>/dev/null && break; sleep 0.2; done
wait $watcher
show "cat /tmp/watch.log"

step "asictl run reports a tenant asi killed, with the shell's status for SIGKILL"
show "asictl run --enforce --name tenant-e -- sh -c 'echo read $addr > $HELPER; sleep 5; echo not reached'; echo status \$?"

step "A crun container isolated by its own config.json"
mkdir -p /tmp/web /tmp/evil
jq '.root.path = "/oci/bundle/rootfs" | .process.args = ["sleep", "600"]
	| .linux.cgroupsPath = "/containers/web"
	| .linux.resources.unified = {"asi.isolate": "1", "asi.enforce": "1",
				      "asi.private_objects": "cred file pipe sock netns key msg"}' \
	/oci/bundle/config.json > /tmp/web/config.json
show "jq -M -c .linux.resources.unified /tmp/web/config.json"
show "crun run -d --no-pivot -b /tmp/web web"
show "crun state web | jq -M -c '{status, pid}'"
show "cat $CG/containers/web/asi.isolate $CG/containers/web/asi.private_objects"

step "A second container reads tenant A's secret: crun reports it killed"
jq --arg addr "$addr" '.root.path = "/oci/bundle/rootfs"
	| .process.args = ["sh", "-c", "echo read \($addr) > /sys/kernel/debug/asi/test; sleep 5; echo not reached"]
	| .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])
	| .mounts += [{destination: "/sys/kernel/debug", type: "bind",
		       source: "/sys/kernel/debug", options: ["rbind", "rw"]}]
	| .linux.cgroupsPath = "/containers/evil"
	| .linux.resources.unified = {"asi.isolate": "1", "asi.enforce": "1"}' \
	/oci/bundle/config.json > /tmp/evil/config.json
show "crun create --no-pivot -b /tmp/evil evil; crun start evil; sleep 1"
show "crun state evil | jq -M -r .status"
show "grep violations $CG/containers/evil/asi.events"
show "crun delete evil"
show "crun run --no-pivot -b /tmp/evil evil; echo status \$?"
show "crun state web | jq -M -r .status"
crun delete -f web
rmdir $CG/containers

step "Clean up: when tenant A goes, its block is zeroed and returned"
echo 1 > $CG/tenant-a/cgroup.kill
sleep 1
rmdir $CG/tenant-a $CG/tenant-b
rm -f /tmp/tenant-a.fifo
sleep 1
show "cat /sys/kernel/debug/asi/domains"
echo
echo "demo: done"
