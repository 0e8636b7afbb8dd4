"""Build a 100,000-leaf ["address", "uint256"] tree with Linli and with @openzeppelin/merkle-tree.

Both get the same random leaves in the same run; node times only `StandardMerkleTree.of` (not JSON or
start-up), Python times only `StandardMerkleTree.of`. The roots must match. Target: ratio < 1.0.

    .venv/bin/python benchmarks/merkle_build.py [--leaves N] [--seed S] [--json]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from governance.merkle import StandardMerkleTree

OZ_SCRIPT = Path(__file__).with_name("oz_merkle_tree.js")


def random_leaves(count: int, seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    return [(f"0x{rng.getrandbits(160):040x}", rng.getrandbits(48)) for _ in range(count)]


def oz_build(values: list[tuple[str, int]]) -> tuple[str, float]:
    """Root and build seconds from the npm package, run by node."""
    payload = json.dumps({"values": [[a, str(v)] for a, v in values], "proofs": False})
    done = subprocess.run(["node", str(OZ_SCRIPT)], input=payload, capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    return out["root"], out["build_ms"] / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    values = random_leaves(args.leaves, args.seed)
    start = time.perf_counter()
    tree = StandardMerkleTree.of(values)
    linli_s = time.perf_counter() - start
    oz_root, oz_s = oz_build(values)
    result = {
        "leaves": args.leaves,
        "linli_s": round(linli_s, 3),
        "openzeppelin_s": round(oz_s, 3),
        "ratio": round(linli_s / oz_s, 3),
        "same_root": tree.root == oz_root,
        "root": tree.root,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.leaves} leaves: Linli {linli_s:.3f} s, @openzeppelin/merkle-tree {oz_s:.3f} s, "
              f"ratio {result['ratio']} (target < 1.0), same root: {result['same_root']}")
    return 0 if result["same_root"] else 1


if __name__ == "__main__":
    sys.exit(main())
