#!/usr/bin/env bash
# Makes sure a Docker engine with API >= 1.44 answers and that the base image the Dockerfiles under
# containers/ name (FROM debian:bookworm-slim) is in its cache.
#
#   eng/ensure-engine.sh               does what is missing: one line per step on the terminal, the
#                                      tools' own output (apt, debootstrap, docker) in the set-up log
#   eng/ensure-engine.sh --print-plan  says what it would do on this machine and does none of it
#   eng/ensure-engine.sh --engine-only the engine alone: whoever calls it brings the base image (e.g.
#                                      docker save | docker load from another engine, faster than
#                                      debootstrap: the Scale tests' second engine gets it that way)
#
# Idempotent: when all is in place it asks the engine two questions, says "nothing to do" and
# returns (well under a second).
#
# Where no engine answers and the host is Debian with root, it installs Docker from Debian 13
# (trixie) and starts dockerd. Only docker.io, docker-cli and docker-compose are selected from trixie
# (pkg/suite); apt then takes containerd from trixie too, because docker.io needs a newer one than
# bookworm has, and every other dependency from bookworm. Never apt's target-release switch (-t)
# with trixie: it raises all of trixie to priority 990 for the command, so libc6, systemd, perl,
# openssl, base-files and python3 would be upgraded to the next Debian release along with the engine.
# Where no registry answers, it builds debian:bookworm-slim with debootstrap + docker import under
# the same tag a registry would give, so the Dockerfiles are the same in both worlds.
#
# Everything it can change on a machine, and how to undo each change, is listed in README.md
# ("What the set-up changes on your machine"). Exit codes: 0 done (or nothing to do), 2 usage,
# 3 no engine could be had (one paragraph says why and what to do).
set -euo pipefail

MIN_API="1.44"
MIN_DOCKERD_MAJOR=25
STATE_DIR="${CTT_STATE_DIR:-/var/tmp/cryptshare-topology}"
LOG="$STATE_DIR/setup.log"
DOCKERD_LOG="$STATE_DIR/dockerd.log"
BASE_IMAGE="debian:bookworm-slim"
TRIXIE_SOURCE="/etc/apt/sources.list.d/cryptshare-topology-trixie.sources"
TRIXIE_PIN="/etc/apt/preferences.d/cryptshare-topology-trixie"
ENGINE_PACKAGES=(docker.io/trixie docker-cli/trixie docker-compose/trixie)
export DEBIAN_FRONTEND=noninteractive
# apt's and dpkg's messages are parsed here (Inst lines, madison): in the untranslated form.
export LC_ALL=C

CHANGES=()       # what this run changed, for the closing line
SCRATCH_DIRS=()  # temporary folders this run created (mktemp), removed on exit
LOG_OPEN=""
LOG_FIRST_LINE=1 # where this run's part of the log begins

cleanup() {
  local dir
  for dir in "${SCRATCH_DIRS[@]}"; do
    # --one-file-system: never follow into a file system mounted below (debootstrap mounts /proc
    # inside its target while it works; an interrupted run may leave it there).
    [ -d "$dir" ] && rm -rf --one-file-system -- "$dir"
  done
  return 0
}
trap cleanup EXIT

new_scratch_dir() {
  # new_scratch_dir TEMPLATE: a new temporary folder in SCRATCH, which cleanup removes. These are
  # the only folders this script deletes. (Not printed: a $(…) subshell could not register it.)
  SCRATCH=$(mktemp -d "$1")
  SCRATCH_DIRS+=("$SCRATCH")
}

# --- output -----------------------------------------------------------------------------------

open_log() {
  [ -n "$LOG_OPEN" ] && return 0
  if ! { mkdir -p -- "$STATE_DIR" && touch -- "$LOG"; } 2>/dev/null; then
    LOG=$(mktemp "${TMPDIR:-/tmp}/cryptshare-topology-setup.XXXXXX.log")
  fi
  LOG_OPEN=1
  LOG_FIRST_LINE=$(($(wc -l <"$LOG") + 1))
  printf '\n=== %s eng/ensure-engine.sh (pid %s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" >>"$LOG"
}

say() {
  # One line on the terminal per step; the same line in the log, between the tools' output.
  printf '[setup] %s\n' "$*" >&2
  open_log
  printf '[setup] %s\n' "$*" >>"$LOG"
}

changed() { CHANGES+=("$*"); }

joined() {
  local out="" item
  for item in "$@"; do out+="${out:+; }$item"; done
  printf '%s' "$out"
}

fail() {
  # One paragraph that says what to do: no stack trace.
  printf '\ncryptshare-topology: %s\n' "$*" >&2
  if [ "${#CHANGES[@]}" -gt 0 ]; then
    printf 'Changed before this: %s.\n' "$(joined "${CHANGES[@]}")" >&2
  fi
  printf '\n' >&2
  exit 3
}

run_logged() {
  # run_logged DESCRIPTION COMMAND [ARG...]: the command's output goes to the log only; on failure
  # the terminal gets the error, the log's last lines and the log's path.
  local what=$1 status=0
  shift
  open_log
  printf '$ %s\n' "$*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 </dev/null || status=$?
  [ "$status" -eq 0 ] && return 0
  {
    printf '\ncryptshare-topology: set-up failed: %s (exit code %s).\n' "$what" "$status"
    printf 'Last lines of %s:\n' "$LOG"
    # This run's lines only. dpkg and apt draw progress with carriage returns: one line each here.
    tail -n "+$LOG_FIRST_LINE" "$LOG" | tr '\r' '\n' | grep -v '^[[:space:]]*$' | tail -n 15 | sed 's/^/    /'
    if [ "${#CHANGES[@]}" -gt 0 ]; then
      printf 'Changed before the failure: %s.\n' "$(joined "${CHANGES[@]}")"
    fi
    printf 'The whole log: %s\n\n' "$LOG"
  } >&2
  exit 3
}

# --- what is there ----------------------------------------------------------------------------

server_api() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 5 docker version --format '{{.Server.APIVersion}}' 2>/dev/null
}

api_ok() {
  local v
  v=$(server_api) || return 1
  [ -n "$v" ] || return 1
  # version compare: MIN_API <= v
  [ "$(printf '%s\n%s\n' "$MIN_API" "$v" | sort -V | head -n1)" = "$MIN_API" ]
}

is_debian_root() {
  [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null
}

under_systemd() { [ -d /run/systemd/system ]; }

dockerd_path() {
  # The packaged dockerd; a client-only docker on PATH (/usr/local/bin) must not shadow it.
  if [ -x /usr/sbin/dockerd ]; then printf '%s' /usr/sbin/dockerd; else command -v dockerd || true; fi
}

engine_installed() {
  # A dockerd new enough for API 1.44, and the docker command (docker-cli) to talk to it.
  local dockerd major
  dockerd=$(dockerd_path)
  [ -n "$dockerd" ] && command -v docker >/dev/null 2>&1 || return 1
  major=$("$dockerd" --version 2>/dev/null | sed -nE 's/^Docker version ([0-9]+)\..*/\1/p')
  [ -n "$major" ] && [ "$major" -ge "$MIN_DOCKERD_MAJOR" ]
}

process_state() {
  # The state letter of process $1 (R, S, Z, …), nothing when it is gone. From /proc: a fresh
  # Debian root (bookworm-slim) has no procps (ps, pgrep).
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  printf '%s' "${stat%% *}"
}

live_dockerd() {
  # Prints the pid of a running dockerd. A zombie left by a killed session still has a /proc entry
  # but is not running: look at the process state too.
  local dir
  for dir in /proc/[0-9]*; do
    [ "$(cat "$dir/comm" 2>/dev/null)" = dockerd ] || continue
    case "$(process_state "${dir#/proc/}")" in Z|X|"") ;; *) printf '%s' "${dir#/proc/}"; return 0 ;; esac
  done
  return 1
}

debian_uri() {
  # The mirror of this machine's bookworm entry (deb822 or one-line format), so the trixie entry and
  # debootstrap use the same one.
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk 'BEGIN { RS = "" }
      /(^|\n)Suites:([^\n]*[ \t])?bookworm([ \t]|\n|$)/ {
        if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) { s = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", s); print s; exit }
      }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(sed -E 's/\[[^]]*\]//' /etc/apt/sources.list | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
  fi
  uri=${uri:-http://deb.debian.org/debian}
  # It is written into an apt source file and handed to debootstrap: nothing but a plain URI.
  if ! [[ "$uri" =~ ^[A-Za-z][A-Za-z0-9+.-]*:[^[:space:]\"\'\`\$\\]+$ ]]; then
    fail "the Debian mirror of this machine's apt sources is not a plain URI: '$uri'. Fix /etc/apt/sources.list.d/debian.sources (or /etc/apt/sources.list) and run this again."
  fi
  printf '%s' "$uri"
}

trixie_source_text() {
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$1"
}

trixie_pin_text() {
  # Priority 100 (below bookworm's 500): nothing comes from trixie unless asked for by pkg/trixie.
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n'
}

installed_packages() {
  # "name version" for each installed package, sorted: before/after lists tell what an install did.
  dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Version}\n' | awk -F'|' '$1 ~ /^ii/ { print $2, $3 }' | sort
}

suites_of() {
  # suites_of NAME VERSION [APT OPTION...]: the suites (bookworm, trixie, …) that offer this version.
  local name=$1 version=$2
  shift 2
  apt-cache "$@" madison "$name" 2>/dev/null | awk -F'|' -v v="$version" '
    { gsub(/^[ \t]+|[ \t]+$/, "", $2); if ($2 != v) next
      split($3, words, " "); split(words[2], suite, "/"); if (!(suite[1] in seen)) { seen[suite[1]]; out = out (out ? ", " : "") suite[1] } }
    END { print (out ? out : "no configured suite") }'
}

with_suites() {
  # Reads "name version" lines; prints "name version (suites)" lines.
  local name version
  while read -r name version; do
    [ -n "$name" ] && printf '%s %s (%s)\n' "$name" "$version" "$(suites_of "$name" "$version" "$@")"
  done
}

newly_installed() {
  # newly_installed BEFORE: what was added or changed since the list BEFORE, with suites.
  comm -13 <(printf '%s\n' "$1") <(installed_packages) | with_suites
}

simulated_install() {
  # simulated_install [APT OPTION...] -- PACKAGE...: "name version (suites)" for each package the
  # install would add or upgrade, from apt-get's simulation (changes nothing).
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  apt-get "${opts[@]}" -s install --no-install-recommends "$@" 2>/dev/null \
    | sed -nE 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .*/\1 \3/p' | with_suites "${opts[@]}"
}

one_line() { paste -sd'\t' - | sed 's/\t/, /g'; }

# --- doing ------------------------------------------------------------------------------------

write_new_file() {
  # write_new_file PATH TEXT: only where the file is missing; an existing one is the user's.
  [ -e "$1" ] && return 0
  printf '%s\n' "$2" >"$1"
  changed "wrote $1"
}

install_engine() {
  local uri before packages
  uri=$(debian_uri)
  say "adding Debian trixie ($uri) as a package source pinned at priority 100: $TRIXIE_SOURCE, $TRIXIE_PIN"
  write_new_file "$TRIXIE_SOURCE" "$(trixie_source_text "$uri")"
  write_new_file "$TRIXIE_PIN" "$(trixie_pin_text)"
  say "updating the package lists (apt-get update)"
  run_logged "apt-get update" apt-get update
  changed "updated the package lists"
  packages=$(simulated_install -- "${ENGINE_PACKAGES[@]}" | one_line)
  say "installing ${packages:-docker.io, docker-cli, docker-compose (trixie)}"
  before=$(installed_packages)
  run_logged "apt-get install --no-install-recommends ${ENGINE_PACKAGES[*]}" \
    apt-get install -y --no-install-recommends "${ENGINE_PACKAGES[@]}"
  packages=$(newly_installed "$before" | one_line)
  [ -z "$packages" ] || changed "installed $packages"
}

start_engine() {
  api_ok && return 0
  local pid old dockerd
  if under_systemd && systemctl cat docker.service >/dev/null 2>&1; then
    say "starting docker.service (systemctl start docker)"
    run_logged "systemctl start docker.service" systemctl start docker.service
    changed "started docker.service"
  elif pid=$(live_dockerd); then
    say "waiting for the running dockerd (pid $pid) to answer"
  else
    # A killed dockerd may still be going away, and leaves its pid file behind: wait for the old
    # process to be gone (or a zombie), then drop the stale file so the new daemon can start.
    old=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [[ "$old" =~ ^[0-9]+$ ]]; then
      for _ in $(seq 1 100); do
        case "$(process_state "$old")" in Z|X|"") break ;; esac
        sleep 0.1
      done
      case "$(process_state "$old")" in Z|X|"") rm -f /var/run/docker.pid ;; esac
    fi
    dockerd=$(dockerd_path)
    mkdir -p -- "$STATE_DIR"
    say "starting dockerd in the background ($dockerd, log: $DOCKERD_LOG)"
    # Its own session: a Ctrl-C or hang-up of the caller's terminal does not reach it.
    setsid nohup "$dockerd" >"$DOCKERD_LOG" 2>&1 </dev/null &
    changed "started dockerd (pid $!, log $DOCKERD_LOG)"
  fi
  local _i
  for _i in $(seq 1 120); do
    # Wait on the engine's own answer, not on time: poll its API.
    api_ok && return 0
    sleep 0.25
  done
  local have
  have=$(server_api || true)
  if [ -n "$have" ]; then
    fail "the running Docker engine answers with API $have, but Testcontainers needs API $MIN_API or newer. Restart it so the newly installed dockerd runs (e.g. 'systemctl restart docker', or stop the old dockerd), then run this again."
  fi
  fail "dockerd was started but did not answer within 30 s; see $DOCKERD_LOG."
}

remote_engine() {
  # DOCKER_HOST naming anything but this machine's default socket: an engine this script cannot
  # install or start (it may be on another machine). The harness then uses that engine as it is.
  [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "unix:///var/run/docker.sock" ]
}

ensure_engine() {
  api_ok && return 0
  if remote_engine; then
    local have
    have=$(server_api || true)
    if [ -n "$have" ]; then
      fail "the Docker engine DOCKER_HOST names ($DOCKER_HOST) answers with API $have, but Testcontainers needs API $MIN_API or newer (Docker Engine $MIN_DOCKERD_MAJOR+). Upgrade that engine, or unset DOCKER_HOST to use this machine's."
    fi
    fail "the Docker engine DOCKER_HOST names ($DOCKER_HOST) does not answer. This set-up installs and starts engines on this machine only: start that engine (or check the address), or unset DOCKER_HOST to use this machine's."
  fi
  if ! is_debian_root; then
    local have
    have=$(server_api || true)
    if [ -n "$have" ]; then
      fail "the Docker engine answers with API $have, but Testcontainers needs API $MIN_API or newer (Docker Engine $MIN_DOCKERD_MAJOR+). Upgrade Docker and run this again."
    fi
    fail "no Docker engine answers. Start Docker (Docker Desktop, or 'sudo systemctl start docker'), or install Docker Engine $MIN_DOCKERD_MAJOR or newer (https://docs.docker.com/engine/install/), then run this again. On Debian as root this script installs and starts one itself (eng/ensure-engine.sh --print-plan shows what it would change)."
  fi
  engine_installed || install_engine
  start_engine
}

import_rootfs() {
  tar -C "$1" -c . | docker import -c 'CMD ["bash"]' - "$BASE_IMAGE"
}

install_debootstrap() {
  local before packages
  packages=$(simulated_install -- debootstrap | one_line)
  say "installing ${packages:-debootstrap} (to build $BASE_IMAGE)"
  before=$(installed_packages)
  # A fresh machine's package lists may be empty: update once if the install finds nothing.
  if ! apt-get install -y --no-install-recommends debootstrap >>"$LOG" 2>&1 </dev/null; then
    say "updating the package lists (apt-get update), then installing debootstrap"
    run_logged "apt-get update" apt-get update
    changed "updated the package lists"
    run_logged "apt-get install --no-install-recommends debootstrap" apt-get install -y --no-install-recommends debootstrap
  fi
  packages=$(newly_installed "$before" | one_line)
  [ -z "$packages" ] || changed "installed $packages"
}

ensure_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  say "base image $BASE_IMAGE is not cached: asking a registry (docker pull)"
  open_log
  if timeout 60 docker pull -q "$BASE_IMAGE" >>"$LOG" 2>&1 </dev/null; then
    changed "pulled $BASE_IMAGE"
    return 0
  fi
  is_debian_root || fail "base image $BASE_IMAGE is missing, no registry answers, and building it needs root on Debian (debootstrap)."
  command -v debootstrap >/dev/null || install_debootstrap
  local uri root
  uri=$(debian_uri)
  new_scratch_dir /var/tmp/ctt-rootfs.XXXXXX
  root=$SCRATCH
  say "no registry answers: building $BASE_IMAGE with debootstrap --variant=minbase bookworm from $uri (about 25 s)"
  run_logged "debootstrap --variant=minbase bookworm $root $uri" debootstrap --variant=minbase bookworm "$root" "$uri"
  # The image keeps debootstrap's apt source (the same mirror); no downloaded packages or lists.
  rm -rf --one-file-system -- "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  run_logged "docker import of the debootstrap root as $BASE_IMAGE" import_rootfs "$root"
  rm -rf --one-file-system -- "$root"
  changed "built $BASE_IMAGE with debootstrap"
}

# --- planning ---------------------------------------------------------------------------------

PLAN=""          # the plan's text, built step by step
PLAN_STEP=0
SCRATCH_APT=()   # apt options for simulations (see plan_apt), once made

step() { PLAN_STEP=$((PLAN_STEP + 1)); PLAN+="$PLAN_STEP. $*"$'\n'; }

detail() {
  # The lines of each argument, indented under the step.
  local line
  while IFS= read -r line; do
    [ -n "$line" ] && PLAN+="     $line"$'\n'
  done <<<"$(printf '%s\n' "$@")"
  return 0
}

plan_apt() {
  # apt options for simulations: this machine's sources and preferences plus the trixie entry and
  # pin the set-up would write, with package lists and cache in a temporary folder. Planning thus
  # downloads package lists into that folder only and leaves this machine's apt state as it is.
  [ "${#SCRATCH_APT[@]}" -gt 0 ] && return 0
  local dir file uri
  uri=$(debian_uri)
  new_scratch_dir "${TMPDIR:-/tmp}/ctt-plan.XXXXXX"
  dir=$SCRATCH
  mkdir -p "$dir/sources.list.d" "$dir/preferences.d" "$dir/lists/partial" "$dir/cache/archives/partial"
  for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && cp -p -- "$file" "$dir/sources.list.d/"
  done
  for file in /etc/apt/preferences.d/*; do
    [ -f "$file" ] && cp -p -- "$file" "$dir/preferences.d/"
  done
  printf '%s\n' "$(trixie_source_text "$uri")" >"$dir/sources.list.d/cryptshare-topology-trixie.sources"
  printf '%s\n' "$(trixie_pin_text)" >"$dir/preferences.d/cryptshare-topology-trixie"
  # The lists this machine already has: apt then fetches only what changed since.
  for file in /var/lib/apt/lists/*; do
    [ -f "$file" ] && [ "${file##*/}" != lock ] && cp -p -- "$file" "$dir/lists/"
  done
  SCRATCH_APT=(-o "Dir::Etc::SourceParts=$dir/sources.list.d" -o "Dir::Etc::PreferencesParts=$dir/preferences.d"
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
  printf '(planning: reading the package lists of this machine'"'"'s sources and of trixie into %s, removed afterwards)\n' "$dir" >&2
  if ! apt-get "${SCRATCH_APT[@]}" update >"$dir/update.log" 2>&1; then
    fail "planning needs the package lists, and apt-get update into $dir failed: $(grep -E '^(E|W): ' "$dir/update.log" | tail -n 3 | paste -sd' ' -)"
  fi
}

plan_engine() {
  # Returns 1 where the set-up would stop (nothing after that step would happen).
  local api pid packages dockerd
  api=$(server_api || true)
  if remote_engine; then
    step "DOCKER_HOST names the engine $DOCKER_HOST, which ${api:+answers with API $api, older than $MIN_API}${api:-does not answer}: install nothing on this machine; stop and ask you to start or upgrade that engine, or to unset DOCKER_HOST"
    return 1
  fi
  if ! is_debian_root; then
    if [ -n "$api" ]; then
      step "the Docker engine answers with API $api, older than $MIN_API; as this is not root on Debian, install nothing: stop and ask you to upgrade Docker (Engine $MIN_DOCKERD_MAJOR+)"
    else
      step "no Docker engine answers; as this is not root on Debian, install nothing: stop and ask you to start or install Docker (Engine $MIN_DOCKERD_MAJOR+)"
    fi
    return 1
  fi
  if ! engine_installed; then
    plan_apt
    if [ -e "$TRIXIE_SOURCE" ]; then
      step "keep $TRIXIE_SOURCE (there already)"
    else
      step "write $TRIXIE_SOURCE:"
      detail "$(trixie_source_text "$(debian_uri)")"
    fi
    if [ -e "$TRIXIE_PIN" ]; then
      step "keep $TRIXIE_PIN (there already)"
    else
      step "write $TRIXIE_PIN:"
      detail "$(trixie_pin_text)"
    fi
    step "apt-get update (refreshes the package lists of every source of this machine, trixie's included)"
    packages=$(simulated_install "${SCRATCH_APT[@]}" -- "${ENGINE_PACKAGES[@]}")
    step "apt-get install --no-install-recommends ${ENGINE_PACKAGES[*]}, which installs $(grep -c . <<<"$packages") packages:"
    detail "$packages"
    if under_systemd; then
      detail "under systemd the packages enable and start docker.service, docker.socket and containerd.service: the engine then also starts at every boot"
    fi
  fi
  if [ -n "$api" ]; then
    step "the running engine answers with API $api: stop and ask you to restart it on the new dockerd"
    return 1
  elif under_systemd; then
    step "start docker.service (systemctl start docker) unless the install started it, then wait until it answers with API >= $MIN_API"
  elif pid=$(live_dockerd); then
    step "wait for the running dockerd (pid $pid) to answer"
  else
    dockerd=$(dockerd_path)
    step "start dockerd in the background: ${dockerd:-/usr/sbin/dockerd} (log: $DOCKERD_LOG), then wait until it answers with API >= $MIN_API"
  fi
  plan_dockerd_changes
}

plan_dockerd_changes() {
  local forward policy
  forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo '?')
  policy=$(iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p' || true)
  step "dockerd itself then changes this machine's network (none of it outlives a reboot, unless the engine starts at boot):"
  if [ "$forward" = 1 ]; then
    detail "net.ipv4.ip_forward is 1 already: dockerd leaves it, and the iptables FORWARD policy (${policy:-ACCEPT}), as they are"
  else
    detail "sets net.ipv4.ip_forward to 1 (now $forward), and because it turned forwarding on, the iptables FORWARD policy to DROP (now ${policy:-ACCEPT: no iptables yet}): forwarding for other programs then needs rules of its own"
  fi
  detail "creates the bridge docker0 (172.17.0.1/16, or the next free private /16) and a bridge per Docker network" \
    "adds the iptables chains DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-1 and -2, and a NAT MASQUERADE rule per network" \
    "may load br_netfilter and set net.bridge.bridge-nf-call-iptables and -ip6tables to 1 (for networks that restrict traffic between containers)" \
    "keeps images and containers in /var/lib/docker; socket /var/run/docker.sock, pid file /var/run/docker.pid"
}

plan_base_image() {
  local packages
  if api_ok && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  if api_ok; then
    step "base image $BASE_IMAGE is not cached: docker pull $BASE_IMAGE; where no registry answers:"
  else
    step "base image $BASE_IMAGE (a new engine has none): docker pull $BASE_IMAGE; where no registry answers:"
  fi
  if ! is_debian_root; then
    detail "stop and say that building it needs root on Debian (debootstrap)"
    return 0
  fi
  if command -v debootstrap >/dev/null; then
    detail "debootstrap is installed"
  else
    plan_apt
    packages=$(simulated_install "${SCRATCH_APT[@]}" -- debootstrap | one_line)
    detail "apt-get install --no-install-recommends debootstrap, which installs: ${packages:-nothing new}"
  fi
  detail "debootstrap --variant=minbase bookworm into a temporary folder /var/tmp/ctt-rootfs.XXXXXX from $(debian_uri) (about 25 s), removed afterwards" \
    "docker import of that folder as $BASE_IMAGE"
}

print_plan() {
  if api_ok || plan_engine; then
    plan_base_image
  fi
  if [ "$PLAN_STEP" -eq 0 ]; then
    printf 'nothing to do: the Docker engine answers with API %s and %s is cached.\n' "$(server_api)" "$BASE_IMAGE"
    return 0
  fi
  is_debian_root && step "the tools' output goes to $LOG; the last line on the terminal lists what was changed"
  printf 'The set-up would do this on this machine (nothing has been changed yet):\n%s' "$PLAN"
}

main() {
  local base_image=1
  case "${1:-}" in
    "") ;;
    --print-plan)
      print_plan
      return 0 ;;
    --engine-only)
      base_image="" ;;
    -h|--help)
      sed -n '2,/well under a second/p' "$0" | sed 's/^# \{0,1\}//'
      return 0 ;;
    *)
      printf 'usage: eng/ensure-engine.sh [--print-plan | --engine-only]\n' >&2
      exit 2 ;;
  esac
  ensure_engine
  if [ -z "$base_image" ]; then
    [ "${#CHANGES[@]}" -eq 0 ] || say "changed: $(joined "${CHANGES[@]}"). Log: $LOG"
    return 0
  fi
  ensure_base_image
  if [ "${#CHANGES[@]}" -eq 0 ]; then
    # Not in the log: the set-up runs before every engine verb, and this is no event.
    printf '[setup] nothing to do: the Docker engine answers with API %s and %s is cached\n' "$(server_api)" "$BASE_IMAGE" >&2
  else
    say "changed: $(joined "${CHANGES[@]}"). Log: $LOG"
  fi
}

main "$@"
