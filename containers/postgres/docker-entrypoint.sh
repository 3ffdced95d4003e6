#!/bin/bash
# Entrypoint with the official postgres image's contract, written for Debian's packages:
#   - a command that starts with '-' is a list of server options: `postgres` is put in front;
#   - for `postgres …`, on first start (no PG_VERSION in PGDATA) a cluster is created from
#     POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default: the user),
#     POSTGRES_INITDB_ARGS and POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), then
#     /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz run against a server that listens on the
#     Unix socket only, so nothing from outside (a readiness probe either) sees it before it is done;
#   - started as root, it prepares the folders and runs everything as the postgres user;
#   - any other command runs as given.
# Secrets are never echoed: not by this script, not by `set -x` (which it does not use).
set -Eeuo pipefail

log() { echo "postgres-entrypoint: $*"; }
die() { echo "postgres-entrypoint: $*" >&2; exit 1; }

# VAR or VAR_FILE (Docker secrets), never both; the default applies when neither is set.
read_setting() {
  local name=$1 default=${2:-} file_name="${1}_FILE"
  if [ -n "${!name:-}" ] && [ -n "${!file_name:-}" ]; then
    die "both $name and $file_name are set; give one of them"
  fi
  local value=$default
  if [ -n "${!name:-}" ]; then
    value=${!name}
  elif [ -n "${!file_name:-}" ]; then
    value=$(< "${!file_name}")
  fi
  export "$name"="$value"
  unset "$file_name"
}

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" != 'postgres' ]; then
  exec "$@"
fi

export PGDATA=${PGDATA:-/var/lib/postgresql/data}

if [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

read_setting POSTGRES_USER postgres
read_setting POSTGRES_PASSWORD
read_setting POSTGRES_DB "$POSTGRES_USER"
read_setting POSTGRES_INITDB_ARGS
POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
if [ -n "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" = 'trust' ]; then
  log "POSTGRES_HOST_AUTH_METHOD=trust: the password is set but not asked for from other hosts"
fi

run_sql() {
  psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" "$@"
}

run_init_files() {
  local file
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh)
        if [ -x "$file" ]; then
          log "running $file"; "$file"
        else
          log "sourcing $file"; . "$file"
        fi ;;
      *.sql)    log "running $file"; run_sql --dbname "$POSTGRES_DB" -f "$file" ;;
      *.sql.gz) log "running $file"; gunzip -c "$file" | run_sql --dbname "$POSTGRES_DB" ;;
      */\*)     ;; # the folder is empty
      *)        log "ignoring $file" ;;
    esac
  done
}

initialise_cluster() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
    die "the database is not initialised and POSTGRES_PASSWORD is empty: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without one)"
  fi

  # Word-splitting of POSTGRES_INITDB_ARGS is wanted: a list of options, as in the official image.
  # The password goes through a pipe, never the command line (/proc/*/cmdline is world-readable).
  if [ -n "$POSTGRES_PASSWORD" ]; then
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pgdata="$PGDATA" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  else
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pgdata="$PGDATA" $POSTGRES_INITDB_ARGS
  fi

  # initdb trusts local (socket and loopback) connections; every other host must authenticate.
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

  # A private server: the caller's options, but no TCP listener until the setup is complete.
  local options
  options=$(printf '%q ' "${@:2}" -c "listen_addresses=" -p 5432)
  PGUSER=$POSTGRES_USER pg_ctl --pgdata="$PGDATA" --options="$options" --wait --silent start

  export PGHOST= PGHOSTADDR=
  local exists
  exists=$(run_sql --dbname postgres --tuples-only --no-align -v db="$POSTGRES_DB" \
    <<< "SELECT 1 FROM pg_database WHERE datname = :'db';")
  if [ -z "$exists" ]; then
    run_sql --dbname postgres -v db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db";'
    log "created database $POSTGRES_DB"
  fi
  run_init_files

  pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
  unset PGHOST PGHOSTADDR
  log "cluster initialised for user $POSTGRES_USER, database $POSTGRES_DB; starting the server"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initialise_cluster "$@"
else
  log "PGDATA already holds a cluster; starting it as it is"
fi

exec "$@"
