#!/usr/bin/env bash
# Writes the benchmark rule sets (data/*.nft, from the generator) and their JSON from the real nft
# of the firewall image, loaded as the harness loads a rule set (ctt-load). Never write the JSON by hand.
set -euo pipefail
cd "$(dirname "$0")"
image=${CTT_FIREWALL_IMAGE:-$(docker images --format '{{.Repository}}:{{.Tag}}' 'cryptshare-topology/firewall' | head -n1)}
if [ -z "$image" ]; then
  echo "no cryptshare-topology/firewall image: run a firewall test once (it builds the image), or set CTT_FIREWALL_IMAGE" >&2
  exit 1
fi
project=..
for kind in flat zoned; do
  dotnet run --project "$project" -- generate "$kind" > "$kind-500.nft"
  docker run --rm --network none --cap-add NET_ADMIN --entrypoint sh -v "$PWD:/data" "$image" -c \
    "mkdir -p /run/ctt && ctt-load /data/$kind-500.nft && nft -j list ruleset > /data/$kind-500.json.tmp"
  mv "$kind-500.json.tmp" "$kind-500.json"
  echo "$kind-500.nft -> $kind-500.json ($image)"
done
