"""Deploy Linli, then 200 state-changing transactions, on each backend; print the throughput.

    .venv/bin/python benchmarks/chain_tps.py [--backends embedded,anvil,ganache] [--txs 200] [--json]

Two figures per backend: `sequential` sends one award and waits for its receipt before the next (what a CLI
doing dependent steps sees); `pipelined` signs and sends all of them, then waits (`Transactor.send_many`).
Each transaction is a ContributionPoints `award` (mint + checkpoint + event), estimated, signed locally and
checked for status 1 through the chain adapter, so the figures include everything Linli does per transaction.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chain.connect import open_chain
from chain.deploy import deploy_linli
from chain.points import evidence_id
from chain.system import Linli


def measure(kind: str, txs: int) -> dict[str, Any]:
    """Deploy time and tx/s, sequential and pipelined, on a fresh chain of `kind`."""
    started = time.perf_counter()
    with open_chain(kind) as chain:  # type: ignore[arg-type]
        ready = time.perf_counter()
        linli = Linli.attach(chain, deploy_linli(chain))
        deployed = time.perf_counter()
        members, issuer = chain.accounts[1:], chain.signers[0]
        award = linli.points.functions.award

        for i in range(txs):
            linli.tx.send(award(members[i % len(members)], i + 1, evidence_id(f"seq:{i}")), issuer)
        sequential = time.perf_counter()

        calls = [award(members[i % len(members)], i + 1, evidence_id(f"pipe:{i}")) for i in range(txs)]
        linli.tx.send_many(calls, issuer)
        pipelined = time.perf_counter()
        supply = int(linli.points.functions.totalSupply().call())
    assert supply == 2 * sum(range(1, txs + 1)), "every award must have landed"
    deploy_s = deployed - ready
    return {
        "backend": kind,
        "start_s": round(ready - started, 3),
        "deploy_s": round(deploy_s, 3),
        "txs": txs,
        "sequential_s": round(sequential - deployed, 3),
        "sequential_tx_per_s": round(txs / (sequential - deployed), 1),
        "pipelined_s": round(pipelined - sequential, 3),
        "pipelined_tx_per_s": round(txs / (pipelined - sequential), 1),
        "deploy_plus_txs_tx_per_s": round(txs / (sequential - ready), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="embedded,anvil,ganache")
    parser.add_argument("--txs", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = [measure(kind, args.txs) for kind in args.backends.split(",")]
    load = [round(x, 2) for x in os.getloadavg()]  # figures scale with what else the machine is doing
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "load_average": load, "results": results}, indent=2))
        return
    print(f"{os.cpu_count()} CPUs, load average {load[0]} / {load[1]} / {load[2]}")
    print(f"{'backend':10} {'start s':>8} {'deploy s':>9} {'seq tx/s':>9} {'pipe tx/s':>10} {'deploy+txs tx/s':>16}")
    for r in results:
        print(f"{r['backend']:10} {r['start_s']:8.2f} {r['deploy_s']:9.2f} {r['sequential_tx_per_s']:9.1f} "
              f"{r['pipelined_tx_per_s']:10.1f} {r['deploy_plus_txs_tx_per_s']:16.1f}")


if __name__ == "__main__":
    main()
