"""The indexer's bookkeeping at its edges, on the story world (Anvil) and SQLite: each step reads exactly one
window and resumes after it; a reorg that lands between the cursor check and the window's read (caught by the
window's parent hash) or while its logs are read (caught by the block hashes) is undone; a database that
mirrors another chain is refused; a live indexer's lease is not taken by another while it holds it. These
kill the mutants of scripts/mutation_python.py (area indexer) that the older tests let survive."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer, indexer_lock
from api.models import SyncState
from api.source import ChainSource, Header, RawEvent
from api_world import World


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'mirror.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def _cursor(engine: Engine) -> int | None:
    with engine.connect() as connection:
        return connection.execute(select(SyncState.block_number)).scalar()


def test_each_step_reads_one_window_and_resumes_after_it(world: World, engine: Engine) -> None:
    source = ChainSource(world.linli)
    assert source.head() - source.start_block >= 6, "the world needs two windows of blocks"
    indexer = Indexer(session_factory(engine), source, confirmations=0, window=3)
    first = indexer.step()
    assert _cursor(engine) == source.start_block + 2 and not first.caught_up and not first.reorged
    second = indexer.step()
    assert _cursor(engine) == source.start_block + 5 and not second.reorged


def test_a_mirror_of_another_chain_is_refused(world: World, engine: Engine) -> None:
    indexer = Indexer(session_factory(engine), ChainSource(world.linli), confirmations=0, window=3)
    indexer.step()
    with engine.begin() as connection:
        connection.execute(text("UPDATE sync_state SET chain_id = chain_id + 1"))
    with pytest.raises(RuntimeError, match="database mirrors chain"):
        indexer.step()


def test_a_live_indexers_lease_is_not_taken(engine: Engine) -> None:
    factory = session_factory(engine)
    seen: list[bool] = []
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with indexer_lock(engine, factory) as held:
            seen.append(held())
            holding.set()
            release.wait()

    owner = threading.Thread(target=first)
    owner.start()
    holding.wait()
    with indexer_lock(engine, factory) as held:  # this thread: another holder of this same live process
        seen.append(held())
        release.set()
        owner.join()
        seen.append(held())  # the first released its lease on leaving
    assert seen == [True, False, True]


class ReorgingSource(ChainSource):
    """The real source, on a chain that really reorganises (Anvil snapshot, revert, other blocks) the first
    time block `at` is asked for: right between the step's cursor check and its read of the window."""

    def __init__(self, world: World, at: int, *, in_events: bool = False) -> None:
        super().__init__(world.linli)
        self.world, self.at, self.in_events = world, at, in_events
        self.base, self.restore = world.chain.snapshot(), None

    def _reorg(self) -> None:
        if self.restore is None:
            self.world.chain.revert(self.base)
            self.restore = self.world.chain.snapshot()
            self.world.chain.increase_time(7)  # other timestamps: other block hashes at the same heights
            self.world.chain.mine(3)

    def header(self, number: int) -> Header | None:
        if number == self.at and not self.in_events:
            self._reorg()
        return super().header(number)

    def events(self, lo: int, hi: int) -> list[RawEvent]:
        if self.in_events and lo <= self.at <= hi:
            self._reorg()
        return super().events(lo, hi)


@pytest.mark.parametrize("in_events", [False, True], ids=["before-the-window", "while-reading-its-logs"])
def test_a_reorg_between_the_cursor_check_and_the_read_is_caught(world: World, engine: Engine, in_events: bool
                                                                 ) -> None:
    source = ReorgingSource(world, at=world.chain.block_number() + 3, in_events=in_events)
    try:
        world.chain.mine(2)
        indexer = Indexer(session_factory(engine), source, confirmations=0, window=10_000)
        indexer.sync()
        assert _cursor(engine) == source.at - 1
        world.chain.mine(1)
        assert indexer.step().reorged
    finally:
        world.chain.revert(source.restore if source.restore is not None else source.base)
