#!/usr/bin/env bash
# nft's JSON of the rule sets the diagnosis tests read, from the real nft of the firewall image,
# parsed as `analyze` parses them (the default topology's zones as interfaces; a host firewall file
# inside the server's wrapper, listed as its table). An iptables-save file is first translated by
# the image's iptables-restore-translate (NAME.rules -> NAME.rules.nft), as `run` does. Never write
# any of them by hand. Wrap in the engine lock: flock /tmp/ctt-engine.lock ./regenerate.sh
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../../.. && pwd)
image=${CTT_FIREWALL_IMAGE:-$(docker images --format '{{.Repository}}:{{.Tag}}' 'cryptshare-topology/firewall' | head -n1)}
if [ -z "$image" ]; then
  echo "no cryptshare-topology/firewall image: run a firewall test once (it builds the image), or set CTT_FIREWALL_IMAGE" >&2
  exit 1
fi
# A dummy interface where the kernel has the module, else a bridge: it only has to exist, with its
# name and address, for rules naming it to load.
zones=''
for zone in internet=10.77.1.254/24 dmz=10.77.2.254/24 intranet=10.77.3.254/24 admin=10.77.4.254/24; do
  name=${zone%%=*}; address=${zone#*=}
  zones+="{ ip link add $name type dummy 2>/dev/null || ip link add $name type bridge; }; ip addr add $address dev $name; ip link set $name up; "
done
run() { docker run --rm --network none --cap-add NET_ADMIN --entrypoint sh -v "$PWD:/parsed" -v "$root/fixtures/rulesets:/library:ro" \
  -v "$root/containers/cryptshare-server/host-firewall.nft:/wrapper.nft:ro" "$image" -c "$1"; }
for rules in *.rules; do
  run "iptables-restore-translate -f /parsed/$rules" > "$rules.nft"
done
for file in "$root"/fixtures/rulesets/*.nft ./*.nft; do
  name=$(basename "$file" .nft)
  inside=$([ "${file#./}" != "$file" ] && echo "/parsed/${file#./}" || echo "/library/$(basename "$file")")
  case "$file" in
    *.host.nft) run "set -e; mkdir -p /run/ctt; cp '$inside' /run/ctt/host-firewall.rules; nft -f /wrapper.nft; nft -j list table inet ctt_host" > "$name.json" ;;
    *) run "set -e; ${zones}nft -f '$inside'; nft -j list ruleset" > "$name.json" ;;
  esac
  echo "$file -> $name.json"
done
