"""Benchmark: loading members with EIP-55 in C (cchecksum, what `governance.loading` uses) against the
pure-Python checksum it replaced.

Generates a synthetic members file (default 100,000 members, half of the addresses lower-case, half
checksummed), then in interleaved rounds of this same run loads it with `load_members` as it is and with
`checksum_address` swapped for the pure-Python function below (the baseline, kept only here), and times
the checksum alone over the file's addresses. Prints the median wall and CPU time of each and the ratios
before / after (CPU time is the steadier figure on a machine shared with other work).

    .venv/bin/python benchmarks/member_loading.py [--members N] [--rounds N] [--json]
"""
from __future__ import annotations

import argparse
import csv
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from eth_hash.auto import keccak

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import governance.loading as loading  # noqa: E402
from governance.errors import BadInput  # noqa: E402
from governance.synthetic import Scale, write_coop  # noqa: E402

_HEX = frozenset("0123456789abcdefABCDEF")


def pure_checksum_address(text: str) -> str:
    """The baseline: EIP-55 hashed and recased in Python, as `governance.loading` did before cchecksum."""
    if len(text) != 42 or not text.startswith("0x") or not _HEX.issuperset(text[2:]):
        raise BadInput(f"{text!r} is not an address: expected 0x followed by 40 hex digits")
    body = text[2:]
    lower = body.lower()
    digest = keccak(lower.encode("ascii")).hex()
    checksummed = "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest, strict=True))
    if body not in (lower, body.upper()) and body != checksummed:
        raise BadInput(f"{text!r} has a wrong EIP-55 checksum: re-copy it or write it in lower case")
    return "0x" + checksummed


@contextmanager
def _checksum(function: Callable[[str], str]) -> Iterator[None]:
    """`load_members` with `function` as its checksum (looked up in the module at each call)."""
    current = loading.checksum_address
    loading.checksum_address = function
    try:
        yield
    finally:
        loading.checksum_address = current


def _seconds(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 1 <= args.members <= 1_000_000 or not 1 <= args.rounds <= 20:
        parser.error("--members must be 1..1,000,000 and --rounds 1..20")
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        members_csv = write_coop(tmp, Scale(args.members, orders=1, review_percent=0))[0]
        with members_csv.open(encoding="utf-8", newline="") as handle:
            addresses = [row["address"] for row in csv.DictReader(handle)]
        c_loaded = loading.load_members(members_csv)
        with _checksum(pure_checksum_address):
            pure_loaded = loading.load_members(members_csv)
        if c_loaded != pure_loaded:
            sys.exit("the two checksums loaded different members")
        times: dict[str, list[tuple[float, float]]] = {"load_pure": [], "load_c": [], "checksum_pure": [],
                                                       "checksum_c": []}
        for _ in range(args.rounds):
            with _checksum(pure_checksum_address):
                times["load_pure"].append(_seconds(lambda: loading.load_members(members_csv)))
            times["load_c"].append(_seconds(lambda: loading.load_members(members_csv)))
            times["checksum_pure"].append(_seconds(lambda: [pure_checksum_address(a) for a in addresses]))
            times["checksum_c"].append(_seconds(lambda: [loading.checksum_address(a) for a in addresses]))
    median = {f"{name}_{kind}_s": round(statistics.median(v[i] for v in values), 3)
              for name, values in times.items() for i, kind in enumerate(("wall", "cpu"))}
    figures: dict[str, object] = {"members": len(c_loaded), "rounds": args.rounds, **median}
    for job in ("load", "checksum"):
        for kind in ("wall", "cpu"):
            figures[f"{job}_{kind}_ratio"] = round(median[f"{job}_pure_{kind}_s"] / median[f"{job}_c_{kind}_s"], 2)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['members']:,} members, median of {args.rounds} interleaved rounds (pure Python -> C)")
    for job, label in (("load", "load_members "), ("checksum", "checksum only")):
        print(f"{label}: wall {median[f'{job}_pure_wall_s']:6.2f} s -> {median[f'{job}_c_wall_s']:6.2f} s "
              f"({figures[f'{job}_wall_ratio']}x)   cpu {median[f'{job}_pure_cpu_s']:6.2f} s -> "
              f"{median[f'{job}_c_cpu_s']:6.2f} s ({figures[f'{job}_cpu_ratio']}x)")


if __name__ == "__main__":
    main()
