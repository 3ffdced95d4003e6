#!/bin/bash
# Compiles every assembly of the app folder $1 to ReadyToRun code in place, against the runtime of
# this image. An assembly crossgen2 declines (already precompiled, reference-only) stays as it was:
# the runtime then JITs it as before, so this can only make the start faster, never break it.
set -euo pipefail
export app=$1
export out
out=$(mktemp -d)

compile() {
  local name refs=()
  name=$(basename "$1")
  for framework in /usr/share/dotnet/shared/*/*/; do refs+=(-r "${framework}*.dll"); done
  if /opt/crossgen2/crossgen2 "$1" -o "$out/$name" "${refs[@]}" -r "$app/*.dll" --targetos linux --targetarch x64 -O >/dev/null 2>&1; then
    mv "$out/$name" "$app/$name"
  else
    echo "precompile: kept $name as IL"
  fi
}
export -f compile

find "$app" -maxdepth 1 -name '*.dll' -print0 | xargs -0 -n 1 -P "$(nproc)" bash -c 'compile "$1"' _
rm -rf "$out"
