#!/bin/bash
# Makes this container's own host keys, the archive user (name in CTT_ARCHIVE_USER; password and
# authorized keys in files the fixture maps in, so no secret is in the environment or a log), and
# runs sshd in the foreground.
set -euo pipefail
user=${CTT_ARCHIVE_USER:?CTT_ARCHIVE_USER is not set}
secrets=/etc/ctt/archive
archive=/srv/archive

# Fresh host keys for every container. ed25519 and ECDSA take milliseconds; an RSA key would
# take a second or more of the start time, and every current client speaks one of these two.
ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
ssh-keygen -q -t ecdsa -b 256 -N '' -f /etc/ssh/ssh_host_ecdsa_key

if ! id "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$user"
fi
if [ ! -s "$secrets/password" ]; then
  echo "archive: no password was mapped to $secrets/password" >&2
  exit 64
fi
# chpasswd reads user:password; the password file holds the password alone, on one line.
{ printf '%s:' "$user"; head -n1 "$secrets/password"; } | chpasswd

home=$(getent passwd "$user" | cut -d: -f6)
install -d -m 0700 -o "$user" -g "$user" "$home/.ssh"
if [ -f "$secrets/authorized_keys" ]; then
  install -m 0600 -o "$user" -g "$user" "$secrets/authorized_keys" "$home/.ssh/authorized_keys"
fi
install -d -m 0750 -o "$user" -g "$user" "$archive"

echo "archive: user $user, folder $archive"
trap 'kill -TERM "$sshd" 2>/dev/null; wait "$sshd"; exit 0' TERM INT
/usr/sbin/sshd -D -e &
sshd=$!
wait "$sshd"
