#!/bin/bash
# The server stand-in's supervisor (PID 1): loads the host firewall, prepares the administrator
# account and this container's SSH host keys, then runs sshd and the Kestrel program side by side.
# SIGTERM (docker stop) stops both and exits at once; if either dies, the other is stopped and the
# container exits with the dead one's status, so a broken service shows as a stopped container.
set -euo pipefail
mkdir -p /run/ctt /run/sshd

# 1. The host firewall first: no service listens before its rules are in force.
if [ -s /etc/ctt/host-firewall.rules ]; then
  ctt-host-firewall /etc/ctt/host-firewall.rules
fi

# 2. The administrator account, from a root-only file "user:password" the fixture maps in. The
#    password goes from that file straight into chpasswd; it is never echoed or put on a command line.
credentials=/etc/ctt/admin-credentials
admin=$(cut -d: -f1 "$credentials" | head -n1)
if ! id "$admin" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$admin"
fi
head -n1 "$credentials" | chpasswd

# 3. Host keys for this container alone (the image carries none). No RSA: it is slow to generate
#    and every client the harness uses speaks Ed25519 or ECDSA.
for type in ed25519 ecdsa; do
  key=/etc/ssh/ssh_host_${type}_key
  [ -f "$key" ] || ssh-keygen -q -t "$type" -N '' -f "$key"
done

/usr/sbin/sshd -D -e -p "${CTT_SSH_PORT:-22}" -o "AllowUsers=$admin" &
sshd=$!
dotnet /opt/ctt/server/Cryptshare.Topology.ServerStandIn.dll &
web=$!

stop() {
  kill -TERM "$sshd" "$web" 2>/dev/null || true
  wait "$sshd" "$web" 2>/dev/null || true
}
trap 'stop; exit 0' TERM INT
set +e
wait -n "$sshd" "$web"
status=$?
echo "cryptshare-server: a service exited with status $status; stopping the other" >&2
stop
exit "$status"
