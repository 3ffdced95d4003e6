#!/usr/bin/env bash
# Regenerates each sample's .json (and .txt) from its .nft with the real nft of the firewall image
# (nft 1.0.6), loaded exactly as the harness loads a rule set: ctt-load, i.e. `flush ruleset`, the
# trace table and the file in one transaction; then `nft -j list ruleset` (what the oracle reads)
# and `nft -a list ruleset` (nft's own rule texts, to check the oracle's rendering). Never write
# either by hand.
#   ./regenerate.sh                 every sample
#   ./regenerate.sh 03-sets.nft     one
set -euo pipefail
cd "$(dirname "$0")"
image=${CTT_FIREWALL_IMAGE:-$(docker images --format '{{.Repository}}:{{.Tag}}' 'cryptshare-topology/firewall' | head -n1)}
if [ -z "$image" ]; then
  echo "no cryptshare-topology/firewall image: run a firewall test once (it builds the image), or set CTT_FIREWALL_IMAGE" >&2
  exit 1
fi
trap 'rm -f ./*.tmp' EXIT
for pattern in "${@:-*.nft}"; do
  for file in $pattern; do
    name=${file%.nft}
    docker run --rm --network none --cap-add NET_ADMIN --entrypoint sh -v "$PWD:/samples" "$image" -c \
      "mkdir -p /run/ctt && ctt-load /samples/$file && nft -j list ruleset > /samples/$name.json.tmp && nft -a list ruleset > /samples/$name.txt.tmp"
    mv "$name.json.tmp" "$name.json"
    mv "$name.txt.tmp" "$name.txt"
    echo "$file -> $name.json, $name.txt ($image)"
  done
done
