#!/bin/sh
# Guest side of 'make bench': run every case and workload and print one
# "BENCH {json}" line per measurement.  Parameters come from the kernel
# command line: asi_bench=quick|full, asi_bench_icount=0|1 (the guest runs
# under QEMU -icount: nanoseconds are instructions; stress-ng is skipped).

CG=/sys/fs/cgroup
mode=quick icount=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	asi_bench=*) mode=${arg#asi_bench=} ;;
	asi_bench_icount=*) icount=${arg#asi_bench_icount=} ;;
	esac
done

if [ "$mode" = full ]; then
	scale=5 seconds=5 repeats=3
else
	scale=1 seconds=2 repeats=1
fi
pti=off
grep -qw pti /proc/cpuinfo && pti=on
if grep -qw asi $CG/cgroup.controllers; then
	kernel=asi cases="host cross same cross-private same-private"
	echo +asi > $CG/cgroup.subtree_control
else
	kernel=baseline cases="host"
fi

emit() { # case json
	echo "BENCH {\"kernel\": \"$kernel\", \"pti\": \"$pti\", \"icount\": $icount, \"case\": \"$1\", $2"
}

meminfo_json() {
	awk '/^DirectMap/ { gsub(":", "", $1); printf "%s\"%s_kb\": %s", sep, $1, $2; sep = ", " }' /proc/meminfo
}

ALL_CLASSES="cred file pipe sock netns key msg"

# Cgroups of a case: A and B (B may equal A).  *-private: every class of
# kernel objects private (asi.private_objects).
setup_case() {
	mkdir -p $CG/bench-a $CG/bench-b
	case "$1" in
	cross*) echo 1 > $CG/bench-a/asi.isolate; echo 1 > $CG/bench-b/asi.isolate
	       A=$CG/bench-a B=$CG/bench-b ;;
	same*) echo 1 > $CG/bench-a/asi.isolate
	       A=$CG/bench-a B=$CG/bench-a ;;
	*)     A=$CG/bench-a B=$CG/bench-b ;;
	esac
	case "$1" in
	*-private)
		for cg in $CG/bench-a $CG/bench-b; do
			[ "$(cat $cg/asi.isolate)" = 1 ] &&
				echo "$ALL_CLASSES" > $cg/asi.private_objects
		done ;;
	esac
}

# Domain exits of A and B together (0 for host cgroups).
exits() {
	n=0
	for cg in $CG/bench-a $CG/bench-b; do
		e=$(awk '$1 == "exits" { print $2 }' $cg/asi.events 2>/dev/null)
		n=$((n + ${e:-0}))
	done
	echo $n
}

teardown_case() {
	for cg in $CG/bench-a $CG/bench-b; do
		[ -f $cg/asi.stat ] || continue
		emit "$1" "\"asi_stat\": \"$(basename $cg)\", $(awk '{ printf "%s\"%s\": %s", sep, $1, $2; sep = ", " }' $cg/asi.stat)}"
	done
	rmdir $CG/bench-a $CG/bench-b
	# Let the removed domains go (shrinking, releasing blocks, TLB
	# shootdowns) before the next case measures anything.
	for i in $(seq 100); do
		grep -q ' bench-[ab] ' /sys/kernel/debug/asi/domains 2>/dev/null ||
			break
		sleep 0.1
	done
}

run_micro() { # case
	works="pipe:1000 socketpair:1000 syscall:10000 openclose:2000 forkexit:100"
	# Private memory exists only in a domain.
	[ "$1" = host ] || works="$works privalloc:1000"
	for w in $works; do
		name=${w%%:*} ops=$((${w#*:} * scale))
		out=$(/bench/asi_bench "$name" --ops $ops --cg-a $A --cg-b $B) ||
			{ echo "bench: $name failed in case $1" >&2; continue; }
		emit "$1" "${out#\{}"
	done
}

# Two stress-ng instances, one in A and one in B; bogo-ops summed.
run_stress() { # case
	for s in switch:pipe switch:mq switch:sem-sysv pipe sock udp fork key msg mq; do
		stressor=${s%%:*} method=${s#*:}
		name=$stressor opt=
		if [ "$method" != "$s" ]; then
			name=$stressor-$method opt="--switch-method $method"
		fi
		for r in $(seq $repeats); do
			total=0 e0=$(exits)
			for side in a b; do
				cg=$A port=22000
				[ $side = b ] && cg=$B port=23000
				# The two instances must not compete for one port.
				case "$stressor" in
				sock|udp) popt="--$stressor-port $port" ;;
				*) popt= ;;
				esac
				sh -c "echo \$\$ > $cg/cgroup.procs; exec stress-ng --$stressor 1 $opt $popt -t $seconds --metrics-brief --verify --yaml /tmp/stress-$side.yaml --temp-path /tmp" > /tmp/stress-$side.log 2>&1 &
			done
			# Memory of isolation on a real workload: private
			# objects' bytes vs the pool and page tables behind them.
			case "$1" in
			*-private) [ "$r" = 1 ] && sleep $((seconds / 2 + 1)) &&
				emit "$1" "\"asi_stat\": \"bench-a during $name\", $(awk '{ printf "%s\"%s\": %s", sep, $1, $2; sep = ", " }' $A/asi.stat)}" ;;
			esac
			wait
			for side in a b; do
				ops=$(awk '/bogo-ops:/ { print $2; exit }' /tmp/stress-$side.yaml 2>/dev/null)
				total=$((total + ${ops:-0}))
				grep -q "unsuccessful\|failed" /tmp/stress-$side.log &&
					{ echo "bench: stress-ng $name reported a failure:" >&2
					  grep "unsuccessful\|failed\|fail:" /tmp/stress-$side.log >&2; }
			done
			emit "$1" "\"stressor\": \"$name\", \"repeat\": $r, \"seconds\": $seconds, \"bogo_ops\": $total, \"exits\": $(($(exits) - e0))}"
		done
	done
}

emit none "\"meminfo\": \"before\", $(meminfo_json)}"
for c in $cases; do
	setup_case $c
	run_micro $c
	# stress-ng pairs instances in two cgroups: the cross cases and the
	# host tell it all, and keep the full run under 45 minutes.
	case "$c" in
	same*) ;;
	*) [ "$icount" = 1 ] || run_stress $c ;;
	esac
	teardown_case $c
done
emit none "\"meminfo\": \"after\", $(meminfo_json)}"
