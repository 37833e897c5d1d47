#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Syscall fuzzing: Debian's trinity, as an unprivileged user (nobody), in
# two isolated domains with every object class but netns private, each a
# container (pid, mount, ipc and net namespaces of its own), side by side
# on both vCPUs; first with asi.enforce=0, then with asi.enforce=1.  The kernel
# must stay up and silent (the log checker fails the boot on any report),
# each run must end by itself, no access may be refused (trinity reads no
# other tenant's data, so a violation would be the kernel reaching into
# the wrong domain), and the domains must drain once their cgroups are
# gone.  The accesses the kernel makes to the other container's objects
# through shared structures are counted (cross_domain) and their code
# sites listed, from /sys/kernel/debug/asi/cross_sites.
#
# TRINITY_SYSCALLS in the environment (from the kernel command line) sets
# the syscalls per run (default 2000); TRINITY_SEED the seed (default 1).

. "$(dirname "$0")/asi_tap.sh"

CG=/sys/fs/cgroup
# Every class but netns: a network namespace that trinity made can outlive
# its container by minutes, and its domain with it (rightly: the domain
# lives while an object of it does).  test_asi_objects covers netns.
CLASSES="cred file pipe sock key msg"
N=${TRINITY_SYSCALLS:-2000}
SEED=${TRINITY_SEED:-1}
# Trinity 1.9 (Debian) crashes building its pool of AF_UNIX sockets; the
# socket() calls it fuzzes still create sockets of every family.
TRINITY_OPTS="--disable-fds=sockets"

ktap_print_header
if ! command -v trinity > /dev/null; then
	ktap_skip_all "trinity is not installed"
	exit "$KSFT_SKIP"
fi
asi_require
ktap_set_plan 4

event() { sed -n "s/^$2 //p" "$CG/$1/asi.events"; }

cleanup() {
	for g in tr_a tr_b; do
		[ -d "$CG/$g" ] || continue
		echo 1 > "$CG/$g/cgroup.kill"
		for i in $(seq 50); do rmdir "$CG/$g" 2>/dev/null && break; sleep 0.2; done
	done
}

# fuzz ENFORCE: trinity in tr_a and tr_b at once, $CLASSES private;
# fails unless both end by themselves (status 0) without a violation.
# Each tenant is a rootless container: its own pid, mount, ipc and net
# namespaces, a /tmp of its own (the only place where nobody can bind a
# unix socket), and a user namespace in which nobody is root (so that the
# keyrings it makes die with it).  Its network namespace gives up on
# orphaned TCP connections quickly, so that it, and with it the domain,
# goes soon after the container.
fuzz() {
	cleanup
	pids=
	for g in tr_a tr_b; do
		mkdir "$CG/$g" && echo "$CLASSES" > "$CG/$g/asi.private_objects" &&
			echo "$1" > "$CG/$g/asi.enforce" &&
			echo 1 > "$CG/$g/asi.isolate" || { note "cannot set up $g"; return 1; }
		dir=/tmp/trinity-$g
		rm -rf "$dir" && mkdir -p "$dir"
		(
			echo 0 > "$CG/$g/cgroup.procs"
			exec unshare -p -f -i -n --mount-proc sh -c "
				echo 1 > /proc/sys/net/ipv4/tcp_orphan_retries
				echo 1 > /proc/sys/net/ipv4/tcp_fin_timeout
				mount -t tmpfs -o mode=1777 tmpfs /tmp && cd /tmp &&
				exec su -s /bin/sh nobody -c 'exec unshare -U -r trinity \
					--dangerous -q -l off -C 2 -N $N -s $SEED $TRINITY_OPTS'"
		) > "$dir/out" 2>&1 &
		pids="$pids $!"
	done
	st=0
	for p in $pids; do
		wait "$p" || st=1
	done
	for g in tr_a tr_b; do
		echo "$g: $(tr '\n' ' ' < "$CG/$g/asi.events")" >> /tmp/trinity-seen
		grep "Ran [0-9]* syscalls" "/tmp/trinity-$g/out" | tail -1 |
			sed "s/^/$g: /" >> /tmp/trinity-seen
		[ "$(event $g violations)" = 0 ] || st=1
	done
	[ $st -eq 0 ] || tail -5 /tmp/trinity-tr_*/out >> "$OUT"
	return $st
}

# run ENFORCE DESCRIPTION: one fuzz, its figures shown whether it passed
# or not.
run() {
	: > /tmp/trinity-seen
	fuzz "$1"
	st=$?
	result $st "$2"
	sed 's/^/# /' /tmp/trinity-seen
}

run 0 "enforce=0: trinity ($N syscalls) in two containers, all classes but netns private"
run 1 "enforce=1: the same, no violation"

# Every domain of both runs gone.  A network namespace goes from a work
# item after its last socket; sockets that trinity left in flight to each
# other (SCM_RIGHTS cycles) are freed by the unix garbage collector, which
# the release of any unix socket runs: logger's socket to the (absent)
# syslog daemon is one.
cleanup
for i in $(seq 600); do
	grep -q " tr_[ab] " /sys/kernel/debug/asi/domains 2>/dev/null || break
	logger -t test_trinity "collect in-flight unix sockets" 2>/dev/null
	sleep 0.2
done
grep " tr_[ab] " /sys/kernel/debug/asi/domains >> "$OUT"
! grep -q " tr_[ab] " /sys/kernel/debug/asi/domains
result $? "the domains of both runs drain"

# The host is fine: a fresh domain still isolates and runs a task.
mkdir "$CG/tr_a" && echo 1 > "$CG/tr_a/asi.isolate" &&
	sh -c "echo 0 > $CG/tr_a/cgroup.procs; exec true" && rmdir "$CG/tr_a"
result $? "afterwards a new domain isolates and runs a task"

# Where the kernel crossed between domains in this boot, most often first
# (the crossings of docs/design.md, "Objects that cross domains").
sort -rn /sys/kernel/debug/asi/cross_sites | head -16 | sed 's/^/# cross-domain site: /'

ktap_finished
