"""The floors: linli/ → api/ → chain/ → governance/, no import running back up, and web3 imported (at run time)
by chain/ alone. Read from the source with ast, so a lazy import inside a function counts too; imports under
`if TYPE_CHECKING:` are types only and do not count."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW = {"governance": set(), "chain": {"governance"}, "api": {"chain", "governance"},
         "linli": {"api", "chain", "governance"}}
WEB3_ALLOWED = {"chain"}


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every import that runs (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(BELOW))
def test_no_import_runs_back_up_and_only_chain_imports_web3(package: str) -> None:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in runtime_imports(path):
            upward = module in BELOW and module != package and module not in BELOW[package]
            if upward or (module == "web3" and package not in WEB3_ALLOWED):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []
