#!/bin/bash
# The client does nothing by itself: probes arrive by `docker exec ctt-probe`. The topology replaces
# its default route after start (ip route, by docker exec as root), so nothing here may depend on one.
# Root prepares the batch folder (root-only: batches hold credentials), then the idle process runs as
# the unprivileged user ctt-probe with no capability.
set -euo pipefail
mkdir -p /run/ctt
chmod 0700 /run/ctt
echo "client ready"
exec setpriv --reuid=ctt-probe --regid=ctt-probe --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  -- bash -c 'trap "exit 0" TERM INT; sleep infinity & wait'
