"""Two `linli serve` processes (uvicorn, as deployed) on one PostgreSQL database and one Anvil node, sharing
one relayer key: ballots sent to both at once are every one counted on chain (each process's own nonce cache
would hand the same nonce out twice: "nonce too low", a 503 and a lost vote), and a client's rate budget is
one across both processes. Nothing is mocked."""
from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from sqlalchemy import create_engine, text

from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.governor import Governance, Support
from chain.nodes import free_port
from chain.points import Award, Points, evidence_id
from chain.rules import Rules
from chain.system import Linli
from api_support import ROOT, database

MEMBERS = 16
pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Voting:
    """An Anvil chain with a proposal open for voting and members (no ether) who have weight on it."""

    linli: Linli
    deployment: Path
    proposal_id: int
    members: list[LocalAccount]
    relayer: LocalAccount

    def weight(self, index: int) -> int:
        return 10 * (index + 1)


@pytest.fixture(scope="module")
def voting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Voting]:
    with start_local("anvil") as chain:
        linli = Linli.attach(chain, deploy_linli(chain))
        deployment = linli.deployment.save(tmp_path_factory.mktemp("relay-processes") / "deployment.json")
        members = [Account.create() for _ in range(MEMBERS)]
        proposer = chain.signers[1]
        awards = [Award(m.address, 10 * (i + 1), evidence_id(f"relay:{i}")) for i, m in enumerate(members)]
        Points(linli).award_batch([*awards, Award(proposer.address, 1_000, evidence_id("relay:proposer"))],
                                  batch_id=evidence_id("relay-processes"))
        chain.increase_time(1)
        gov = Governance(linli)
        proposal = gov.propose([Rules(linli).set_pool_rate(260)], "Relayed by two servers", proposer)
        gov.advance_to_voting(proposal.id)
        yield Voting(linli, deployment, proposal.id, members, chain.signers[6])


@contextmanager
def serving(voting: Voting, database_url: str, logs: Path, *, rate_per_minute: int) -> Iterator[list[str]]:
    """Two `linli serve --no-index` processes on `database_url` with the same relayer key; their base URLs."""
    env = {
        **os.environ, "LINLI_DATABASE_URL": database_url, "LINLI_RPC_URL": voting.linli.chain.rpc,
        "LINLI_DEPLOYMENT": str(voting.deployment), "LINLI_PRIVATE_KEY": "0x" + bytes(voting.relayer.key).hex(),
        "LINLI_RATE_LIMIT_PER_MINUTE": str(rate_per_minute), "LINLI_CONFIRMATIONS": "0",
    }
    with ExitStack() as stack:
        bases = []
        for name in ("a", "b"):
            port = free_port()
            log = stack.enter_context((logs / f"serve-{name}.log").open("w"))
            command = [str(ROOT / ".venv" / "bin" / "linli"), "serve", "--port", str(port), "--no-index"]
            server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            stack.callback(_stop, server)
            bases.append((f"http://127.0.0.1:{port}", server, logs / f"serve-{name}.log"))
        for base, server, log_path in bases:
            _wait_ready(base, server, log_path)
        yield [base for base, _, _ in bases]


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def _wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"linli serve exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/status", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"linli serve did not answer within 90 s: {log.read_text()[-3000:]}")


def _ballots(voting: Voting) -> list[dict[str, Any]]:
    """Every member's signed ballot; every other one with v as the recovery id (0/1), as some wallets send."""
    gov = Governance(voting.linli)
    ballots = []
    for i, member in enumerate(voting.members):
        ballot = gov.sign_ballot(voting.proposal_id, Support.FOR if i % 3 else Support.AGAINST, member).to_json()
        if i % 2:
            v = int(ballot["signature"][-2:], 16)
            ballot["signature"] = ballot["signature"][:-2] + f"{v - 27:02x}"
        ballots.append(ballot)
    return ballots


def test_ballots_sent_to_two_servers_at_once_are_all_counted(voting: Voting, tmp_path: Path) -> None:
    gov, w3 = Governance(voting.linli), voting.linli.chain.w3
    before = gov.tally(voting.proposal_id)
    sent_before = w3.eth.get_transaction_count(voting.relayer.address)
    ballots = _ballots(voting)
    with (database("postgresql", tmp_path) as url, serving(voting, url, tmp_path, rate_per_minute=1000) as bases,
          ThreadPoolExecutor(MEMBERS) as pool, httpx.Client(timeout=120) as client):
        responses = list(pool.map(lambda ib: client.post(f"{bases[ib[0] % 2]}/votes/relay", json=ib[1]),
                                  enumerate(ballots)))
    failures = [(r.status_code, r.text) for r in responses if r.status_code != 200]
    assert not failures, failures
    assert all(gov.has_voted(voting.proposal_id, m.address) for m in voting.members)
    assert len({r.json()["tx_hash"] for r in responses}) == MEMBERS
    against = sum(voting.weight(i) for i in range(MEMBERS) if i % 3 == 0)
    after = gov.tally(voting.proposal_id)
    assert (after.against - before.against, after.for_ - before.for_) == (
        against, sum(voting.weight(i) for i in range(MEMBERS)) - against)
    assert w3.eth.get_transaction_count(voting.relayer.address) == sent_before + MEMBERS  # none lost, none twice


def test_rate_budget_is_one_across_both_servers(voting: Voting, tmp_path: Path) -> None:
    """Two requests a minute for the client, whichever server answers: the third, to either, is a 429.
    (The requests are malformed ballots: the limit is counted before the body is judged.)"""
    malformed = {"proposal_id": "1", "support": 9, "voter": voting.members[0].address, "nonce": "0",
                 "signature": "0x" + "11" * 65}
    with database("postgresql", tmp_path) as url, serving(voting, url, tmp_path, rate_per_minute=2) as (a, b):
        statuses = [httpx.post(f"{base}/votes/relay", json=malformed, timeout=30) for base in (a, b, a, b)]
        engine = create_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT key, granted FROM rate_buckets")).all()
        engine.dispose()
    assert [r.status_code for r in statuses] == [422, 422, 429, 429], [(r.status_code, r.text) for r in statuses]
    for refused in statuses[2:]:
        assert 1 <= int(refused.headers["Retry-After"]) <= 30 and "too many relay requests" in refused.json()["detail"]
    assert [tuple(r) for r in rows] == [("relay:127.0.0.1", False)]
