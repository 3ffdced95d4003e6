#!/bin/bash
# The server stand-in's supervisor (PID 1, root): loads the host firewall, prepares the administrator
# account and this container's SSH host keys, then runs sshd (root, with its own privilege
# separation: each connection is handled by an unprivileged child until login) and the Kestrel
# program as the unprivileged user ctt-server, without any capability (the container lets any user
# listen below port 1024: net.ipv4.ip_unprivileged_port_start=0, set by the harness).
# SIGTERM (docker stop) stops both and exits at once; if either dies, the other is stopped and the
# container exits with the dead one's status, so a broken service shows as a stopped container.
set -euo pipefail
mkdir -p /run/ctt /run/sshd

# A start-up failure leaves the container running with no service up and the reason in
# /run/ctt/failed, where the readiness check finds it at once. (A container that exits this early
# can race Testcontainers' own start-up wait into a plain timeout, without the reason.)
fail() {
  echo "cryptshare-server: $*" >&2
  printf '%s\n' "$*" > /run/ctt/failed
  trap 'exit 1' TERM INT
  sleep infinity &
  wait
  exit 1
}

# 1. The host firewall first: no service listens before its rules are in force.
#    CTT_HOST_FIREWALL_FORMAT says what the file holds: statements (of the input chain, the
#    default), ruleset (a whole nft ruleset) or iptables (iptables-save output).
if [ -s /etc/ctt/host-firewall.rules ]; then
  case ${CTT_HOST_FIREWALL_FORMAT:-statements} in
    ruleset) format=(--ruleset) ;;
    iptables) format=(--iptables) ;;
    *) format=() ;;
  esac
  if ! message=$(ctt-host-firewall "${format[@]}" /etc/ctt/host-firewall.rules 2>&1); then
    fail "nft rejected the host firewall rules; no service started:
$message"
  fi
fi

# 2. The administrator account, from a root-only file "user:password" the fixture maps in. The
#    password goes from that file straight into chpasswd; it is never echoed or put on a command line.
credentials=/etc/ctt/admin-credentials
admin=$(cut -d: -f1 "$credentials" | head -n1)
if id "$admin" >/dev/null 2>&1; then
  if [ "$(id -u "$admin")" -lt 1000 ]; then
    fail "the login '$admin' is a system account of the image (it has no shell); choose another"
  fi
else
  # Into the common group "users": a group named like the login may exist already (Debian has
  # "operator", "staff", "adm", …), and useradd would refuse to create the user's own group.
  useradd --create-home --shell /bin/bash --gid users "$admin"
fi
head -n1 "$credentials" | chpasswd

# 3. Host keys for this container alone (the image carries none). No RSA: it is slow to generate
#    and every client the harness uses speaks Ed25519 or ECDSA.
for type in ed25519 ecdsa; do
  key=/etc/ssh/ssh_host_${type}_key
  [ -f "$key" ] || ssh-keygen -q -t "$type" -N '' -f "$key"
done

# 4. The TLS key for Kestrel: its own copy, readable by ctt-server alone (the mapped one is root's).
web_home=$(getent passwd ctt-server | cut -d: -f6)
install -d -o ctt-server -g ctt-server -m 0700 "$web_home/tls"
install -o ctt-server -g ctt-server -m 0400 /etc/ctt/tls/server.key "$web_home/tls/server.key"

/usr/sbin/sshd -D -e -p "${CTT_SSH_PORT:-22}" -o "AllowUsers=$admin" &
sshd=$!
setpriv --reuid=ctt-server --regid=ctt-server --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  -- env HOME="$web_home" CTT_TLS_KEY="$web_home/tls/server.key" dotnet /opt/ctt/server/Cryptshare.Topology.ServerStandIn.dll &
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
