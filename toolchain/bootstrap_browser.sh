#!/usr/bin/env bash
# Idempotent: installs Debian's Chromium (/usr/bin/chromium) and a CJK font (the dashboard is Chinese first)
# for the dashboard's browser tests when either is missing. Needs root (apt-get); the tests drive Chromium
# with playwright-core from node_modules, never a browser that a tool downloads.
set -euo pipefail
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
missing=()
for package in chromium fonts-noto-cjk; do
  installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "linli setup: ${missing[*]} for the dashboard's browser tests (apt-get install)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
