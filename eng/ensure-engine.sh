#!/usr/bin/env bash
# Makes sure a Docker engine with API >= 1.44 answers and that every base image the Dockerfiles
# name (FROM) is in the local cache. Idempotent: when all is already there it only asks the engine
# two questions and returns (well under a second).
#
# Where no engine answers and the host is Debian with root, it installs docker.io from Debian 13
# (trixie, pinned low so nothing else comes from it) and starts dockerd in the background. Where no
# registry answers, it seeds debian:bookworm-slim with debootstrap + docker import under the same tag
# a registry would give, so the Dockerfiles are identical in both worlds. See shared ENVIRONMENT.md.
set -euo pipefail

MIN_API="1.44"
LOG_DIR="${CTT_STATE_DIR:-/var/tmp/cryptshare-topology}"
BASE_IMAGES=(debian:bookworm-slim)

say() { printf '[setup] %s\n' "$*" >&2; }

fail() {
  # One paragraph that says what to do: no stack trace.
  printf '\ncryptshare-topology: %s\n\n' "$*" >&2
  exit 3
}

api_ok() {
  local v
  v=$(timeout 5 docker version --format '{{.Server.APIVersion}}' 2>/dev/null) || return 1
  [ -n "$v" ] || return 1
  # version compare: MIN_API <= v
  [ "$(printf '%s\n%s\n' "$MIN_API" "$v" | sort -V | head -n1)" = "$MIN_API" ]
}

is_debian_root() {
  [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null
}

debian_uri() {
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '/^deb / && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list)
  fi
  printf '%s' "${uri:-http://deb.debian.org/debian}"
}

install_engine() {
  local uri
  uri=$(debian_uri)
  say "no Docker engine with API >= $MIN_API answers; installing docker.io from Debian trixie (pinned low)"
  if [ ! -f /etc/apt/sources.list.d/cryptshare-topology-trixie.sources ]; then
    cat > /etc/apt/sources.list.d/cryptshare-topology-trixie.sources <<SRC
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat > /etc/apt/preferences.d/cryptshare-topology-trixie <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # Only these three packages are selected from trixie (pkg/suite); every dependency apt can satisfy
  # from bookworm stays bookworm's. Never apt's target-release switch (-t) with trixie: it raises all of trixie to priority
  # 990 for the command, so libc6, systemd, perl, openssl, base-files and python3 would be upgraded
  # to the next Debian release along with the engine.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io/trixie docker-cli/trixie docker-compose/trixie >&2
}

start_engine() {
  mkdir -p "$LOG_DIR"
  # A dockerd that is still starting is waited for; a dead one (a zombie left by a killed session
  # counts as a process to pgrep) is not, so look at the process state too.
  local live=""
  for pid in $(pgrep -x dockerd || true); do
    case "$(ps -o stat= -p "$pid" 2>/dev/null)" in Z*|"") ;; *) live=$pid ;; esac
  done
  if [ -z "$live" ]; then
    # A killed dockerd may still be going away, and leaves its pid file behind: wait for the old
    # process to be gone (or a zombie), then drop the stale file so the new daemon can start.
    local old
    old=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -n "$old" ]; then
      for _ in $(seq 1 100); do
        case "$(ps -o stat= -p "$old" 2>/dev/null)" in Z*|"") break ;; esac
        sleep 0.1
      done
      case "$(ps -o stat= -p "$old" 2>/dev/null)" in Z*|"") rm -f /var/run/docker.pid ;; esac
    fi
    say "starting dockerd (log: $LOG_DIR/dockerd.log)"
    # The packaged dockerd; a client-only docker on PATH (/usr/local/bin) must not shadow it.
    local dockerd=/usr/sbin/dockerd
    [ -x "$dockerd" ] || dockerd=$(command -v dockerd)
    nohup "$dockerd" >"$LOG_DIR/dockerd.log" 2>&1 &
  fi
  local i
  for i in $(seq 1 120); do
    api_ok && return 0
    # Wait on the engine's own answer, not on time: poll its API.
    timeout 1 docker info >/dev/null 2>&1 && api_ok && return 0
    sleep 0.25
  done
  fail "dockerd was started but did not answer within 30 s; see $LOG_DIR/dockerd.log."
}

ensure_engine() {
  api_ok && return 0
  if command -v docker >/dev/null && timeout 5 docker version >/dev/null 2>&1; then
    local have
    have=$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null || echo '?')
    if ! is_debian_root; then
      fail "the Docker engine answers with API $have, but Testcontainers needs API $MIN_API or newer (Docker Engine 25+). Upgrade Docker and run this again."
    fi
  fi
  if ! is_debian_root; then
    fail "no Docker engine answers. Start Docker (Docker Desktop, or 'sudo systemctl start docker'), or install Docker Engine 25 or newer (https://docs.docker.com/engine/install/), then run this again. On Debian as root this script installs and starts one itself."
  fi
  if [ ! -x /usr/sbin/dockerd ] || ! /usr/sbin/dockerd --version 2>/dev/null | grep -qE 'version (2[5-9]|[3-9][0-9])'; then
    install_engine
  fi
  start_engine
}

seed_base_image() {
  local image=$1
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  say "base image $image is not cached; trying the registry"
  if timeout 60 docker pull -q "$image" >/dev/null 2>&1; then return 0; fi
  case "$image" in
    debian:bookworm-slim) ;;
    *) fail "base image $image is missing and no registry answers; only debian:bookworm-slim can be built locally." ;;
  esac
  is_debian_root || fail "base image $image is missing, no registry answers, and building it needs root on Debian (debootstrap)."
  say "no registry answers; building $image with debootstrap (about 25 s)"
  if ! command -v debootstrap >/dev/null; then
    # A fresh machine's package lists may be empty: update once if the install finds nothing.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
  fi
  local root
  root=$(mktemp -d /var/tmp/ctt-rootfs.XXXXXX)
  debootstrap --variant=minbase bookworm "$root" "$(debian_uri)" >"$LOG_DIR/debootstrap.log" 2>&1 \
    || fail "debootstrap failed; see $LOG_DIR/debootstrap.log."
  # Same apt sources inside as on the host, so apt-get in Dockerfiles reaches the same mirror.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$image" >/dev/null
  rm -rf "$root"
}

main() {
  mkdir -p "$LOG_DIR"
  ensure_engine
  local img
  for img in "${BASE_IMAGES[@]}"; do seed_base_image "$img"; done
}

main "$@"
