#!/bin/sh
# ctt-probe: the probe agent (one batch of JSON on stdin, one JSON line per probe on stdout) as the
# image's unprivileged user ctt-probe, with no capability at all. The harness starts it as root
# (docker exec, stdin already open on the batch in the root-only /run/ctt); it drops to that user
# before the agent reads a byte. The agent needs nothing root has: TCP connects, the ICMP errors
# queued on its own sockets (IP_RECVERR on a TCP socket needs no CAP_NET_RAW), iproute2's reads of
# routes and neighbours, and a CA file of its own under /tmp for libldap.
set -eu
agent=/opt/ctt/probe/ctt-probe.dll
if [ "$(id -u)" -ne 0 ]; then
  exec dotnet "$agent" "$@"
fi
exec setpriv --reuid=ctt-probe --regid=ctt-probe --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  -- env HOME=/var/lib/ctt-probe dotnet "$agent" "$@"
