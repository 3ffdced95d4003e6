#!/bin/bash
# Boots fail-closed, then names each interface after its zone, finding it by the address Docker gave
# it (never by ethN order, which Docker does not promise). CTT_ZONES holds one word per zone:
#   internet=10.77.1.254                    Docker gave the interface the zone's own address (compose)
#   internet=10.77.1.254/24@198.18.7.2      Docker gave it 198.18.7.2 on an engine-side network (the
#                                           harness: a block of its private pool); the interface gets
#                                           10.77.1.254/24 in its place, so the engine-side address and
#                                           the Docker bridge behind it are gone from the firewall
# Optionally CTT_RULESET=FILE, a rule set loaded after that.
set -euo pipefail
nft -f /usr/local/lib/ctt/fail-closed.nft
mkdir -p /run/ctt

# Two passes: a customer's names may be Docker's own (eth0…) in another order, so every interface
# first gets a temporary name, then its zone's.
renames=()
i=0
for pair in ${CTT_ZONES:-}; do
  zone=${pair%%=*}; spec=${pair#*=}
  address=${spec%%@*}; engine=${spec#*@}
  [ "$engine" = "$spec" ] && engine=$address
  dev=$(ip -o -4 addr show | awk -v a="$engine" '{split($4, p, "/"); if (p[1] == a) print $2}' | head -n1)
  if [ -z "$dev" ]; then
    echo "firewall: no interface carries $engine for zone $zone" >&2
    exit 64
  fi
  if [ "$engine" != "$address" ]; then
    ip addr flush dev "$dev"
    ip addr add "$address" dev "$dev"
  fi
  ip link set "$dev" down
  ip link set "$dev" name "ctt-tmp$i"
  renames+=("ctt-tmp$i=$zone")
  i=$((i + 1))
done
for rename in "${renames[@]}"; do
  tmp=${rename%%=*}; zone=${rename#*=}
  ip link set "$tmp" name "$zone"
  ip link set "$zone" up
done
# No default route: an address outside the topology has nowhere to go.
ip route del default 2>/dev/null || true
# docker-compose.yml names a rule set to load once the interfaces carry their zone names (the
# harness loads its own with ctt-load instead). If nft rejects it, the firewall stops: still closed.
# An iptables-save file (*table sections closed by COMMIT) is loaded by iptables-restore, as the
# harness's live firewall loads it.
if [ -n "${CTT_RULESET:-}" ]; then
  format=()
  if grep -qE '^\*(filter|nat|mangle|raw|security)[[:space:]]*$' -- "$CTT_RULESET" && grep -qxE 'COMMIT[[:space:]]*' -- "$CTT_RULESET"; then
    format=(--iptables)
  fi
  ctt-load "${format[@]}" "$CTT_RULESET" || { echo "firewall: $CTT_RULESET was not loaded; stopping fail-closed" >&2; exit 65; }
  echo "firewall: loaded $CTT_RULESET"
fi

echo "zones=${CTT_ZONES:-}" > /run/ctt/ready
echo "firewall ready"
trap 'exit 0' TERM INT
sleep infinity &
wait
