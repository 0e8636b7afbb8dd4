"""chain.recursion: whenever py_ecc (which raises the recursion limit to 100,000 on import) is loaded, the limit
ends at the safe 12,288, whether py_ecc came before or after the guard; the guard itself imports nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chain.recursion import SAFE_RECURSION_LIMIT

PROBE = """
import json, sys
from chain.recursion import keep_recursion_limit_safe
steps = []
for step in sys.argv[1].split(","):
    if step == "guard":
        keep_recursion_limit_safe()
    else:
        __import__(step)
    steps.append([step, sys.getrecursionlimit(), "py_ecc" in sys.modules])
print(json.dumps(steps))
"""


def run(*steps: str) -> list[list[object]]:
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(steps)], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def test_the_guard_imports_nothing_and_sets_the_limit_when_py_ecc_arrives() -> None:
    (_, before, loaded), (_, after, _) = run("guard", "py_ecc")
    assert (before, loaded) == (1000, False)
    assert after == SAFE_RECURSION_LIMIT


@pytest.mark.parametrize("through", ["eth", "chain.embedded"])
def test_py_ecc_brought_in_by_py_evm_ends_at_the_safe_limit(through: str) -> None:
    assert run("guard", through)[-1] == [through, SAFE_RECURSION_LIMIT, True]


def test_a_py_ecc_loaded_before_the_guard_is_brought_down_at_once() -> None:
    (_, raised, _), (_, after, _) = run("py_ecc", "guard")
    assert raised == 100_000 and after == SAFE_RECURSION_LIMIT
