"""Relayed votes against direct votes on one Anvil chain: what the relay costs.

Two `linli serve --no-index` processes share one PostgreSQL database and one relayer key (so every relayed
transaction goes through the PostgreSQL nonce authority). Each round opens a new proposal; then N members
relay a signed ballot (POST /votes/relay, alternating between the two servers, C requests in flight), and N
other members cast `castVote` themselves through the chain adapter (C in flight, each estimated, its nonce
read, signed, sent and awaited, as a member's wallet does: the adapter's per-process nonce cache, which a
wallet voting once per proposal would not have, is dropped before each vote), on the same chain. Rounds
alternate which path goes first. Figures: relayed votes/s, direct votes/s and their ratio, measured in the
same run (target >= 0.8).

    .venv/bin/python benchmarks/relay_throughput.py [--members N] [--rounds R] [--concurrency C] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from eth_account import Account  # noqa: E402
from eth_account.signers.local import LocalAccount  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from chain.connect import start_local  # noqa: E402
from chain.deploy import deploy_linli  # noqa: E402
from chain.governor import Governance, Support  # noqa: E402
from chain.nodes import free_port  # noqa: E402
from chain.points import Award, Points, evidence_id  # noqa: E402
from chain.rules import Rules  # noqa: E402
from chain.system import Linli  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    name = f"linli_relay_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def two_servers(env: dict[str, str], logs: Path) -> Iterator[list[str]]:
    """Two `linli serve` processes with `env`; their base URLs once both answer."""
    with ExitStack() as stack:
        started = []
        for name in ("a", "b"):
            port = free_port()
            log = stack.enter_context((logs / f"serve-{name}.log").open("w"))
            server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "linli"), "serve", "--port", str(port),
                                       "--no-index"], env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(_stop, server)
            started.append((f"http://127.0.0.1:{port}", server, logs / f"serve-{name}.log"))
        for base, server, log_path in started:
            _wait_ready(base, server, log_path)
        yield [base for base, _, _ in started]


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def _wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"linli serve exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/status", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{base} did not answer within 120 s")


def timed(jobs: list[Callable[[], None]], concurrency: int) -> float:
    """Seconds to run every job with `concurrency` in flight."""
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()
    return time.perf_counter() - start


def run(members: int, rounds: int, concurrency: int) -> dict[str, Any]:
    with ExitStack() as stack:
        chain = stack.enter_context(start_local("anvil"))
        linli = Linli.attach(chain, deploy_linli(chain))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="linli-relay-bench-")))
        deployment = linli.deployment.save(logs / "deployment.json")
        relaying = [Account.create() for _ in range(members)]
        direct = [Account.create() for _ in range(members)]
        for voter in direct:  # direct voters pay their own gas
            chain.w3.provider.make_request("anvil_setBalance", [voter.address, hex(10**20)])  # type: ignore[arg-type]
        proposer = chain.signers[1]
        awards = [Award(m.address, 100, evidence_id(f"bench:{m.address}")) for m in relaying + direct]
        Points(linli).award_batch([*awards, Award(proposer.address, 1_000, evidence_id("bench:proposer"))],
                                  batch_id=evidence_id("relay-bench"))
        chain.increase_time(1)
        url = stack.enter_context(postgres_database())
        env = {"LINLI_DATABASE_URL": url, "LINLI_RPC_URL": chain.rpc, "LINLI_DEPLOYMENT": str(deployment),
               "LINLI_PRIVATE_KEY": "0x" + bytes(chain.signers[6].key).hex(), "LINLI_RATE_LIMIT_PER_MINUTE": "100000"}
        bases = stack.enter_context(two_servers(env, logs))
        client = stack.enter_context(httpx.Client(timeout=120))
        gov = Governance(linli)
        relay_seconds = direct_seconds = 0.0
        for number in range(rounds):
            proposal = gov.propose([Rules(linli).set_pool_rate(200 + number)], f"relay bench round {number}", proposer)
            gov.advance_to_voting(proposal.id)
            ballots = [gov.sign_ballot(proposal.id, Support.FOR, m).to_json() for m in relaying]

            def relay(i: int, ballot: dict[str, Any]) -> None:
                response = client.post(f"{bases[i % 2]}/votes/relay", json=ballot)
                if response.status_code != 200:
                    raise SystemExit(f"relay refused: {response.status_code} {response.text}")

            def vote(voter: LocalAccount, pid: int = proposal.id) -> None:
                linli.chain.nonces.forget(voter.address)  # a member's wallet asks the node for its nonce
                gov.cast_vote(pid, Support.FOR, voter)

            relay_jobs = [lambda i=i, b=b: relay(i, b) for i, b in enumerate(ballots)]
            direct_jobs = [lambda v=v: vote(v) for v in direct]
            if number % 2 == 0:
                relay_seconds += timed(relay_jobs, concurrency)
                direct_seconds += timed(direct_jobs, concurrency)
            else:
                direct_seconds += timed(direct_jobs, concurrency)
                relay_seconds += timed(relay_jobs, concurrency)
            tally = gov.tally(proposal.id)
            if tally.for_ != 100 * 2 * members:
                raise SystemExit(f"round {number}: {tally.for_} votes for, expected {100 * 2 * members}")
        votes = members * rounds
        relayed, direct_rate = votes / relay_seconds, votes / direct_seconds
        return {"members": members, "rounds": rounds, "concurrency": concurrency, "servers": 2,
                "relayed_votes_per_s": round(relayed, 1), "direct_votes_per_s": round(direct_rate, 1),
                "ratio": round(relayed / direct_rate, 2), "target": 0.8}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=60, help="votes per path per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8, help="requests / transactions in flight")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (1 <= args.members <= 2_000 and 1 <= args.rounds <= 50 and 1 <= args.concurrency <= 64):
        parser.error("bounds: 1 <= members <= 2000, 1 <= rounds <= 50, 1 <= concurrency <= 64")
    result = run(args.members, args.rounds, args.concurrency)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['members']} votes x {result['rounds']} rounds, {result['concurrency']} in flight, 2 servers "
          "on one PostgreSQL database, one Anvil chain")
    print(f"relayed (POST /votes/relay) : {result['relayed_votes_per_s']:8.1f} votes/s")
    print(f"direct (castVote)           : {result['direct_votes_per_s']:8.1f} votes/s")
    print(f"ratio relayed / direct      : {result['ratio']:8.2f}  (target >= {result['target']})")


if __name__ == "__main__":
    main()
