#!/usr/bin/env bash
# Idempotent set-up of everything Linli needs, from a fresh clone, using only the package registries:
#   .venv (Python packages, resolved in one pip command beside brownie's exact pins),
#   node_modules (solc WASM, Ganache, Anvil, OpenZeppelin 5.1.0, merkle-tree, chart.js, playwright-core),
#   a `solc` look-alike where py-solc-x looks for compilers, and the compiled contracts.
# Each step is skipped when its inputs have not changed since the last run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp_dir=.toolchain/stamps
mkdir -p "$stamp_dir"

stale() {  # stale NAME FILE...: true when FILE contents changed since `NAME` last succeeded
  local name=$1; shift
  local digest; digest=$(cat "$@" | sha256sum | cut -d' ' -f1)
  [ "$(cat "$stamp_dir/$name" 2>/dev/null)" != "$digest" ] && echo "$digest" > "$stamp_dir/$name.want"
}
done_step() { mv "$stamp_dir/$1.want" "$stamp_dir/$1"; }

if stale python pyproject.toml toolchain/constraints.txt || [ ! -x .venv/bin/python ]; then
  echo "linli setup: Python environment (.venv)"
  [ -x .venv/bin/python ] || python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
  log=.toolchain/pip-install.log
  { .venv/bin/python -m pip install -q --upgrade pip &&
    .venv/bin/python -m pip install -q -c toolchain/constraints.txt -e ".[dev]" &&
    .venv/bin/python -m pip check; } > "$log" 2>&1 || { cat "$log" >&2; echo "linli setup: pip failed (log: $log)" >&2; exit 1; }
  [ -f "$stamp_dir/python.want" ] && done_step python
fi

if stale node package.json package-lock.json || [ ! -d node_modules ]; then
  echo "linli setup: node packages (node_modules)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  [ -f "$stamp_dir/node.want" ] && done_step node
fi

# py-solc-x finds compilers as `solc-v<version>` entries in SOLCX_BINARY_PATH; a symlink keeps the
# node script's own `require('solc')` resolving from node_modules.
solc_version=$(sed -n 's/^ *version: *\([0-9.]*\).*/\1/p' brownie-config.yaml | head -n1)
mkdir -p .toolchain/solcx
ln -sfn ../../toolchain/solc.js ".toolchain/solcx/solc-v$solc_version"
chmod +x toolchain/solc.js

# shellcheck source=toolchain/env.sh
source toolchain/env.sh
if [ -d contracts ] && ls contracts/*.sol >/dev/null 2>&1; then
  (cd "$root" && brownie compile >/dev/null) || { echo "linli setup: contract compilation failed" >&2; brownie compile; exit 1; }
fi
