"""How long `linli demo` takes on each backend, step by step, and how many transactions per second it ran.

    .venv/bin/python benchmarks/demo_timing.py [--backends embedded,anvil,ganache] [--members 200] [--json]

Per backend: node start-up (0 for embedded), the demo's own steps (`linli.demo.run_demo` timings), the
transactions it sent (counted from the blocks it produced, so nothing is estimated) and tx/s over the steps
that talk to the chain (deploy, mint, govern, publish). Numbers on a shared 2-core machine vary by ±20%.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chain.connect import open_chain
from linli.demo import DemoConfig, run_demo

CHAIN_STEPS = ("deploy", "mint", "govern", "publish")


def measure(kind: str, members: int) -> dict[str, Any]:
    """One demo on a fresh chain of `kind`; its timings and transaction count."""
    started = time.perf_counter()
    with open_chain(kind) as chain, tempfile.TemporaryDirectory() as out:  # type: ignore[arg-type]
        ready = time.perf_counter()
        result = run_demo(chain, DemoConfig(members=members, out_dir=Path(out)))
        txs = sum(chain.w3.eth.get_block_transaction_count(b)
                  for b in range(result.first_block + 1, result.last_block + 1))
    steps = result.timings
    chain_seconds = sum(steps[s] for s in CHAIN_STEPS)
    return {
        "backend": kind,
        "members": members,
        "startup_s": round(ready - started, 2),
        "demo_s": round(sum(steps.values()), 2),
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "transactions": txs,
        "blocks": result.last_block - result.first_block,
        "tx_per_s": round(txs / chain_seconds, 1),
        "verified": f"{len(result.verified.checked_on_chain)}/{result.members}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="embedded,anvil,ganache")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = [measure(kind, args.members) for kind in args.backends.split(",")]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"linli demo, {args.members} members")
    print(f"{'backend':<10}{'start':>7}{'demo':>8}{'txs':>6}{'tx/s':>8}  steps (s)")
    for r in rows:
        steps = " ".join(f"{k}={v}" for k, v in r["steps_s"].items())
        print(f"{r['backend']:<10}{r['startup_s']:>7}{r['demo_s']:>8}{r['transactions']:>6}{r['tx_per_s']:>8}  {steps}")


if __name__ == "__main__":
    main()
