#!/bin/bash
# Builds the repository tree: pool/ with one package, its Packages index (plain and gzip), and
# dists/bookworm/Release listing the indices with their sizes and MD5/SHA1/SHA256/SHA512 sums.
set -euo pipefail
root=$1
binary=dists/bookworm/main/binary-amd64
mkdir -p "$root/pool/main/c/cryptshare-appliance-tools" "$root/$binary"
dpkg-deb --root-owner-group --build /build/package "$root/pool/main/c/cryptshare-appliance-tools/cryptshare-appliance-tools_1.0.3_all.deb"
cd "$root"
apt-ftparchive packages pool/main > "$binary/Packages"
gzip -9 -n -k "$binary/Packages"
apt-ftparchive -c /build/apt-ftparchive.conf release dists/bookworm > dists/bookworm/Release.tmp
mv dists/bookworm/Release.tmp dists/bookworm/Release
