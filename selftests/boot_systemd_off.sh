#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run in the systemd guest booted with asi=off: a service with Isolate=yes
# does not start (fail closed), with a result and a log line that say why;
# its command never runs; without Isolate= the same service runs.

. "$(dirname "$0")/asi_tap.sh"

UNITS=/run/systemd/system
ktap_print_header
ktap_set_plan 2
mkdir -p "$UNITS"

cat > "$UNITS/asi-off.service" <<'UNIT'
[Service]
Type=oneshot
Isolate=yes
ExecStart=/bin/touch /run/asi-off-ran
UNIT
systemctl daemon-reload
systemctl start asi-off.service > /tmp/sd-off.out 2>&1
st=$?
journalctl --no-pager -b -u asi-off.service -o cat | grep -i isolat >> /tmp/sd-off.out
sed 's/^/# /' /tmp/sd-off.out
[ $st -ne 0 ] && [ ! -e /run/asi-off-ran ] &&
	[ "$(systemctl show -P Result asi-off.service)" = resources ] &&
	grep -q "refusing to start unisolated" /tmp/sd-off.out
result $? "Isolate=yes on asi=off: the service fails to start (result 'resources'), its command never runs"

sed -i '/^Isolate=yes$/d' "$UNITS/asi-off.service"
systemctl daemon-reload
systemctl reset-failed asi-off.service
systemctl start asi-off.service >> "$OUT" 2>&1 && [ -e /run/asi-off-ran ]
result $? "without Isolate= the same service runs"
rm -f "$UNITS/asi-off.service" /run/asi-off-ran
systemctl daemon-reload
ktap_finished
