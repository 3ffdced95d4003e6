#!/usr/bin/env bash
# After a test run: no container or network labelled by the harness may remain. Images labelled
# org.cryptshare-topology.cached-image are the cache it means to keep, and are listed for the record.
set -uo pipefail
command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1 || exit 0
mapfile -t containers < <(docker ps -aq --filter label=org.cryptshare-topology)
mapfile -t networks < <(docker network ls -q --filter label=org.cryptshare-topology)
# Images the harness labelled but not as its cache (docker's filter has no "label is absent").
images=()
while read -r id; do
  [ -n "$id" ] || continue
  cached=$(docker image inspect --format '{{index .Config.Labels "org.cryptshare-topology.cached-image"}}' "$id" 2>/dev/null)
  [ -n "$cached" ] || images+=("$id")
done < <(docker images -q --filter label=org.cryptshare-topology | sort -u)
cached=$(docker images --filter label=org.cryptshare-topology.cached-image --format '{{.Repository}}:{{.Tag}}' | tr '\n' ' ')
echo "[leftovers] cached images kept: ${cached:-none}"
if [ "$((${#containers[@]} + ${#networks[@]} + ${#images[@]}))" -gt 0 ]; then
  echo "[leftovers] the harness left behind: containers: [${containers[*]}] networks: [${networks[*]}] images: [${images[*]}]" >&2
  exit 1
fi
echo "[leftovers] no harness-labelled container, network or uncached image left behind"
