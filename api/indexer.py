"""The indexer: Linli's events from the chain into the database, confirmed, resumable and reorg-safe.

One step reads one window of blocks [cursor + 1, min(head - confirmations, cursor + window)] and commits it
in ONE transaction with the new cursor, so a process killed at any point resumes exactly where the last
commit left off. Events are unique per (block hash, log index), so a window seen twice adds nothing.

Reorgs are found by hashes: before each window the stored cursor block must still be the chain's block at
that height, and the window's first block must name it as parent; events must carry the hashes of the
headers read around them. On a mismatch the indexer walks back through the blocks it stored until one is
still canonical, deletes every event above it and replays the projections from the remaining event log.

Several processes may run the loop; a lock (pg_advisory_lock on PostgreSQL, a lease row elsewhere) lets one
of them index while the others only serve.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, text, tuple_
from sqlalchemy.orm import Session, sessionmaker

from api import canonical
from api.models import PROJECTIONS, Base, Block, ChainEvent, IndexerLease, SyncState
from api.projection import ActionDecoder, Fact, Projector, touched_members
from api.source import Header, RawEvent, Source

log = logging.getLogger("linli.indexer")
INDEXER_LOCK = 0x4C494E4C49_02  # pg_advisory_lock key ("LINLI" 02)
LEASE_SECONDS = 30.0


class ChainMoved(Exception):
    """The chain changed under a window being read (a reorg in progress): read the window again."""


@dataclass(frozen=True, slots=True)
class StepResult:
    events: int
    caught_up: bool
    reorged: bool = False


class Indexer:
    def __init__(
        self,
        factory: sessionmaker[Session],
        source: Source,
        *,
        confirmations: int = 2,
        window: int = 2_000,
        actions: ActionDecoder | None = None,
    ) -> None:
        self.factory, self.source = factory, source
        self.confirmations, self.window = confirmations, window
        self.actions = actions or ActionDecoder(source.contracts)

    # --- one window -----------------------------------------------------------------------------------

    def step(self) -> StepResult:
        """Index the next window (or undo a reorg); `caught_up` when nothing is left to read."""
        with self.factory.begin() as session:
            state = session.get(SyncState, 1)
            if state is not None and state.chain_id != self.source.chain_id:
                raise RuntimeError(
                    f"database mirrors chain {state.chain_id}, the source is chain {self.source.chain_id}: "
                    "use another LINLI_DATABASE_URL, or `linli mirror rebuild`")
            if state is not None:
                current = self.source.header(state.block_number)
                if current is None or current.hash != state.block_hash:
                    self._rollback(session)
                    return StepResult(0, False, reorged=True)
            lo = self.source.start_block if state is None else state.block_number + 1
            safe = self.source.head() - self.confirmations
            if lo > safe:
                return StepResult(0, True)
            hi = min(safe, lo + self.window - 1)
            try:
                headers, events = self._read(lo, hi, None if state is None else state.block_hash)
            except ChainMoved:
                return StepResult(0, False, reorged=True)
            count = self._store(session, headers, events)
            last = headers[hi]
            if state is None:
                state = SyncState(id=1, chain_id=self.source.chain_id, block_number=0, block_hash="", block_timestamp=0)
                session.add(state)
            state.block_number, state.block_hash, state.block_timestamp = last.number, last.hash, last.timestamp
            return StepResult(count, hi >= safe)

    def _read(self, lo: int, hi: int, parent: str | None) -> tuple[dict[int, Header], list[RawEvent]]:
        first, last = self._header(lo), self._header(hi)
        if parent is not None and first.parent_hash != parent:
            raise ChainMoved
        events = self.source.events(lo, hi)
        headers = {lo: first, hi: last}
        for number in sorted({e.block_number for e in events} - set(headers)):
            headers[number] = self._header(number)
        if any(e.block_hash != headers[e.block_number].hash for e in events) or self._header(hi).hash != last.hash:
            raise ChainMoved
        return headers, events

    def _header(self, number: int) -> Header:
        header = self.source.header(number)
        if header is None:
            raise ChainMoved
        return header

    def _store(self, session: Session, headers: dict[int, Header], events: list[RawEvent]) -> int:
        known = set()
        if events:
            keys = [(e.block_hash, e.log_index) for e in events]
            for chunk in range(0, len(keys), 500):
                part = keys[chunk : chunk + 500]
                known |= {(h, i) for h, i in session.execute(
                    select(ChainEvent.block_hash, ChainEvent.log_index)
                    .where(tuple_(ChainEvent.block_hash, ChainEvent.log_index).in_(part))
                )}
        fresh = [e for e in events if (e.block_hash, e.log_index) not in known]
        stored = {n for (n,) in session.execute(select(Block.number).where(Block.number.in_(list(headers))))}
        session.add_all(
            Block(number=h.number, hash=h.hash, parent_hash=h.parent_hash, timestamp=h.timestamp)
            for h in headers.values() if h.number not in stored
        )
        rows = [
            {"block_number": e.block_number, "block_hash": e.block_hash, "log_index": e.log_index,
             "tx_hash": e.tx_hash, "timestamp": headers[e.block_number].timestamp, "contract": e.contract,
             "name": e.name, "args": canonical.dumps(e.args)}
            for e in fresh
        ]
        if rows:
            session.execute(insert(ChainEvent), rows)
        facts = [
            Fact(e.contract, e.name, e.args, e.block_number, e.log_index, e.tx_hash, headers[e.block_number].timestamp)
            for e in fresh
        ]
        self._project(session, facts)
        return len(fresh)

    def _project(self, session: Session, facts: list[Fact]) -> None:
        projector = Projector(session, self.actions)
        projector.prefetch_members(touched_members(facts))
        projector.apply(facts)

    # --- reorgs and rebuilds -------------------------------------------------------------------------------

    def _rollback(self, session: Session) -> None:
        """Back to the newest stored block that is still canonical; replay the projections from the log."""
        ancestor: Block | None = None
        for block in session.scalars(select(Block).order_by(Block.number.desc())):
            header = self.source.header(block.number)
            if header is not None and header.hash == block.hash:
                ancestor = block
                break
        floor = ancestor.number if ancestor else -1
        log.warning("reorg: rolling back to block %s", floor)
        session.execute(delete(ChainEvent).where(ChainEvent.block_number > floor))
        session.execute(delete(Block).where(Block.number > floor))
        state = session.get(SyncState, 1)
        assert state is not None
        if ancestor is None:
            session.delete(state)
        else:
            state.block_number, state.block_hash = ancestor.number, ancestor.hash
            state.block_timestamp = ancestor.timestamp
        self.replay(session)

    def replay(self, session: Session) -> None:
        """Empty the projections and rebuild them from the stored events alone (no chain access)."""
        for table in PROJECTIONS:
            session.execute(delete(table))
        query = select(ChainEvent).order_by(ChainEvent.block_number, ChainEvent.log_index)
        batch: list[Fact] = []
        for event in session.scalars(query).yield_per(5_000):
            batch.append(Fact(event.contract, event.name, canonical.loads(event.args), event.block_number,
                              event.log_index, event.tx_hash, event.timestamp))
            if len(batch) == 5_000:
                self._project(session, batch)
                batch = []
        self._project(session, batch)

    def reset(self) -> None:
        """Forget everything read from the chain (admin data stays): the next sync starts at the deployment."""
        with self.factory.begin() as session:
            tables: tuple[type[Base], ...] = (*PROJECTIONS, ChainEvent, Block, SyncState)
            for table in tables:
                session.execute(delete(table))

    # --- loops ------------------------------------------------------------------------------------------

    def sync(self, *, stop: threading.Event | None = None, on_step: Callable[[StepResult], None] | None = None) -> int:
        """Step until caught up (or `stop` is set); returns the number of events stored."""
        total = 0
        while stop is None or not stop.is_set():
            result = self.step()
            total += result.events
            if on_step is not None:
                on_step(result)
            if result.caught_up:
                break
        return total

    def follow(self, engine: Engine, stop: threading.Event, *, poll_seconds: float = 2.0) -> None:
        """Index for ever while holding the indexer lock; without it, wait and try again (others index)."""
        while not stop.is_set():
            try:
                with indexer_lock(engine, self.factory) as held:
                    while held() and not stop.is_set():
                        if self.sync(stop=stop) == 0:
                            stop.wait(poll_seconds)
            except Exception:  # a node or database outage must not end the loop: log, back off, retry
                log.exception("indexer step failed; retrying")
            stop.wait(poll_seconds)


@contextmanager
def indexer_lock(engine: Engine, factory: sessionmaker[Session]) -> Iterator[Callable[[], bool]]:
    """Yields `held()`: True while this process may index. On PostgreSQL the lock lives as long as a
    dedicated connection (a killed process frees it at once); elsewhere it is a lease renewed by `held()`."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": INDEXER_LOCK}).scalar())
            connection.commit()
            try:
                yield lambda: got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": INDEXER_LOCK})
                    connection.commit()
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def held() -> bool:
        now = time.time()
        with factory.begin() as session:
            lease = session.get(IndexerLease, "indexer", with_for_update=True)
            if lease is None:
                session.add(IndexerLease(name="indexer", holder=holder, expires_at=now + LEASE_SECONDS))
                return True
            if lease.holder == holder or lease.expires_at < now or _dead_here(lease.holder):
                lease.holder, lease.expires_at = holder, now + LEASE_SECONDS
                return True
            return False

    try:
        yield held
    finally:
        with factory.begin() as session:
            session.execute(delete(IndexerLease).where(IndexerLease.holder == holder))


def _dead_here(holder: str) -> bool:
    """A lease held by a process of this host that no longer exists (killed): no need to wait it out."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
