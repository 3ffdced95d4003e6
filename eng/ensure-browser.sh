#!/usr/bin/env bash
# Makes sure a Chromium is installed for the test that opens report.html in a headless browser.
# Idempotent: when one is on PATH (or CTT_CHROMIUM names one) it returns at once.
#
# Where none is found and the host is Debian with root, it installs Debian's `chromium` package.
# The harness never downloads a browser build of its own (Playwright's installer is not used).
# Elsewhere it prints what to do and exits 4; the browser test then fails under CI and is ignored
# on a laptop with the same message.
set -euo pipefail

say() { printf '[setup] %s\n' "$*" >&2; }

found() {
  if [ -n "${CTT_CHROMIUM:-}" ]; then
    [ -x "$CTT_CHROMIUM" ]
    return
  fi
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

if found; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null; then
  say "no Chromium found; installing Debian's chromium package (for the report.html browser test)"
  # A fresh machine's package lists may be empty or old: install, and update once if that fails.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
  fi
  found && exit 0
fi

printf '\ncryptshare-topology: no Chromium found for the report.html browser test. Install your distribution'"'"'s chromium package (Debian/Ubuntu: apt-get install chromium), or set CTT_CHROMIUM to a Chromium or Chrome executable.\n\n' >&2
exit 4
