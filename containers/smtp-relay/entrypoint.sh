#!/bin/bash
# Starts smtp4dev as one of the relay variants. Everything comes from the environment the fixture
# sets, except the credentials and the TLS key, which it maps as files so they never appear in the
# container's configuration (docker inspect) or on smtp4dev's command line.
#   CTT_SMTP_MODE  plain | implicit-tls | starttls
#   CTT_SMTP_PORT  the SMTP port (25, 465, 587 by default)
#   CTT_API_PORT   smtp4dev's web API, used by the harness to read what arrived
#   /etc/ctt/smtp/credentials   two lines: user name, password
#   /etc/ctt/tls/server.pem, /etc/ctt/tls/server.key   (TLS variants)
set -euo pipefail

mode=${CTT_SMTP_MODE:?CTT_SMTP_MODE is not set}
port=${CTT_SMTP_PORT:?CTT_SMTP_PORT is not set}
api=${CTT_API_PORT:?CTT_API_PORT is not set}

{ IFS= read -r user && IFS= read -r password; } < /etc/ctt/smtp/credentials
# smtp4dev reads its options from the environment too (ServerOptions__…): the password stays out of argv.
export ServerOptions__Users__0__Username="$user" ServerOptions__Users__0__Password="$password"
unset password

args=(
  --nousersettings --baseappdatapath=/var/lib/smtp4dev
  --db=                       # in memory: every container starts empty
  --imapport= --pop3port=     # SMTP only
  --urls="http://*:${api}"
  --smtpport="$port"
  --hostname="$(cat /proc/sys/kernel/hostname)"
  --smtpallowanycredentials-  # AUTH checks the user above, whether or not it is required
  --messagestokeep=1000
)

tls=(--tlscertificate=/etc/ctt/tls/server.pem --tlscertificateprivatekey=/etc/ctt/tls/server.key)
case "$mode" in
  plain)
    args+=(--tlsmode=None) ;;
  implicit-tls)
    args+=(--tlsmode=ImplicitTls "${tls[@]}" --authenticationrequired --secureconnectionrequired) ;;
  starttls)
    # No AUTH mechanism before STARTTLS, as a real submission server: credentials never travel in clear.
    args+=(--tlsmode=StartTls "${tls[@]}" --authenticationrequired --secureconnectionrequired --SmtpAuthTypesNotSecure=) ;;
  *)
    echo "smtp-relay: unknown CTT_SMTP_MODE '$mode' (plain, implicit-tls, starttls)" >&2
    exit 64 ;;
esac

exec dotnet /opt/smtp4dev/Rnwood.Smtp4dev.dll "${args[@]}"
