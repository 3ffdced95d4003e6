#!/bin/bash
# Writes the proxy's configuration for the profile the fixture chose and runs nginx in the
# foreground. Everything comes from the environment (CTT_*; see ctt-proxy-profile) and the
# certificate files the fixture maps into /etc/ctt/tls/.
set -euo pipefail
for file in /etc/ctt/tls/server.crt /etc/ctt/tls/server.key /etc/ctt/ca.pem; do
  if [ ! -s "$file" ]; then
    echo "reverse-proxy: $file was not mapped in" >&2
    exit 64
  fi
done
ctt-proxy-profile --write-only "${CTT_PROFILE:-pass-through}"
echo "reverse-proxy: profile ${CTT_PROFILE:-pass-through} in front of ${CTT_UPSTREAM_HOST}"
exec nginx -g 'daemon off;'
