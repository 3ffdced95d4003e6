#!/usr/bin/env bash
# Regenerates each sample's .json from its .nft with the real nft of the firewall image (nft 1.0.6),
# loaded exactly as the harness loads a rule set: ctt-load, i.e. `flush ruleset`, the trace table and
# the file in one transaction; then `nft -j list ruleset`. Never write a .json by hand.
#   ./regenerate.sh                 every sample
#   ./regenerate.sh 03-sets.nft     one
set -euo pipefail
cd "$(dirname "$0")"
image=${CTT_FIREWALL_IMAGE:-$(docker images --format '{{.Repository}}:{{.Tag}}' 'cryptshare-topology/firewall' | head -n1)}
if [ -z "$image" ]; then
  echo "no cryptshare-topology/firewall image: run a firewall test once (it builds the image), or set CTT_FIREWALL_IMAGE" >&2
  exit 1
fi
trap 'rm -f ./*.json.tmp' EXIT
for nft in "${@:-*.nft}"; do
  for file in $nft; do
    docker run --rm --network none --cap-add NET_ADMIN --entrypoint sh -v "$PWD/$file:/rules.nft:ro" "$image" \
      -c 'mkdir -p /run/ctt && ctt-load /rules.nft && nft -j list ruleset' > "${file%.nft}.json.tmp"
    mv "${file%.nft}.json.tmp" "${file%.nft}.json"
    echo "$file -> ${file%.nft}.json ($image)"
  done
done
