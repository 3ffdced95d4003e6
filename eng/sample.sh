#!/usr/bin/env bash
# The packages as a .NET team uses them: pack (eng/pack.sh into artifacts/packages), restore the
# sample test project under samples/ from that local feed (package references, not project
# references), and run it. Its TRX goes to TestResults/ beside the solution's, so CI counts it.
# Starts the default topology: run it under the engine lock like any test that starts containers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/eng/pack.sh" "$root/artifacts/packages"
# The sample restores into a packages folder of its own (samples/nuget.config): without our
# packages there, this pack is what restores, not an older one of the same version.
rm -rf "$root"/artifacts/sample-packages/cryptshare.topology*
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
dotnet test "$root/samples/Cryptshare.Topology.Sample.Tests" -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$root/TestResults"
