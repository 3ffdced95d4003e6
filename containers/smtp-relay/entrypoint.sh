#!/bin/bash
# Starts smtp4dev as one of the relay variants. Everything comes from the environment the fixture
# sets, except the credentials and the TLS key, which it maps as root-only files so they never
# appear in the container's configuration (docker inspect), in an environment or on a command line.
#   CTT_SMTP_MODE  plain | implicit-tls | starttls
#   CTT_SMTP_PORT  the SMTP port (25, 465, 587 by default)
#   CTT_API_PORT   smtp4dev's web API, used by the harness to read what arrived
#   /etc/ctt/smtp/credentials   two lines: user name, password
#   /etc/ctt/tls/server.pem, /etc/ctt/tls/server.key   (TLS variants)
# Root hands the account and the key to the user ctt-relay in its own owner-only folder, then
# smtp4dev runs as that user without any capability (the container lets any user listen below
# port 1024: net.ipv4.ip_unprivileged_port_start=0, set by the harness).
set -euo pipefail

mode=${CTT_SMTP_MODE:?CTT_SMTP_MODE is not set}
port=${CTT_SMTP_PORT:?CTT_SMTP_PORT is not set}
api=${CTT_API_PORT:?CTT_API_PORT is not set}
user_name=ctt-relay
data=/var/lib/smtp4dev
install -d -o "$user_name" -g "$user_name" -m 0700 "$data"

# smtp4dev reads its account from its user settings file ($data/appsettings.json; --baseappdatapath),
# owner-only: the password reaches it through that file, never through its environment or argv.
# JSON strings: the fixture refuses control characters, so escaping \ and " is all there is to do.
json() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{ IFS= read -r user && IFS= read -r password; } < /etc/ctt/smtp/credentials
(
  umask 077
  printf '{"ServerOptions":{"Users":[{"Username":%s,"Password":%s}]}}\n' "$(json "$user")" "$(json "$password")" > "$data/appsettings.json"
)
unset password
chown "$user_name:$user_name" "$data/appsettings.json"

args=(
  --baseappdatapath="$data"
  --db=                       # in memory: every container starts empty
  --imapport= --pop3port=     # SMTP only
  --urls="http://*:${api}"
  --smtpport="$port"
  --hostname="$(cat /proc/sys/kernel/hostname)"
  --smtpallowanycredentials-  # AUTH checks the user above, whether or not it is required
  --messagestokeep=1000
)

case "$mode" in
  plain)
    args+=(--tlsmode=None) ;;
  implicit-tls|starttls)
    install -o "$user_name" -g "$user_name" -m 0400 /etc/ctt/tls/server.key "$data/server.key"
    tls=(--tlscertificate=/etc/ctt/tls/server.pem --tlscertificateprivatekey="$data/server.key" --authenticationrequired --secureconnectionrequired)
    if [ "$mode" = implicit-tls ]; then
      args+=(--tlsmode=ImplicitTls "${tls[@]}")
    else
      # No AUTH mechanism before STARTTLS, as a real submission server: credentials never travel in clear.
      args+=(--tlsmode=StartTls "${tls[@]}" --SmtpAuthTypesNotSecure=)
    fi ;;
  *)
    echo "smtp-relay: unknown CTT_SMTP_MODE '$mode' (plain, implicit-tls, starttls)" >&2
    exit 64 ;;
esac

exec setpriv --reuid="$user_name" --regid="$user_name" --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  -- env HOME="$data" dotnet /opt/smtp4dev/Rnwood.Smtp4dev.dll "${args[@]}"
