"""The browser's js/sumtree.js against governance.sum_tree: the frozen known-answer vectors (sum_tree_vectors.json)
and random trees, each line's proof accepted and every tampered line, salt, sibling hash, sibling sum, side or
total refused, run in node on the very file the dashboard serves (keccak from the vendored @noble/hashes)."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sum_tree_vectors import FILE, LINES, vectors

from governance.sum_tree import SumTree

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
CHECK = """
import { leaf, verifySumProof } from './js/sumtree.js';
import { toHex } from './js/merkle.js';
const cases = JSON.parse(await new Promise((done) => { let s = ''; process.stdin.on('data', (c) => { s += c; });
  process.stdin.on('end', () => done(s)); }));
const run = (c) => { try { return verifySumProof(c).ok; } catch (error) { return 'error: ' + error.message; } };
process.stdout.write(JSON.stringify({
  leaves: cases.leaves.map((l) => toHex(leaf(l.address, l.amount, l.salt).hash)),
  results: cases.checks.map(run),
}));
"""


def test_the_vectors_file_is_what_governance_sum_tree_computes() -> None:
    assert json.loads(FILE.read_text()) == vectors()


def _line(tree: SumTree, lines: list[tuple[str, int, bytes]], i: int, root: str, total: int) -> dict[str, Any]:
    address, amount, salt = lines[i]
    return {"address": address, "amount": str(amount), "salt": "0x" + salt.hex(),
            "proof": [step.to_json() for step in tree.proof(i)], "root": root, "total": str(total)}


def _tampered(case: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    out = [dict(case, amount=str(int(case["amount"]) + 1)),
           dict(case, salt="0x" + rng.randbytes(32).hex()),
           dict(case, address="0x" + rng.randbytes(20).hex()),
           dict(case, total=str(int(case["total"]) + 1))]
    for k, step in enumerate(case["proof"]):
        for changed in ({"hash": "0x" + rng.randbytes(32).hex()}, {"sum": str(int(step["sum"]) + 1)},
                        {"side": "left" if step["side"] == "right" else "right"}):
            out.append(dict(case, proof=[*case["proof"][:k], {**step, **changed}, *case["proof"][k + 1:]]))
    return out


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_sumtree_js_agrees_with_python_on_vectors_and_random_trees(tmp_path: Path) -> None:
    rng = random.Random(2026_11)
    trees: list[list[tuple[str, int, bytes]]] = [list(LINES)]
    for _ in range(30):
        n = rng.randint(1, 40)
        amounts = [rng.choice([0, rng.randint(0, 10**9), rng.randint(0, 2**64 - 1)]) for _ in range(n)]
        trees.append([("0x" + rng.randbytes(20).hex(), amount, rng.randbytes(32)) for amount in amounts])
    good, bad = [], []
    for lines in trees:
        tree = SumTree(lines)
        root, total = "0x" + tree.root.hash.hex(), tree.root.sum
        for i in range(len(lines)):
            case = _line(tree, lines, i, root, total)
            good.append(case)
            bad.extend(_tampered(case, rng))
    first, *rest = good[1]["proof"]
    bad.append(dict(good[1], proof=[{**first, "sum": str(int(good[1]["total"]) + 1)}, *rest]))  # beyond the total
    site = tmp_path / "site"
    shutil.copytree(ROOT / "api" / "dashboard" / "static" / "js", site / "js")
    (site / "vendor").mkdir()
    (site / "vendor" / "noble-hashes").symlink_to(ROOT / "node_modules" / "@noble" / "hashes" / "esm")
    (site / "package.json").write_text('{"type": "module"}')
    (site / "check.js").write_text(CHECK)
    fixed = vectors()["lines"]
    cases = {"leaves": fixed, "checks": good + bad}
    run = subprocess.run([str(NODE), "check.js"], cwd=site, input=json.dumps(cases), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["leaves"] == [line["leaf"] for line in fixed]
    assert answer["results"][:len(good)] == [True] * len(good)
    assert all(result is False or str(result).startswith("error:") for result in answer["results"][len(good):])
