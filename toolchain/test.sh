#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, then the Python tests (pure rules engine, chain
# adapter, API, CLI), then the contract tests under brownie on Anvil and again on Ganache.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
toolchain/bootstrap.sh || exit 1
source toolchain/env.sh
toolchain/ensure_postgres.sh || exit 1
toolchain/bootstrap_browser.sh || exit 1   # Debian Chromium for the dashboard's browser tests
toolchain/bootstrap_fuzz.sh || exit 1      # schemathesis in its own venv (it needs a newer hypothesis)

failed=()
run() {  # run LABEL CMD...: run one suite, remember a failure, keep going so every suite reports
  local label=$1; shift
  echo; echo "=== $label: $*"
  "$@" || failed+=("$label")
}

run python pytest -q   # pyproject addopts turn brownie's plugin off
run contracts-anvil brownie test tests/contracts --network development
run contracts-ganache brownie test tests/contracts --network ganache-cli

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "linli tests: every suite passed (python, contracts on Anvil, contracts on Ganache)"
else
  echo "linli tests: FAILED suites: ${failed[*]}"
  exit 1
fi
