#!/bin/sh
# Run the systemd guest's job (/etc/asi-job) between clear begin and end
# lines on the second serial port, then power the guest off.  The end line
# is the one run-guest.sh waits for: ASI-GUEST-DONE and the job's status.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/selftests HOME=/root
echo "ASI-JOB-BEGIN"
sh /etc/asi-job
rc=$?
echo "ASI-JOB-END $rc"
echo "ASI-GUEST-DONE $rc"
systemctl --no-block poweroff
exit 0
