#!/usr/bin/env bash
# Makes DIR a folder of the calling job's own, empty, and prints its absolute path:
#   eng/own-folder.sh MARKER DIR [WHAT]      (WHAT names DIR in messages, e.g. "nightly: --artifacts")
# A missing DIR is created with the file MARKER in it, which says whose it is. A DIR holding that
# marker (a folder from an earlier run of the same job) is emptied; its marker stays. An empty DIR
# gets the marker. Anything else, a DIR with content and no marker or something that is not a
# folder, is refused with one line and exit code 2, and left exactly as it is: a script that runs as
# root never deletes what it did not create.
set -uo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ] || [ -z "$1" ] || [ -z "$2" ] || [[ "$1" == */* ]]; then
  echo "usage: eng/own-folder.sh MARKER-FILE-NAME DIR [WHAT]" >&2
  exit 2
fi
marker=$1
dir=$2
what=${3:-folder}

if [ -e "$dir" ] || [ -L "$dir" ]; then
  if [ ! -d "$dir" ]; then
    echo "$what '$dir' exists and is not a folder; give a new or empty folder" >&2
    exit 2
  fi
  if [ -n "$(find "$dir" -mindepth 1 -maxdepth 1 -print -quit)" ]; then
    if [ ! -f "$dir/$marker" ] || [ -L "$dir/$marker" ]; then
      echo "$what '$dir' holds files this job did not put there (it has no $marker); give a new or empty folder" >&2
      exit 2
    fi
    # Our own folder from an earlier run. --one-file-system: never into a file system mounted below.
    find "$dir" -mindepth 1 -maxdepth 1 ! -name "$marker" -exec rm -rf --one-file-system -- {} + || exit 4
  fi
fi
mkdir -p -- "$dir" || exit 4
printf 'This folder belongs to a job of CryptshareTopologyTests (%s); its next run empties it.\n' "$marker" >"$dir/$marker" || exit 4
cd -- "$dir" && pwd
