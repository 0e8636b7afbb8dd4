#!/usr/bin/env bash
# Idempotent: installs Debian's Chromium (/usr/bin/chromium) for the dashboard's browser tests when it is missing.
# Needs root (apt-get); the tests drive it with playwright-core from node_modules, never a downloaded browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "linli setup: Chromium for the dashboard tests (apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk
/usr/bin/chromium --version
