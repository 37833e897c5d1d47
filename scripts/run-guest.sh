#!/bin/bash
# Boot a kernel with the guest initramfs under QEMU TCG.
#
#   run-guest.sh [-k bzImage] [-m mode] [-t seconds] [-l logdir] [-a append]
#                [-p on|off] [-5] [-I icount-shift] [-j job [-f file]...]
#                [-- extra qemu args]
#
# mode is check, demo, bench or shell (the default, interactive), or systemd:
# our systemd as PID 1, running the shell script given with -j as root once
# the system is up (interactive, with a shell, without -j); each -f file
# goes along to /var/lib/asi-job/ in the guest.  PTI is
# forced on by default (-p): the emulated CPU does not need it, but asi
# must be tested beside it; the benchmarks also measure it off.  The guest
# uses 4-level paging unless -5 lets it use the emulated CPU's LA57.  In the
# batch modes the console (kernel log) goes to LOGDIR/console.log and what
# the guest reports to LOGDIR/results.log; the run ends by itself, or is
# killed after the timeout and reported as a hang.  Exit status: 0 when the
# guest finished and reported success, 1 when it reported failure, 2 on a
# kernel panic, 3 on a hang or a guest that stopped without finishing.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kernel=$BUILD/kernel/bzImage
mode=shell
timeout=600
logdir=
append=
icount=
job=
files=()
pti=on
paging=no5lvl
while getopts "k:m:t:l:a:p:5I:j:f:" opt; do
	case "$opt" in
	k) kernel=$OPTARG ;;
	m) mode=$OPTARG ;;
	t) timeout=$OPTARG ;;
	l) logdir=$OPTARG ;;
	a) append=$OPTARG ;;
	p) pti=$OPTARG ;;
	5) paging= ;;
	I) icount=$OPTARG ;;
	j) job=$OPTARG ;;
	f) files+=("$OPTARG") ;;
	*) die "usage: run-guest.sh [-k bzImage] [-m mode] [-t sec] [-l logdir] [-a append] [-p on|off] [-5] [-I icount-shift] [-j job [-f file]...]" ;;
	esac
done
shift $((OPTIND - 1))

[ -f "$kernel" ] || die "no kernel at $kernel (run 'make kernel')"
initrd=$BUILD/guest/initramfs.cpio.gz
[ -f "$initrd" ] || die "no initramfs at $initrd (run 'make initramfs')"

cmdline="console=ttyS0,115200 $paging panic=-1 pti=$pti asi_guest=$mode $append"
[ "$mode" = demo ] && cmdline+=" loglevel=4"
if [ "$mode" = systemd ]; then
	cmdline+=" rdinit=/usr/lib/systemd/systemd systemd.show_status=1"
	if [ -n "$job" ]; then
		# The job rides in a second cpio archive after the guest's:
		# the kernel unpacks both into the same root.
		[ -f "$job" ] || die "no job script at $job"
		[ -n "$logdir" ] || logdir=$BUILD/logs/systemd
		mkdir -p "$logdir"
		{
			printf 'dir /etc 755 0 0\nfile /etc/asi-job %s 755 0 0\n' "$(readlink -f "$job")"
			printf 'dir /var 755 0 0\ndir /var/lib 755 0 0\ndir /var/lib/asi-job 755 0 0\n'
			for f in "${files[@]}"; do
				[ -f "$f" ] || die "no file $f for the job"
				printf 'file /var/lib/asi-job/%s %s 644 0 0\n' "$(basename "$f")" "$(readlink -f "$f")"
			done
		} > "$logdir/job.list"
		{ cat "$initrd"; "$BUILD/tools/gen_init_cpio" "$logdir/job.list" | gzip -1; } \
			> "$logdir/initrd.cpio.gz"
		initrd=$logdir/initrd.cpio.gz
	fi
fi
qemu=(qemu-system-x86_64 -machine pc -accel tcg -cpu max -smp 2 -m 2G
      -kernel "$kernel" -initrd "$initrd" -no-reboot -nodefaults
      -display none)
[ -n "$icount" ] && qemu+=(-icount "shift=$icount,sleep=off")

if [ "$mode" = shell ] || { [ "$mode" = systemd ] && [ -z "$job" ]; }; then
	exec "${qemu[@]}" -append "$cmdline" -serial mon:stdio -serial null "$@"
fi

[ -n "$logdir" ] || logdir=$BUILD/logs/$mode
mkdir -p "$logdir"
console=$logdir/console.log
results=$logdir/results.log
rm -f "$console" "$results"
if [ "$mode" = demo ]; then
	# The demo talks to a person: show the console as it runs, keep a copy.
	serial=(-chardev "stdio,id=con,logfile=$console,signal=off" -serial chardev:con)
else
	serial=(-serial "file:$console")
fi
set +e
timeout --kill-after=10 "$timeout" "${qemu[@]}" -append "$cmdline" \
	"${serial[@]}" -serial "file:$results" -monitor none "$@" </dev/null
rc=$?
set -e

if grep -q "Kernel panic - not syncing" "$console" 2>/dev/null; then
	echo "run-guest: KERNEL PANIC (see $console)" >&2
	exit 2
fi
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run-guest: HANG: guest did not finish within ${timeout}s (see $console)" >&2
	exit 3
fi
done_line=$(grep -a '^ASI-GUEST-DONE' "$results" 2>/dev/null | tail -1 || true)
if [ -z "$done_line" ]; then
	echo "run-guest: guest stopped (qemu status $rc) without finishing (see $console)" >&2
	exit 3
fi
done_line=${done_line%$'\r'}
[ "${done_line#ASI-GUEST-DONE }" = 0 ] && exit 0
exit 1
