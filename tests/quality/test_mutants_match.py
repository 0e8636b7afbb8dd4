"""Every mutant of the mutation scripts still names a line that stands exactly once in its file: a refactor
that moves or rewrites the line must move the mutant with it, or the mutation score silently measures less."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = {"mutation_python.py": ROOT, "mutation_contracts.py": ROOT / "contracts"}


def mutants(script: str) -> list[Any]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        names = runpy.run_path(str(ROOT / "scripts" / script), run_name="mutants")
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return [m for value in names.values() if isinstance(value, (list, tuple))
            for m in value if type(m).__name__ == "Mutant"]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_mutant_names_one_line_of_its_file(script: str) -> None:
    found = mutants(script)
    assert len(found) >= 50
    counts = {m.name: (SCRIPTS[script] / m.path).read_text(encoding="utf-8").count(m.before) for m in found}
    assert {name: count for name, count in counts.items() if count != 1} == {}
