#!/bin/sh
# The systemd part of 'make demo', run as the job of the systemd guest
# (scripts/run-systemd-guest.sh): a service isolated by its unit file, what
# systemctl says about it, and a second isolated unit that reads its page.

. /guest/demo-lib.sh
mkdir -p /run/systemd/system /run/demo

cat > /run/demo/hold.sh <<EOF2
#!/bin/sh
# Holds a page of private memory of its domain; says where it is.
exec 3<>$HELPER
echo alloc >&3; read addr <&3; echo \$addr > /run/demo/addr
exec sleep 600
EOF2
chmod +x /run/demo/hold.sh
cat > /run/systemd/system/tenant-a.service <<'EOF2'
[Unit]
Description=Tenant A

[Service]
Isolate=yes
IsolateEnforce=yes
IsolatePrivateObjects=all
ExecStart=/run/demo/hold.sh
EOF2

step "A service isolated by its unit file"
show "cat /run/systemd/system/tenant-a.service"
systemctl daemon-reload
show "systemctl start tenant-a.service"
for i in $(seq 50); do [ -s /run/demo/addr ] && break; sleep 0.1; done
show "systemctl status --no-pager tenant-a.service"
show "systemctl show -p Isolate -p IsolateEnforce -p IsolatePrivateObjects tenant-a.service"
show "cat $CG/system.slice/tenant-a.service/asi.isolate $CG/system.slice/tenant-a.service/asi.private_objects"
addr=$(cat /run/demo/addr)
echo "tenant-a holds a private page at $addr"

step "Isolation cannot change while the service runs"
show "systemctl set-property --runtime tenant-a.service Isolate=no"

step "A second isolated unit reads tenant A's page: asi kills it"
show "systemd-run --unit tenant-b -p Isolate=yes -p IsolateEnforce=yes --wait sh -c 'echo read $addr > $HELPER; sleep 5; echo not reached'"
show "journalctl -u tenant-b --no-pager -o cat | grep 'asi refused'"
show "journalctl -k --no-pager -o cat | grep 'asi: violation'"
show "systemctl status --no-pager tenant-a.service | head -3"

step "Without asi in the kernel the same unit would not start"
echo "(with asi=off: 'Isolate=yes on tenant-a.service, but the kernel offers"
echo " no asi controller ...: refusing to start unisolated.', result 'resources')"
systemctl stop tenant-a.service
echo
echo "demo: done"
