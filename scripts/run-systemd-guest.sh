#!/bin/bash
# Boot the asi kernel with our patched systemd as PID 1.
#
#   run-systemd-guest.sh [-l logdir] [-t seconds] [-a append] [-k bzImage]
#                        [-f file]... [JOB]
#
# With JOB (a shell script), the guest runs it as root once the system is up
# (asi-job.service), with each -f file in /var/lib/asi-job/, its output on
# the second serial port between the lines
# ASI-JOB-BEGIN and ASI-JOB-END <status>, then powers off; the output lands
# in LOGDIR/results.log (default build/logs/systemd), the kernel and systemd
# console in LOGDIR/console.log.  The exit status is run-guest.sh's: 0 when
# the job succeeded, 1 when it failed, 2 on a panic, 3 on a hang.  Without
# JOB the guest gives a root shell on the console ('systemctl poweroff' to
# leave).
set -euo pipefail
. "$(dirname "$0")/common.sh"

opts=()
while getopts "l:t:a:k:f:" opt; do
	case "$opt" in
	l|t|a|k|f) opts+=("-$opt" "$OPTARG") ;;
	*) die "usage: run-systemd-guest.sh [-l logdir] [-t seconds] [-a append] [-k bzImage] [-f file]... [JOB]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || die "usage: run-systemd-guest.sh [-l logdir] [-t seconds] [-a append] [-k bzImage] [-f file]... [JOB]"
[ $# -eq 1 ] && opts+=(-j "$1")
exec "$TOP/scripts/run-guest.sh" -m systemd "${opts[@]}"
