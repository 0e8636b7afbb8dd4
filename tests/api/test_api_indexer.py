"""The indexer: the same tables however it gets there (one pass, re-runs, rebuilds, killed and resumed,
across a reorg), and one indexer at a time when several processes share a PostgreSQL database."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import Engine, select, text

from api.canonical import plain
from api.db import make_engine, migrate, session_factory
from api.decoding import LogDecoder, contract_abi
from api.indexer import INDEXER_LOCK, Indexer, indexer_lock
from api.models import Block, ChainEvent, SyncState
from api.source import ChainSource
from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.points import Award, Points, evidence_id
from chain.system import Linli
from api_support import BACKENDS, ROOT, database, mirror_dump
from api_world import World

MEMBERS = [Account.create().address for _ in range(12)]


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Linli, Path]]:
    """Its own Anvil: 80 blocks of single awards (one transaction per block), a few delegations."""
    with start_local("anvil") as chain:
        linli = Linli.attach(chain, deploy_linli(chain))
        path = linli.deployment.save(tmp_path_factory.mktemp("busy") / "deployment.json")
        award(linli, "busy", 80)
        for signer in chain.signers[1:4]:
            Points(linli).award(Award(signer.address, 7, evidence_id(f"d:{signer.address}")))
            Points(linli).delegate(signer, MEMBERS[0])
        yield linli, path


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as u:
        yield u


@pytest.fixture
def other_url(url: str, tmp_path: Path) -> Iterator[str]:
    with database("sqlite" if url.startswith("sqlite") else "postgresql", tmp_path) as u:
        yield u


def award(linli: Linli, tag: str, count: int) -> None:
    awards = [Award(MEMBERS[i % len(MEMBERS)], 1 + i % 9, evidence_id(f"{tag}:{i}")) for i in range(count)]
    Points(linli).award_batch(awards, batch_id=evidence_id(tag), chunk_size=1)


def indexer(url: str, linli: Linli, window: int = 7) -> tuple[Indexer, Engine]:
    engine = make_engine(url)
    migrate(engine)
    return Indexer(session_factory(engine), ChainSource(linli), confirmations=0, window=window), engine


def rebuilt(url: str, linli: Linli) -> dict[str, list[tuple[object, ...]]]:
    """The tables a fresh full sync gives, in one big window."""
    idx, engine = indexer(url, linli, window=10_000)
    idx.reset()
    idx.sync()
    try:
        return mirror_dump(engine)
    finally:
        engine.dispose()


def test_fast_decoder_matches_web3(world: World) -> None:
    linli = world.linli
    logs = linli.log_fetcher().fetch(linli.deployment.block, linli.chain.block_number(),
                                     address=list(linli.deployment.contracts.values()))
    decoder = LogDecoder(contract_abi(n) for n in linli.deployment.contracts)
    slow = [(e.name, plain(e.args)) for e in map(linli.events.decode, logs) if e is not None]
    fast = [d for d in (decoder.decode(log["topics"], log["data"]) for log in logs) if d is not None]
    assert fast == slow and len(fast) > 50
    assert {name for name, _ in fast} >= {"PointsAwarded", "DelegateChanged", "ProposalCreated", "VoteCast",
                                          "ProposalExecuted", "DistributionPublished", "ProductAdded"}


def test_resync_adds_nothing_and_rebuild_gives_the_same_tables(busy: tuple[Linli, Path], url: str, other_url: str
                                                               ) -> None:
    linli, _ = busy
    idx, engine = indexer(url, linli)
    assert idx.sync() > 150
    first = mirror_dump(engine)
    assert idx.sync() == 0 and mirror_dump(engine) == first
    idx.reset()
    idx.sync()
    assert mirror_dump(engine) == first == rebuilt(other_url, linli)
    with engine.connect() as connection:
        state = connection.execute(select(SyncState)).one()
    assert state.block_number == linli.chain.block_number()
    engine.dispose()


def test_confirmations_hold_back_the_newest_blocks(busy: tuple[Linli, Path], url: str) -> None:
    linli, _ = busy
    engine = make_engine(url)
    migrate(engine)
    Indexer(session_factory(engine), ChainSource(linli), confirmations=5, window=50).sync()
    with engine.connect() as connection:
        assert connection.execute(select(SyncState.block_number)).scalar() == linli.chain.block_number() - 5
    engine.dispose()


def test_reorg_leaves_no_orphaned_rows(busy: tuple[Linli, Path], url: str, other_url: str) -> None:
    linli, chain = busy[0], busy[0].chain
    idx, engine = indexer(url, linli)
    snapshot = chain.snapshot()
    try:
        award(linli, "orphan", 12)
        idx.sync()
        orphaned = {h for (h,) in engine.connect().execute(select(ChainEvent.block_hash).distinct())}
        chain.revert(snapshot)
        snapshot = chain.snapshot()  # Anvil forgets a snapshot once reverted to it
        assert idx.step().reorged  # the chain is now shorter than the cursor: roll back at once
        award(linli, "canonical", 20)  # different blocks at the same heights, and beyond
        idx.sync()
        dump = mirror_dump(engine)
        assert dump == rebuilt(other_url, linli)
        with engine.connect() as connection:
            stored = {h for (h,) in connection.execute(select(ChainEvent.block_hash).distinct())}
            blocks = connection.execute(select(Block.number, Block.hash)).all()
        assert orphaned - stored and not (stored - {h for _, h in blocks})
        canonical = {n: chain.w3.eth.get_block(n)["hash"].to_0x_hex() for n, _ in blocks}
        assert all(canonical[n] == h for n, h in blocks)
    finally:
        chain.revert(snapshot)
        chain.nonces.forget()
        engine.dispose()


def test_reorg_at_the_same_height_is_rolled_back(busy: tuple[Linli, Path], url: str, other_url: str) -> None:
    """The chain keeps its height but the cursor block is replaced (another fork won): no block is missing,
    so only the cursor's hash tells; the indexer must roll back rather than call itself caught up."""
    linli, chain = busy[0], busy[0].chain
    idx, engine = indexer(url, linli)
    snapshot = chain.snapshot()
    try:
        award(linli, "fork-a", 6)
        height = chain.block_number()
        idx.sync()
        with engine.connect() as connection:
            orphaned = connection.execute(select(SyncState.block_number, SyncState.block_hash)).one()
        assert orphaned.block_number == height
        chain.revert(snapshot)
        snapshot = chain.snapshot()
        award(linli, "fork-b", 6)
        assert chain.block_number() == height
        assert chain.w3.eth.get_block(height)["hash"].to_0x_hex() != orphaned.block_hash
        assert idx.step().reorged
        idx.sync()
        assert mirror_dump(engine) == rebuilt(other_url, linli)
        with engine.connect() as connection:
            assert not connection.execute(select(ChainEvent).where(ChainEvent.block_hash == orphaned.block_hash)).all()
    finally:
        chain.revert(snapshot)
        chain.nonces.forget()
        engine.dispose()


def _cli_env(url: str, deployment: Path, linli: Linli, **extra: str) -> dict[str, str]:
    return {**os.environ, "LINLI_DATABASE_URL": url, "LINLI_DEPLOYMENT": str(deployment),
            "LINLI_RPC_URL": linli.chain.rpc, "LINLI_CONFIRMATIONS": "0", "LINLI_PRIVATE_KEY": "", **extra}


def _cursor(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(SyncState.block_number)).scalar() or -1


def test_killed_indexer_resumes_to_a_full_rebuild(busy: tuple[Linli, Path], url: str, other_url: str) -> None:
    linli, deployment = busy
    engine = make_engine(url)
    migrate(engine)
    env = _cli_env(url, deployment, linli, LINLI_WINDOW_BLOCKS="2")
    command = [str(ROOT / ".venv" / "bin" / "linli"), "mirror", "sync"]
    start, head = linli.deployment.block, linli.chain.block_number()
    rng, kills = random.Random(), []
    for _ in range(2):
        target = rng.randint(max(start, _cursor(engine)) + 1, head - 2)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while _cursor(engine) < target and process.poll() is None:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills.append(_cursor(engine))
    assert all(start <= k < head for k in kills), kills  # each kill landed mid-sync
    idx = Indexer(session_factory(engine), ChainSource(linli), confirmations=0, window=2)
    with indexer_lock(engine, idx.factory) as held:  # the killed process's lease is taken over at once
        assert held()
        idx.sync()
    assert mirror_dump(engine) == rebuilt(other_url, linli)
    engine.dispose()


@pytest.mark.postgres
def test_two_processes_on_postgres_do_not_double_index(busy: tuple[Linli, Path], tmp_path: Path) -> None:
    linli, deployment = busy
    with database("postgresql", tmp_path) as shared, database("postgresql", tmp_path) as reference:
        engine = make_engine(shared)
        migrate(engine)
        env = _cli_env(shared, deployment, linli, LINLI_WINDOW_BLOCKS="3", LINLI_POLL_SECONDS="0.1")
        command = [str(ROOT / ".venv" / "bin" / "linli"), "mirror", "sync", "--follow"]
        processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for _ in range(2)]
        try:
            snapshot = linli.chain.snapshot()
            award(linli, "both", 10)
            # No speed is asserted: the deadline only bounds a hang. Two cold `linli` processes on a loaded
            # 2-core machine can take minutes to import and catch up, and until one has, nobody holds the lock.
            deadline = time.monotonic() + 600
            while _cursor(engine) < linli.chain.block_number() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _cursor(engine) >= linli.chain.block_number(), "neither process caught up within 10 minutes"
            with engine.connect() as connection:
                holders = connection.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :k AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"), {"k": INDEXER_LOCK}).scalar()
            assert holders == 1
            assert all(p.poll() is None for p in processes), [p.stderr.read() for p in processes if p.stderr]
            assert mirror_dump(engine) == rebuilt(reference, linli)
        finally:
            for p in processes:
                p.send_signal(signal.SIGKILL)
                p.wait()
            linli.chain.revert(snapshot)
            linli.chain.nonces.forget()
            engine.dispose()
