"""Commands that need no chain never import the chain machinery: `linli --help`, `rules check`, `month close
--dry-run`, `admin public-key` and every group's --help run in a fresh process that reports the modules it
loaded. (How fast that makes them is measured by benchmarks/cli_startup.py, never asserted here.)"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chain.recursion import SAFE_RECURSION_LIMIT

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HEAVY = ("web3", "eth", "eth_account", "eth_abi", "eth_tester", "eth_utils", "eth_keys", "ens", "trie", "brownie",
         "solcx", "aiohttp", "requests", "httpx", "sqlalchemy", "fastapi", "uvicorn", "api")
"""web3 and py-evm (`eth`) with everything they pull in, brownie, the HTTP clients and the API's stack."""

PROBE = """
import json, sys
sys.argv = ["linli", *json.loads(sys.argv[1])]
from linli.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules), "limit": sys.getrecursionlimit()}), file=sys.stderr)
"""


def loaded(*args: str, tmp_path: Path) -> tuple[int, set[str], int]:
    """Run `linli ARGS` in a fresh interpreter; its exit code, loaded modules and final recursion limit."""
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), report["limit"]


def heavy(modules: set[str]) -> list[str]:
    found = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    return found + sorted(m for m in modules if m.startswith("py_ecc."))  # the package alone is cheap


@pytest.mark.parametrize("args", [
    ["--help"], ["rules", "--help"], ["month", "--help"], ["month", "close", "--help"], ["chain", "--help"],
    ["propose", "--help"], ["vote", "--help"], ["proposal", "--help"], ["verify", "--help"], ["demo", "--help"],
    ["serve", "--help"], ["mirror", "--help"], ["admin", "--help"], ["queue", "--help"], ["execute", "--help"],
], ids=" ".join)
def test_help_loads_no_chain_or_web_stack(args: list[str], tmp_path: Path) -> None:
    code, modules, limit = loaded(*args, tmp_path=tmp_path)
    assert code == 0
    assert heavy(modules) == []
    assert limit <= SAFE_RECURSION_LIMIT  # py_ecc, never imported here, would find the safe limit set after it


def test_rules_check_loads_no_chain(tmp_path: Path) -> None:
    code, modules, _ = loaded("rules", "check", str(EXAMPLES / "rules.toml"), tmp_path=tmp_path)
    assert code == 0
    assert "governance.linter" in modules  # it did the work
    assert heavy(modules) == []


def test_month_close_dry_run_loads_no_chain(tmp_path: Path) -> None:
    code, modules, _ = loaded("month", "close", "2026-11", "--members", str(EXAMPLES / "members.csv"),
                              "--orders", str(EXAMPLES / "orders.csv"),
                              "--activities", str(EXAMPLES / "activities.csv"),
                              "--rules", str(EXAMPLES / "rules.toml"), "--dry-run", tmp_path=tmp_path)
    assert code == 0
    assert "governance.month" in modules
    assert heavy(modules) == []


def test_admin_public_key_loads_no_chain(tmp_path: Path) -> None:
    key = tmp_path / "admin.key"
    key.write_text("11" * 32 + "\n", encoding="ascii")
    code, modules, _ = loaded("admin", "public-key", "--admin-key-file", str(key), tmp_path=tmp_path)
    assert code == 0
    assert [m for m in heavy(modules) if m.split(".")[0] != "httpx"] == []  # its client module uses httpx


def test_a_chain_command_still_loads_the_chain(tmp_path: Path) -> None:
    """The probe can see chain modules: a command that needs a chain imports web3 (and fails, with no node)."""
    code, modules, _ = loaded("chain", "advance", "60", "--rpc", "http://127.0.0.1:9", tmp_path=tmp_path)
    assert code == 1
    assert "web3" in modules
