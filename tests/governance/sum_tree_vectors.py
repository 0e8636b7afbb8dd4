"""Known-answer vectors of the Merkle sum tree, shared by the Python tests and the browser's js/sumtree.js:
fixed lines (the layout test's two, three more), each with its leaf hash, sum proof, root and total."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from governance.sum_tree import SumTree, leaf

FILE = Path(__file__).with_name("sum_tree_vectors.json")
LINES = [("0x" + "ab" * 20, 12_345, bytes(range(32))), ("0x" + "cd" * 20, 5, bytes(32)),
         ("0x" + "01" * 20, 0, b"\xff" * 32), ("0x" + "fe" * 20, 2**64 - 1, bytes(range(32, 64))),
         ("0x0000000000000000000000000000000000000000", 7, bytes(range(64, 96)))]


def vectors() -> dict[str, Any]:
    tree = SumTree(LINES)
    return {"root": "0x" + tree.root.hash.hex(), "total": str(tree.root.sum), "lines": [
        {"address": a, "amount": str(amount), "salt": "0x" + salt.hex(),
         "leaf": "0x" + leaf(a, amount, salt).hash.hex(), "proof": [step.to_json() for step in tree.proof(i)]}
        for i, (a, amount, salt) in enumerate(LINES)]}


if __name__ == "__main__":  # regenerate after a deliberate layout change (the tests then say what moved)
    FILE.write_text(json.dumps(vectors(), indent=1) + "\n")
