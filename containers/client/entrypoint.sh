#!/bin/bash
# The client does nothing by itself: probes arrive by `docker exec ctt-probe`. The topology replaces
# its default route after start (ip route), so nothing here may depend on one.
set -euo pipefail
mkdir -p /run/ctt
chmod 0700 /run/ctt
echo "client ready"
trap 'exit 0' TERM INT
sleep infinity &
wait
