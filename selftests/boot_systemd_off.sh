#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest booted with asi=off: a service with Isolate=yes
# does not start (fail closed), with a result and a log line that say why;
# its command never runs; without Isolate= the same service runs.

UNITS=/run/systemd/system
n=0
failed=0
echo "TAP version 13"
echo "1..2"
mkdir -p "$UNITS"

cat > "$UNITS/asi-off.service" <<'EOF2'
[Service]
Type=oneshot
Isolate=yes
ExecStart=/bin/touch /run/asi-off-ran
EOF2
systemctl daemon-reload
systemctl start asi-off.service > /tmp/sd-off.out 2>&1
st=$?
systemctl status --no-pager asi-off.service >> /tmp/sd-off.out 2>&1
journalctl --no-pager -b -u asi-off.service | grep -i isolat >> /tmp/sd-off.out
n=$((n + 1))
if [ $st -ne 0 ] && [ ! -e /run/asi-off-ran ] &&
   [ "$(systemctl show -P Result asi-off.service)" = resources ] &&
   grep -q "refusing to start unisolated" /tmp/sd-off.out; then
	echo "ok $n Isolate=yes on asi=off: the service fails to start (result 'resources'), its command never runs"
else
	echo "not ok $n Isolate=yes on asi=off: start exit $st"
	failed=$((failed + 1))
fi
sed 's/^/# /' /tmp/sd-off.out

sed -i '/^Isolate=yes$/d' "$UNITS/asi-off.service"
systemctl daemon-reload
systemctl reset-failed asi-off.service
n=$((n + 1))
if systemctl start asi-off.service && [ -e /run/asi-off-ran ]; then
	echo "ok $n without Isolate= the same service runs"
else
	echo "not ok $n without Isolate= the same service did not run"
	failed=$((failed + 1))
fi
rm -f "$UNITS/asi-off.service" /run/asi-off-ran
systemctl daemon-reload
[ "$failed" -eq 0 ]
