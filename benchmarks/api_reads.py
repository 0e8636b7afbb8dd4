"""Read throughput of the API on PostgreSQL with 100,000 members, relative to a trivial endpoint.

The mirror is filled directly (100,000 members with vote checkpoints, a proposal with 2,000 votes, the rule
book's history), the API runs under uvicorn (one worker) in a child process with one extra trivial route,
GET /ping, and client processes hammer each endpoint in turn for the same time over keep-alive connections
(in interleaved rounds: a burst of other work on the machine then slows every endpoint alike).
Figures: requests/s, p50/p99 latency, and the ratio to /ping measured in the same run (target >= 0.5).

/ping is dispatched like the real read routes, so the ratio measures only their own work: a sync `def`
(FastAPI runs it in the thread pool, as the reads must be, since they block on the database) whose return
annotation is its response model (validated in the pool too, as theirs are). An `async def` /ping would skip
both pool hops and measure FastAPI's dispatch rather than the reads.

    .venv/bin/python benchmarks/api_reads.py [--members N] [--seconds S] [--rounds R] [--clients C] [--json]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from eth_utils import to_checksum_address
from sqlalchemy import create_engine, insert, text

from api.db import make_engine, migrate
from api.models import Member, ParameterChange, Proposal, SupplyCheckpoint, SyncState, Vote, VoteCheckpoint

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PROPOSAL_ID = 2**255 + 12345
ZERO_TX = "0x" + "00" * 32


def fill(url: str, members: int, seed: int) -> list[str]:
    """The mirror of a co-op with `members` members; returns their addresses."""
    rng = random.Random(seed)
    addresses = [to_checksum_address(f"0x{rng.getrandbits(160):040x}") for _ in range(members)]
    engine = make_engine(url)
    migrate(engine)
    now = 1_800_000_000
    with engine.begin() as connection:
        connection.execute(insert(SyncState), [dict(id=1, chain_id=31337, block_number=10_000, block_hash=ZERO_TX,
                                                    block_timestamp=now)])
        for start in range(0, members, 10_000):
            chunk = addresses[start : start + 10_000]
            points = [rng.randint(1, 30_000) for _ in chunk]
            connection.execute(insert(Member), [
                dict(address=a, points=p, awarded=p, revoked=0, votes=p, delegate=None, first_block=start + i,
                     first_log=0) for i, (a, p) in enumerate(zip(chunk, points, strict=True))])
            connection.execute(insert(VoteCheckpoint), [
                dict(block_number=start + i, log_index=0, timestamp=now - 10_000 + i % 5_000, delegate=a, votes=p)
                for i, (a, p) in enumerate(zip(chunk, points, strict=True))])
        connection.execute(insert(SupplyCheckpoint), [dict(timestamp=now - 5_000, supply=members * 15_000)])
        connection.execute(insert(ParameterChange), [dict(contract="CommunityGovernor", key="quorum_numerator", old=0,
                                                          new=10, block_number=1, log_index=0, timestamp=now - 20_000,
                                                          tx_hash=ZERO_TX)])
        connection.execute(insert(Proposal), [dict(
            id=PROPOSAL_ID, proposer=addresses[0], description="Raise the pool rate", vote_start=now - 1_000,
            vote_end=now + 1_000, votes_for=0, votes_against=0, votes_abstain=0, eta=None, queued=False,
            executed=False, canceled=False, created_block=9_000, created_log=0, created_tx=ZERO_TX,
            actions=json.dumps([{"target": addresses[1], "value": 0, "calldata": "0x12345678", "contract": "RuleBook",
                                 "function": "setPoolRate(uint256)", "arguments": {"rateBps": 250}}]))])
        connection.execute(insert(Vote), [dict(
            proposal_id=PROPOSAL_ID, voter=a, support=i % 3, weight=1, reason="", block_number=9_500 + i,
            log_index=0, timestamp=now - 500, tx_hash=ZERO_TX) for i, a in enumerate(addresses[:2_000])])
    engine.dispose()
    return addresses


def serve(url: str, port: int) -> None:
    """Child process: the API plus GET /ping on uvicorn."""
    import uvicorn

    from api.main import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url, index=False))

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _client(args: tuple[str, list[str], float]) -> list[float]:
    base, paths, seconds = args
    latencies: list[float] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        deadline = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = client.get(paths[i % len(paths)])
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{paths[i % len(paths)]}: {response.status_code} {response.text[:200]}")
            i += 1
    return latencies


def load(
    base: str, targets: dict[str, list[str]], seconds: float, clients: int, rounds: int
) -> dict[str, dict[str, float]]:
    """Each target for `seconds` in all, in `rounds` interleaved slices, so that other work on the machine
    weighs on every endpoint alike rather than on whichever ran while it peaked."""
    latencies: dict[str, list[float]] = {key: [] for key in targets}
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        for paths in targets.values():
            _client((base, paths[:5], 0.5))  # warm the server's pool and caches
        for _ in range(rounds):
            for key, paths in targets.items():
                slices = [(base, random.sample(paths, len(paths)), seconds / rounds) for _ in range(clients)]
                latencies[key].extend(x for run in pool.map(_client, slices) for x in run)
    return {key: _summary(sorted(values), seconds) for key, values in latencies.items()}


def _summary(latencies: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint, over all rounds")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved slices per endpoint")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", default=PG_SERVER, help="PostgreSQL server URL (a database is created)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0

    name = f"linli_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{args.database}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{args.database}/{name}"
    server = None
    try:
        addresses = fill(url, args.members, seed=7)
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)])
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/ping").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        member_paths = [f"/members/{a}" for a in random.Random(1).sample(addresses, 2_000)]
        targets = {"ping": ["/ping"], "members": member_paths, "proposal": [f"/proposals/{PROPOSAL_ID}"]}
        results = load(base, targets, args.seconds, args.clients, args.rounds)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    ping = results["ping"]["requests_per_second"]
    for key in ("members", "proposal"):
        results[key]["ratio_to_ping"] = round(results[key]["requests_per_second"] / ping, 2)
    report = {"members_in_db": args.members, "clients": args.clients, "seconds": args.seconds, "rounds": args.rounds,
              **results,
              "target_ratio": 0.5}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.members:,} members on PostgreSQL, {args.clients} client processes, {args.seconds:g} s each "
              f"in {args.rounds} interleaved rounds")
        for key, label in (("ping", "GET /ping (trivial)"), ("members", "GET /members/{address}"),
                           ("proposal", "GET /proposals/{id}")):
            r = results[key]
            ratio = f"  ratio {r['ratio_to_ping']}" if "ratio_to_ping" in r else ""
            print(f"{label:26} {r['requests_per_second']:8.1f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                  f"p99 {r['p99_ms']:6.2f} ms{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
