#!/usr/bin/env bash
# The packages: the fixtures (Cryptshare.Topology.Fixtures with the library and the probe contract
# it needs) and the command-line tool (Cryptshare.Topology.Tool, a .NET tool) into a local feed,
# artifacts/packages by default. Packed from the Debug build the tests use, so that CI does not
# build everything a second time.
#   eng/pack.sh [FEED-FOLDER]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
feed="${1:-$root/artifacts/packages}"
mkdir -p "$feed"
for project in \
  harness/Cryptshare.Topology.Probing/Cryptshare.Topology.Probing.csproj \
  harness/Cryptshare.Topology/Cryptshare.Topology.csproj \
  fixtures/Cryptshare.Topology.Fixtures/Cryptshare.Topology.Fixtures.csproj \
  harness/Cryptshare.Topology.Cli/Cryptshare.Topology.Cli.csproj; do
  dotnet pack "$root/$project" --configuration Debug --output "$feed" -nologo -v quiet -clp:NoSummary
done
echo "[pack] packages in $feed: $(cd "$feed" && ls -- *.nupkg | tr '\n' ' ')"
