#!/usr/bin/env bash
# Idempotent set-up of .toolchain/fuzz-venv: schemathesis for the API's OpenAPI fuzz test
# (tests/api/test_api_fuzz.py). It needs a newer hypothesis than brownie pins in .venv, so it lives in its own
# virtual environment and the test runs its `st` command against a server it starts. Skipped when the venv
# already holds the pinned versions. schemathesis 4.32.5 runs all its phases (coverage included) on this
# schema; hypothesis is pinned beside it so that a new release cannot change what the fuzz test does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=.toolchain/fuzz-venv
want="schemathesis==4.32.5 hypothesis==6.170.17"
stamp="$venv/.linli-requirement"
if [ -x "$venv/bin/st" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "linli setup: fuzz environment ($venv, $want)"
mkdir -p .toolchain
[ -x "$venv/bin/python" ] || python3.11 -m venv "$venv" 2>/dev/null || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# shellcheck disable=SC2086  # two requirements, split on purpose
"$venv/bin/python" -m pip install -q $want
"$venv/bin/st" --version >/dev/null
echo "$want" > "$stamp"
