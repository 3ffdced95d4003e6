#!/bin/bash
# Writes the version document for this container's host name (the download link must name the
# host the server asked), makes the download it points at, and runs nginx in the foreground.
# CTT_LATEST_VERSION and CTT_RELEASE_DATE come from the fixture.
set -euo pipefail
version=${CTT_LATEST_VERSION:?CTT_LATEST_VERSION is not set}
released=${CTT_RELEASE_DATE:?CTT_RELEASE_DATE is not set}
host=$(cat /proc/sys/kernel/hostname)
for file in server.crt server.key; do
  if [ ! -s "/etc/ctt/tls/$file" ]; then
    echo "update-server: /etc/ctt/tls/$file was not mapped in" >&2
    exit 64
  fi
done

package=cryptshare-server-$version.tar.gz
mkdir -p /srv/updates/downloads /srv/updates/api/v1/updates /tmp/release
echo "$version" > /tmp/release/VERSION
tar -C /tmp/release -czf "/srv/updates/downloads/$package" VERSION
sha256=$(sha256sum "/srv/updates/downloads/$package" | cut -d' ' -f1)

cat > /srv/updates/api/v1/updates/cryptshare-server.json <<JSON
{
  "product": "cryptshare-server",
  "latestVersion": "$version",
  "releaseDate": "$released",
  "downloadUrl": "https://$host/downloads/$package",
  "sha256": "$sha256"
}
JSON

echo "update-server: cryptshare-server $version for https://$host/"
exec nginx -g 'daemon off;'
