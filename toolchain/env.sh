# Sourced by the set-up and test scripts: puts the project's own tools first on PATH.
_linli_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SOLCX_BINARY_PATH="$_linli_root/.toolchain/solcx"
export PATH="$_linli_root/.venv/bin:$_linli_root/node_modules/.bin:$PATH"
unset _linli_root
