#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Soak (make soak): for SOAK_SECONDS (default 300), stress-ng with every
# object class private runs in two domains, one enforcing, on both vCPUs,
# while a churner creates, isolates, populates and removes domains,
# changes their classes and flips asi.enforce under load, and the two
# stress domains get their classes and enforce flipped too.  Afterwards
# nothing may be left behind: no domain, live or dying, no clone cache, no
# block that was not zeroed and given back to the direct map, and the
# direct map is as before (never split to 4 KiB, every page mapped).

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
ALL="cred file pipe sock netns key msg"
T=${SOAK_SECONDS:-300}
DOMAINS=/sys/kernel/debug/asi/domains

ktap_print_header
asi_require helper
ktap_set_plan 6

directmap() { grep '^DirectMap' /proc/meminfo | tr -s ' ' | tr '\n' ' '; }
dm_4k() { sed -n 's/^DirectMap4k: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
dm_total() { awk '/^DirectMap/ { s += $2 } END { print s }' /proc/meminfo; }
clones() { ls /sys/kernel/slab 2>/dev/null | grep -c '@asi'; }
# One test-helper command; its result (a write rewinds the file).
helper() { exec 3<> /sys/kernel/debug/asi/test; echo "$1" >&3; read -r r <&3; exec 3>&-; echo "$r"; }

before_map=$(directmap)
before_4k=$(dm_4k)
before_total=$(dm_total)
for g in soak_a soak_b; do
	mkdir "$CG/$g" && echo "$ALL" > "$CG/$g/asi.private_objects" &&
		echo 1 > "$CG/$g/asi.isolate"
done
# The test helper answers once asi is active (a domain exists).
read -r rel0 dirty0 unmapped0 <<EOF
$(helper released)
EOF
note "before: $before_map; blocks released ${rel0:=0}"
echo 1 > "$CG/soak_b/asi.enforce"
port=5000
for g in soak_a soak_b; do
	(
		echo 0 > "$CG/$g/cgroup.procs"
		exec stress-ng --pipe 1 --sock 1 --sock-port $port --fork 1 --key 1 \
			--msg 1 --timeout "${T}s" --metrics-brief
	) > "/tmp/$g.out" 2>&1 &
	port=$((port + 1000))
done

# The churner, until the time is up.
end=$(($(date +%s) + T))
cycles=0 errors=0
while [ "$(date +%s)" -lt "$end" ]; do
	c="$CG/soak_c$cycles"
	mkdir "$c" || { errors=$((errors + 1)); continue; }
	classes=""
	for k in $ALL; do [ $((RANDOM % 2)) -eq 0 ] && classes="$classes $k"; done
	echo "$classes" > "$c/asi.private_objects" && echo $((RANDOM % 2)) > "$c/asi.enforce" &&
		echo 1 > "$c/asi.isolate" || errors=$((errors + 1))
	sh -c "echo 0 > $c/cgroup.procs; echo x | cat > /dev/null; sleep 0.2" &
	pid=$!
	echo pipe > "$c/asi.private_objects"
	echo $((RANDOM % 2)) > "$c/asi.enforce"
	# The stress domains, under load.
	g=soak_$(printf '%s' ab | cut -c$((RANDOM % 2 + 1)))
	[ $((RANDOM % 2)) -eq 0 ] && echo "$ALL" > "$CG/$g/asi.private_objects" ||
		echo "cred pipe sock" > "$CG/$g/asi.private_objects"
	wait $pid
	[ $((RANDOM % 2)) -eq 0 ] && echo 0 > "$c/asi.isolate"
	rmdir "$c" || errors=$((errors + 1))
	cycles=$((cycles + 1))
done
wait

[ "$errors" -eq 0 ] && [ "$cycles" -gt 0 ] &&
	grep -q "successful run completed" /tmp/soak_a.out &&
	grep -q "successful run completed" /tmp/soak_b.out
st=$?
note "$cycles churn cycles, $errors errors; violations $(grep violations "$CG"/soak_[ab]/asi.events | tr '\n' ' ')"
for g in soak_a soak_b; do
	grep -E "^stress-ng: (info|fail|error)" "/tmp/$g.out" | tail -8 | sed "s/^/$g: /" >> "$OUT"
done
cp "$OUT" /tmp/soak-seen
result $st "${T}s of stress-ng in two domains with $cycles domains churned beside them"
sed 's/^/# /' /tmp/soak-seen

for g in soak_a soak_b; do echo 1 > "$CG/$g/cgroup.kill"; done
for i in $(seq 200); do
	rmdir "$CG"/soak_a "$CG"/soak_b 2>/dev/null
	[ -d "$CG/soak_a" ] || [ -d "$CG/soak_b" ] || break
	sleep 0.1
done
for i in $(seq 600); do
	[ "$(grep -c '^domain' $DOMAINS)" -eq 0 ] && break
	sleep 0.2
done
grep '^domain\|^dying' $DOMAINS > "$OUT"
[ "$(grep -c '^domain' $DOMAINS)" -eq 0 ] && grep -qx 'dying 0' $DOMAINS
result $? "no domain is left, live or dying"

n=$(clones)
note "clone caches left: $n"
[ "$n" -eq 0 ]
result $? "no clone cache is left"

read -r rel dirty unmapped <<EOF
$(helper released)
EOF
note "blocks released $rel0 -> $rel, not zeroed $dirty, not mapped again $unmapped"
[ "$rel" -gt "$rel0" ] && [ "$dirty" -eq 0 ] && [ "$unmapped" -eq 0 ]
result $? "every block went back zeroed and mapped ($((rel - rel0)) blocks)"

note "before: $before_map"
note "after:  $(directmap)"
[ "$(dm_4k)" = "$before_4k" ] && [ "$(dm_total)" = "$before_total" ]
result $? "the direct map is whole: never split to 4 KiB, all of it mapped"

# The kernel still isolates: a new domain gets a private page.
mkdir "$CG/soak_d" && echo 1 > "$CG/soak_d/asi.isolate" &&
	sh -c "echo 0 > $CG/soak_d/cgroup.procs; exec 3<> /sys/kernel/debug/asi/test; echo alloc >&3; read -r a <&3; echo \$a" > "$OUT" 2>&1 &&
	grep -q '^0x' "$OUT"
st=$?
rmdir "$CG/soak_d"
result $st "afterwards a new domain isolates and gets private memory"

ktap_finished
