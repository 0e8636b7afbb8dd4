"""Indexer throughput into PostgreSQL, relative to merely fetching the same logs with eth_getLogs.

One Anvil, one deployment, N awards in batches (each award emits Transfer, DelegateVotesChanged and
PointsAwarded). Both sides read the same block range in the same windows: the baseline only runs
eth_getLogs (through the same LogFetcher); the indexer also reads headers, decodes, checks hashes and writes
every event and projection into a fresh PostgreSQL database. Target: overhead (indexer time / fetch time)
<= 2.0.

    .venv/bin/python benchmarks/indexer_speed.py [--awards N] [--window BLOCKS] [--database URL] [--json]
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eth_account import Account
from sqlalchemy import create_engine, text

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.source import ChainSource
from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.points import Award, Points, evidence_id
from chain.system import Linli

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--window", type=int, default=2_000)
    parser.add_argument("--database", default=PG_SERVER, help="PostgreSQL server URL (a database is created)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    members = [Account.create().address for _ in range(args.members)]
    name = f"linli_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{args.database}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with start_local("anvil") as chain:
            linli = Linli.attach(chain, deploy_linli(chain))
            awards = [Award(members[i % len(members)], 1 + i % 50, evidence_id(f"bench:{i}"))
                      for i in range(args.awards)]
            Points(linli).award_batch(awards, batch_id=evidence_id("bench"), chunk_size=100)  # back to back
            lo, hi = linli.deployment.block, chain.block_number()
            addresses = list(linli.deployment.contracts.values())

            fetcher = linli.log_fetcher(args.window)
            started = time.perf_counter()
            logs = fetcher.fetch(lo, hi, address=addresses)
            fetch_seconds = time.perf_counter() - started

            engine = make_engine(f"{args.database}/{name}")
            migrate(engine)
            indexer = Indexer(session_factory(engine), ChainSource(linli, window=args.window), confirmations=0,
                              window=args.window)
            started = time.perf_counter()
            events = indexer.sync()
            index_seconds = time.perf_counter() - started
            engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    result = {
        "blocks": hi - lo + 1,
        "logs": len(logs),
        "events_indexed": events,
        "fetch_seconds": round(fetch_seconds, 3),
        "index_seconds": round(index_seconds, 3),
        "fetch_logs_per_second": round(len(logs) / fetch_seconds),
        "index_events_per_second": round(events / index_seconds),
        "overhead": round(index_seconds / fetch_seconds, 2),
        "target_overhead": 2.0,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['logs']} logs in {result['blocks']} blocks")
        print(f"eth_getLogs only : {result['fetch_seconds']:.3f} s  ({result['fetch_logs_per_second']:,} logs/s)")
        print(f"indexer -> PG    : {result['index_seconds']:.3f} s  ({result['index_events_per_second']:,} events/s)")
        print(f"overhead         : {result['overhead']}x (target <= 2.0x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
