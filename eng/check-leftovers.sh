#!/usr/bin/env bash
# After a test run: no container or network labelled by the harness may remain that was not there
# before the run. Those already there (a topology a user keeps up with `up`, another run beside this
# one) are not this run's to judge or to touch: they are named, never removed.
# With CTT_SESSION set (run-tests sets it for its test hosts and every tool they start), an object
# of another session (a run beside this one on the engine) is not this run's either.
# Images labelled org.cryptshare-topology.cached-image are the cache the harness means to keep.
#   eng/check-leftovers.sh --snapshot FILE   record what is there now (before the tests)
#   eng/check-leftovers.sh [FILE]            judge what is there now against FILE's record
set -uo pipefail
command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1 || exit 0

labelled() {
  docker ps -aq --no-trunc --filter label=org.cryptshare-topology | sed 's/^/container /'
  docker network ls -q --no-trunc --filter label=org.cryptshare-topology | sed 's/^/network /'
  # Images the harness labelled but not as its cache (docker's filter has no "label is absent").
  docker images -q --no-trunc --filter label=org.cryptshare-topology | sort -u | while read -r id; do
    [ -n "$id" ] || continue
    cached=$(docker image inspect --format '{{index .Config.Labels "org.cryptshare-topology.cached-image"}}' "$id" 2>/dev/null)
    [ -n "$cached" ] || echo "image $id"
  done
}

if [ "${1:-}" = "--snapshot" ]; then
  labelled | sort -u > "$2"
  exit 0
fi
before=${1:-/dev/null}
now=$(labelled | sort -u)
new=$(comm -13 "$before" <(printf '%s\n' "$now" | sed '/^$/d'))
left=""; beside=""
while read -r kind id; do
  [ -n "$id" ] || continue
  session=""
  if [ -n "${CTT_SESSION:-}" ] && [ "$kind" != image ]; then
    labels='.Labels'; [ "$kind" = container ] && labels='.Config.Labels'
    session=$(docker "$kind" inspect --format "{{index $labels \"org.cryptshare-topology.session\"}}" "$id" 2>/dev/null)
  fi
  if [ -n "$session" ] && [ "$session" != "${CTT_SESSION:-}" ]; then
    beside+="$kind $id"$'\n'
  else
    left+="$kind $id"$'\n'
  fi
done <<<"$new"
left=$(sed '/^$/d' <<<"$left"); beside=$(sed '/^$/d' <<<"$beside")
kept=$(comm -12 "$before" <(printf '%s\n' "$now" | sed '/^$/d'))

cached=$(docker images --filter label=org.cryptshare-topology.cached-image --format '{{.Repository}}:{{.Tag}}' | sort -u | tr '\n' ' ')
echo "[leftovers] cached images kept: ${cached:-none}"
short() { awk '{ printf "%s %s\n", $1, substr($2, index($2, ":") ? index($2, ":") + 1 : 1, 12) }'; }
if [ -n "$kept" ]; then
  echo "[leftovers] there before this run and left alone: $(short <<<"$kept" | tr '\n' ' ')"
fi
if [ -n "$beside" ]; then
  echo "[leftovers] another session's, running beside this one, left alone: $(short <<<"$beside" | tr '\n' ' ')"
fi
if [ -n "$left" ]; then
  echo "[leftovers] this run left behind: $(short <<<"$left" | tr '\n' ' ')" >&2
  exit 1
fi
echo "[leftovers] this run left no harness-labelled container, network or uncached image behind"
