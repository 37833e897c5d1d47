#!/bin/sh
# Guest side of 'make bench': run every case and workload and print one
# "BENCH {json}" line per measurement.  Parameters come from the kernel
# command line: asi_bench=quick|full, asi_bench_icount=0|1 (the guest runs
# under QEMU -icount: nanoseconds are instructions, and stress-ng's and
# redis-benchmark's seconds are 1e9 guest instructions, so their rates
# repeat from run to run).  A workload that fails says so on stderr
# ("bench: ..." lines, which scripts/bench.sh shows) and emits nothing.

CG=/sys/fs/cgroup
DEBUG=/sys/kernel/debug/asi
mode=quick icount=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	asi_bench=*) mode=${arg#asi_bench=} ;;
	asi_bench_icount=*) icount=${arg#asi_bench_icount=} ;;
	esac
done

# scale: microbenchmark operations; seconds and repeats: stress-ng (under
# -icount: stress_scale for its bogo-ops, seconds as a cap); requests:
# redis-benchmark, per command; iterations: the build workload (redis and
# build run once).  Under -icount a guest second takes several seconds of
# TCG and the figures repeat: one run of each.  The timed figures are for
# information.  stress_cases: where stress-ng runs (the quick run only
# where its target is judged).  Wall time of one boot here: quick, about
# 80 s timed and 80-100 s -icount on the asi kernel, 40-50 s on the
# baseline (8.5 minutes for the 8 boots).
if [ "$mode" = full ]; then
	scale=5 seconds=2 repeats=3 requests=5000 iterations=120
	stress_scale=4 stress_cases="host cross cross-private"
	[ "$icount" = 1 ] && seconds=8 repeats=1
else
	scale=1 seconds=1 repeats=1 requests=2000 iterations=60
	stress_scale=1 stress_cases="cross-private"
	[ "$icount" = 1 ] && seconds=2
fi
pti=off
grep -qw pti /proc/cpuinfo && pti=on
if grep -qw asi $CG/cgroup.controllers; then
	kernel=asi
	cases="host cross same cross-private same-private host-beside-private host-after"
	echo +asi > $CG/cgroup.subtree_control
else
	kernel=baseline cases="host" stress_cases="host"
fi

emit() { # case json
	echo "BENCH {\"kernel\": \"$kernel\", \"pti\": \"$pti\", \"icount\": $icount, \"case\": \"$1\", $2"
}

meminfo_json() {
	awk '/^DirectMap/ { gsub(":", "", $1); printf "%s\"%s_kb\": %s", sep, $1, $2; sep = ", " }' /proc/meminfo
}

stat_json() { # cgroup
	awk '{ printf "%s\"%s\": %s", sep, $1, $2; sep = ", " }' $1/asi.stat
}

ALL_CLASSES="cred file pipe sock netns key msg"
SLEEPERS=

# Cgroups of a case: A and B (B may equal A).  *-private: every class of
# kernel objects private (asi.private_objects).  host-beside-private: A
# and B are host cgroups, beside two isolated domains (bench-a, bench-b)
# with every class private, each holding a sleeping pipeline.
setup_case() {
	cross_sites_mark
	mkdir -p $CG/bench-a $CG/bench-b
	case "$1" in
	cross*) echo 1 > $CG/bench-a/asi.isolate; echo 1 > $CG/bench-b/asi.isolate
	       A=$CG/bench-a B=$CG/bench-b ;;
	same*) echo 1 > $CG/bench-a/asi.isolate
	       A=$CG/bench-a B=$CG/bench-a ;;
	host-beside-private)
	       echo 1 > $CG/bench-a/asi.isolate; echo 1 > $CG/bench-b/asi.isolate
	       mkdir -p $CG/bench-c $CG/bench-d
	       A=$CG/bench-c B=$CG/bench-d ;;
	host-after)
	       wait_no_domain
	       A=$CG/bench-a B=$CG/bench-b ;;
	*)     A=$CG/bench-a B=$CG/bench-b ;;
	esac
	case "$1" in
	*-private)
		for cg in $CG/bench-a $CG/bench-b; do
			[ "$(cat $cg/asi.isolate)" = 1 ] &&
				echo "$ALL_CLASSES" > $cg/asi.private_objects
		done ;;
	esac
	if [ "$1" = host-beside-private ]; then
		for cg in $CG/bench-a $CG/bench-b; do
			sh -c "echo \$\$ > $cg/cgroup.procs; sleep 100000 | cat" \
				> /dev/null 2>&1 &
		done
		# Both pipelines in place before anything is measured.
		for i in $(seq 100); do
			[ "$(cat $CG/bench-a/cgroup.procs $CG/bench-b/cgroup.procs | wc -l)" -ge 6 ] &&
				break
			sleep 0.1
		done
		[ "$(cat $CG/bench-a/cgroup.procs $CG/bench-b/cgroup.procs | wc -l)" -ge 6 ] ||
			echo "bench: host-beside-private: the domains' sleepers did not start" >&2
	fi
}

# The "host-after" case measures host tasks once every domain is gone:
# none live nor dying, and the static key that turns asi's hooks on has
# gone off (a second after the last domain went).
wait_no_domain() {
	for i in $(seq 300); do
		left=$(grep -c '^domain ' $DEBUG/domains 2>/dev/null)
		dying=$(awk '$1 == "dying" { print $2 }' $DEBUG/domains 2>/dev/null)
		key=$(awk '$1 == "domains" { print $2 }' $DEBUG/keys 2>/dev/null)
		[ "${left:-0}" = 0 ] && [ "${dying:-0}" = 0 ] &&
			[ "${key:-0}" = 0 ] && break
		sleep 0.1
	done
	if [ "${left:-0}" != 0 ] || [ "${dying:-0}" != 0 ] || [ "${key:-0}" != 0 ]; then
		echo "bench: host-after: domains left after 30 s (key count ${key:-?}):" >&2
		cat $DEBUG/domains >&2
	fi
	emit host-after "\"domains_left\": ${left:-0}, \"dying\": ${dying:-0}, \"key_count\": ${key:-0}}"
	sleep 2
}

# Domain exits of A and B together (0 for host cgroups).
exits() {
	n=0
	for cg in $(echo $A $B | tr ' ' '\n' | sort -u); do
		e=$(awk '$1 == "exits" { print $2 }' $cg/asi.events 2>/dev/null)
		n=$((n + ${e:-0}))
	done
	echo $n
}

# The kernel code that touched another domain's memory during a case
# (debugfs cross_sites counts since boot: the difference, top ten).
cross_sites_mark() {
	cat $DEBUG/cross_sites > /tmp/cross-sites-before 2>/dev/null
}

cross_sites_emit() { # case
	[ -r $DEBUG/cross_sites ] || return 0
	sites=$(awk 'FILENAME == ARGV[1] { before[$2] = $1; next }
		     $2 != "(other" { d = $1 - before[$2]; if (d > 0) print d, $2 }' \
		/tmp/cross-sites-before $DEBUG/cross_sites | sort -rn | head -10 |
		awk '{ printf "%s%s %s", sep, $1, $2; sep = "; " }')
	[ -n "$sites" ] && emit "$1" "\"cross_sites\": \"$sites\"}"
	return 0
}

teardown_case() {
	cross_sites_emit "$1"
	for cg in $CG/bench-a $CG/bench-b $CG/bench-c $CG/bench-d; do
		[ -d $cg ] || continue
		[ -f $cg/asi.stat ] &&
			emit "$1" "\"asi_stat\": \"$(basename $cg)\", $(stat_json $cg)}"
		if [ -n "$(cat $cg/cgroup.procs)" ]; then
			echo 1 > $cg/cgroup.kill
			for i in $(seq 100); do
				[ -z "$(cat $cg/cgroup.procs)" ] && break
				sleep 0.1
			done
		fi
		rmdir $cg || echo "bench: cannot remove $cg after case $1" >&2
	done
	# Let the removed domains go (shrinking, releasing blocks, TLB
	# shootdowns) before the next case measures anything.
	for i in $(seq 100); do
		grep -q ' bench-[a-d] ' $DEBUG/domains 2>/dev/null ||
			break
		sleep 0.1
	done
}

run_micro() { # case
	works="pipe:1000 socketpair:1000 syscall:10000 openclose:2000 forkexit:100"
	# Private memory exists only in a domain.
	case "$1" in host*) ;; *) works="$works privalloc:1000" ;; esac
	for w in $works; do
		name=${w%%:*} ops=$((${w#*:} * scale))
		out=$(/bench/asi_bench "$name" --ops $ops --cg-a $A --cg-b $B) ||
			{ echo "bench: $name failed in case $1" >&2; continue; }
		emit "$1" "${out#\{}"
	done
}

# Two stress-ng instances, one in A and one in B: bogo-ops of both over
# the longer one's elapsed time.  Timed runs stress for a fixed time.
# Under -icount a guest second takes several seconds of TCG, and some
# stressors do only a few (costly) bogo-ops a second: each instance does a
# fixed number of bogo-ops instead (about a quarter of a guest second on
# the baseline, a second in the full run, with a time cap for slow cases),
# and both run on CPU 0, like the microbenchmarks, so that the guest time
# counts their instructions, not where the scheduler put their tasks: the
# rate then repeats.
STRESSORS="switch:pipe:3000 switch:mq:4000 switch:sem-sysv:6000 pipe:3500
	sock:4 udp:1500 fork:20 key:2 msg:7500 mq:3200"
run_stress() { # case
	for s in $STRESSORS; do
		stressor=${s%%:*} bogo=${s##*:} method=${s#*:}
		method=${method%:*}
		name=$stressor opt=
		if [ "$method" != "$bogo" ]; then
			name=$stressor-$method opt="--switch-method $method"
		fi
		pin=
		if [ "$icount" = 1 ]; then
			opt="$opt --$stressor-ops $((bogo * stress_scale))"
			pin="taskset 1"
		fi
		for r in $(seq $repeats); do
			e0=$(exits) pids= ok=1
			for side in a b; do
				cg=$A port=22000
				[ $side = b ] && cg=$B port=23000
				# The two instances must not compete for one port.
				case "$stressor" in
				sock|udp) popt="--$stressor-port $port" ;;
				*) popt= ;;
				esac
				rm -f /tmp/stress-$side.yaml
				sh -c "echo \$\$ > $cg/cgroup.procs; exec $pin stress-ng --$stressor 1 $opt $popt -t $seconds --metrics-brief --verify --yaml /tmp/stress-$side.yaml --temp-path /tmp" > /tmp/stress-$side.log 2>&1 &
				pids="$pids $!"
			done
			# Memory of isolation on a real workload: private
			# objects' bytes vs the pool and page tables behind them.
			case "$1" in
			*-private) [ "$r" = 1 ] && [ "$icount" = 0 ] &&
				sleep $(awk -v s=$seconds 'BEGIN { print s / 2 }') &&
				emit "$1" "\"asi_stat\": \"bench-a during $name\", $(stat_json $A)}" ;;
			esac
			for p in $pids; do
				wait $p || ok=0
			done
			e1=$(exits)
			# bogo-ops of both, per second of the longer elapsed
			# time, and that time.
			sums=$(awk '
				$1 == "bogo-ops:" { ops += $2; n++ }
				$1 == "wall-clock-time:" && $2 > wall { wall = $2 }
				END { if (n == 2 && wall > 0)
					printf "%d %.3f %.6f", ops, ops / wall, wall }' \
				/tmp/stress-a.yaml /tmp/stress-b.yaml 2>/dev/null)
			[ -n "$sums" ] || ok=0
			grep -q "unsuccessful\|failed" /tmp/stress-a.log /tmp/stress-b.log && ok=0
			if [ $ok = 0 ]; then
				echo "bench: stress-ng $name failed in case $1 (icount $icount):" >&2
				grep -h "unsuccessful\|failed\|fail:\|error" /tmp/stress-a.log /tmp/stress-b.log >&2
				continue
			fi
			ops=$(echo $sums | cut -d' ' -f1)
			rate=$(echo $sums | cut -d' ' -f2)
			wall=$(echo $sums | cut -d' ' -f3)
			emit "$1" "\"stressor\": \"$name\", \"repeat\": $r, \"seconds\": $wall, \"bogo_ops\": $ops, \"rate\": $rate, \"exits\": $((e1 - e0))}"
		done
	done
}

# redis-server in A, redis-benchmark in B (over a unix socket), both on
# CPU 0 like the microbenchmarks: one request is a switch from one to the
# other and back.  requests per second as redis-benchmark reports them
# (its clock: guest instructions under -icount), and asi_bench's counters
# (time, exits of both cgroups) around the whole redis-benchmark run.
REDIS_SOCK=/tmp/redis.sock
run_redis() { # case
	rm -f $REDIS_SOCK
	sh -c "echo \$\$ > $A/cgroup.procs; exec taskset 1 redis-server --port 0 --unixsocket $REDIS_SOCK --save '' --appendonly no --protected-mode no --io-threads 1 --daemonize no" \
		> /tmp/redis-server.log 2>&1 &
	server=$!
	for i in $(seq 200); do
		[ "$(redis-cli -s $REDIS_SOCK ping 2>/dev/null)" = PONG ] && break
		sleep 0.1
	done
	if [ "$(redis-cli -s $REDIS_SOCK ping 2>/dev/null)" != PONG ]; then
		echo "bench: redis-server did not start in case $1:" >&2
		cat /tmp/redis-server.log >&2
		kill $server 2>/dev/null
		wait $server
		return
	fi
	for t in SET GET INCR LPUSH; do
		out=$(/bench/asi_bench cmd --ops $requests --cg-a $B --cg-b $A -- \
			redis-benchmark -s $REDIS_SOCK -n $requests -c 10 -t $t --csv \
			2> /tmp/redis-bench.log)
		rps=$(awk -F'"' -v t=$t '$2 == t { print $4 }' /tmp/redis-bench.log)
		if [ -z "$out" ] || [ -z "$rps" ]; then
			echo "bench: redis-benchmark $t failed in case $1 (icount $icount):" >&2
			cat /tmp/redis-bench.log >&2
			continue
		fi
		out=${out#\{\"workload\": \"cmd\", }
		emit "$1" "\"e2e\": \"redis\", \"op\": \"$t\", \"rps\": $rps, $out"
	done
	redis-cli -s $REDIS_SOCK shutdown nosave > /dev/null 2>&1 || kill $server
	wait $server
}

# A build-like workload in A: per iteration a "compile" (a source file
# written, piped through two exec'd programs into an object file, which a
# third reads back) and at the end a "link" reading every object: fork,
# exec, pipes, file creation and deletion on tmpfs.  The applets are run
# by path, so that each one is a real exec of busybox.
cat > /tmp/build-work.sh <<'EOF'
#!/bin/sh
d=/tmp/build-work
rm -rf $d && mkdir $d || exit 1
i=0
while [ $i -lt $1 ]; do
	echo "int f$i(void) { return $i; }" > $d/s$i.c
	/bin/cat $d/s$i.c | /bin/sed 's/int/long/g' > $d/s$i.o || exit 1
	/bin/grep -q "long f$i" $d/s$i.o || exit 1
	/bin/rm $d/s$i.c
	i=$((i + 1))
done
[ "$(/bin/cat $d/*.o | /bin/grep -c long)" = "$1" ] || exit 1
/bin/rm -r $d
EOF
chmod 755 /tmp/build-work.sh

run_build() { # case
	if ! out=$(/bench/asi_bench cmd --ops $iterations --cg-a $A --cg-b $B -- \
		/tmp/build-work.sh $iterations 2> /tmp/build-work.log); then
		echo "bench: build workload failed in case $1 (icount $icount):" >&2
		head -20 /tmp/build-work.log >&2
		return
	fi
	out=${out#\{\"workload\": \"cmd\", }
	emit "$1" "\"e2e\": \"build\", \"op\": \"iteration\", $out"
}

emit none "\"meminfo\": \"before\", $(meminfo_json)}"
for c in $cases; do
	setup_case $c
	run_micro $c
	# stress-ng and redis pair two cgroups: the cross cases and the host
	# tell it all; the build workload runs in one (the same cases); the
	# host-* cases on the asi kernel are about the microbenchmarks.  This
	# keeps the full run under 45 minutes.
	case " $stress_cases " in *" $c "*) run_stress $c ;; esac
	case "$c" in
	host|cross|cross-private) run_redis $c ;;
	esac
	case "$c" in
	host|same|same-private) run_build $c ;;
	esac
	teardown_case $c
done
emit none "\"meminfo\": \"after\", $(meminfo_json)}"
