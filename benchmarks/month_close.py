"""Benchmark: a month close against merely parsing its input files.

Generates a synthetic co-op (default 100,000 members and 1,000,000 orders, plus about 1.2 million
activities) into a temporary directory, then in fresh child processes of this same run measures
(a) parsing and checking the three files, and (b) the full month close as `linli month close --dry-run`
runs it (parse, points, levels, commission, pool, Merkle tree and proofs, record hash). Each child
reports wall time, CPU time and its own peak resident memory (ru_maxrss), so the generator's memory
does not count. Targets: close <= 3x parse, peak <= 1.5 GB.

    .venv/bin/python benchmarks/month_close.py [--members N] [--orders N] [--json]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from governance.loading import load_coop  # noqa: E402
from governance.month import close_month  # noqa: E402
from governance.period import Period  # noqa: E402
from governance.rules import Rules  # noqa: E402
from governance.synthetic import Scale, write_coop  # noqa: E402

PERIOD = Period(2026, 11)
RATIO_TARGET = 3.0
MEMORY_TARGET_MB = 1536


def _parse(paths: list[str]) -> dict[str, object]:
    data = load_coop(*paths)
    return {"orders": len(data.orders), "activities": len(data.activities), "members": len(data.members)}


def _close(paths: list[str]) -> dict[str, object]:
    report = close_month(PERIOD, load_coop(*paths), Rules())
    return {"gmv_cents": report.gmv_cents, "pool_cents": report.pool_cents, "merkle_root": report.merkle_root,
            "record_hash": report.record_hash}


def _measured(job: str, paths: list[str], out) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = (_parse if job == "parse" else _close)(paths)
    out.send({**result, "wall_s": round(time.perf_counter() - wall, 3), "cpu_s": round(time.process_time() - cpu, 3),
              "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


def _in_child(job: str, paths: list[str]) -> dict[str, object]:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_measured, args=(job, paths, send))
    child.start()
    result = receive.recv()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        started = time.perf_counter()
        paths = [str(p) for p in write_coop(tmp, Scale(args.members, args.orders), PERIOD, args.seed)]
        generated = time.perf_counter() - started
        parse = _in_child("parse", paths)
        close = _in_child("close", paths)
    figures = {
        "members": parse["members"], "orders": parse["orders"], "activities": parse["activities"],
        "generate_wall_s": round(generated, 3), "parse": parse, "close": close,
        "ratio_wall": round(close["wall_s"] / parse["wall_s"], 2),
        "ratio_cpu": round(close["cpu_s"] / parse["cpu_s"], 2),
        "ratio_target": RATIO_TARGET, "peak_mb": close["peak_mb"], "peak_target_mb": MEMORY_TARGET_MB,
    }
    figures["ok"] = (max(figures["ratio_wall"], figures["ratio_cpu"]) <= RATIO_TARGET
                     and close["peak_mb"] <= MEMORY_TARGET_MB)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['members']:,} members, {figures['orders']:,} orders, {figures['activities']:,} activities "
          f"(generated in {generated:.1f} s)")
    print(f"parse only : {parse['wall_s']:8.2f} s wall {parse['cpu_s']:8.2f} s cpu  peak {parse['peak_mb']:7.0f} MB")
    print(f"month close: {close['wall_s']:8.2f} s wall {close['cpu_s']:8.2f} s cpu  peak {close['peak_mb']:7.0f} MB")
    print(f"ratio {figures['ratio_wall']}x wall, {figures['ratio_cpu']}x cpu (target <= {RATIO_TARGET}x); "
          f"peak {close['peak_mb']:.0f} MB (target <= {MEMORY_TARGET_MB} MB): {'OK' if figures['ok'] else 'MISSED'}")
    print(f"merkle root {close['merkle_root']}, pool {close['pool_cents']} cents")


if __name__ == "__main__":
    main()
