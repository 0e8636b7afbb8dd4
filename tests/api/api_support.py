"""Helpers of the API tests: throwaway databases on SQLite and PostgreSQL, a synced mirror, a dump of it.

(Named api_support, not utils: every tests/ folder is on sys.path, so module names must differ between them.)"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from nacl.signing import SigningKey
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.pool import NullPool

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.models import PROJECTIONS, Block, ChainEvent, SyncState
from api.settings import Settings
from api.source import ChainSource
from chain.nodes import free_port
from api_world import ADMIN_SEED, World

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[2]
ADMIN_KEYS = {"ops": SigningKey(ADMIN_SEED).verify_key.encode().hex()}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
MakeApp = Callable[..., FastAPI]


def settings_for(url: str, world: World, **overrides: object) -> Settings:
    values: dict[str, object] = dict(database_url=url, deployment=world.deployment, rpc_url=world.chain.rpc,
                                     confirmations=0, admin_keys=ADMIN_KEYS, index=False)
    values.update(overrides)
    return Settings(**values)


def sync(url: str, world: World) -> None:
    """Mirror the world into the database at `url` (migrated first)."""
    engine = make_engine(url)
    migrate(engine)
    Indexer(session_factory(engine), ChainSource(world.linli), confirmations=0, window=50).sync()
    engine.dispose()


@contextmanager
def database(backend: str, directory: Path, *, copy_of: str | None = None) -> Iterator[str]:
    """A new database URL on `backend`, empty or a copy of `copy_of`; PostgreSQL ones are dropped afterwards."""
    if backend == "sqlite":
        path = directory / f"mirror-{secrets.token_hex(4)}.db"
        if copy_of is not None:
            shutil.copyfile(copy_of.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    name = f"linli_test_{secrets.token_hex(6)}"
    # no pool: an idle admin connection per live test database would add up to the server's max_connections
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    template = "" if copy_of is None else f' TEMPLATE "{copy_of.rsplit("/", 1)[1]}"'
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{template}'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


SKIP_COLUMNS = {"id"}  # surrogate keys: their values depend on insertion history, not on the chain


def mirror_dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row read from the chain, table by table, sorted, without surrogate ids."""
    dump: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as connection:
        for model in (Block, ChainEvent, SyncState, *PROJECTIONS):
            table = model.__table__
            columns = [c for c in table.columns if c.name not in SKIP_COLUMNS]
            rows = connection.execute(select(*columns)).all()
            dump[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return dump


@dataclass(frozen=True)
class Served:
    """A real `linli serve` process (uvicorn) on a database, its log in a file (a pipe nobody reads would fill
    up and stall the server)."""

    base: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def serve_env(url: str, world: World, **overrides: str) -> dict[str, str]:
    """The environment of `linli serve` on `url`: the world's chain, its relayer key (signer 7), the admin key."""
    return {
        **os.environ, "LINLI_DATABASE_URL": url, "LINLI_DEPLOYMENT": str(world.deployment),
        "LINLI_RPC_URL": world.chain.rpc, "LINLI_CONFIRMATIONS": "0", "LINLI_INDEX": "false",
        "LINLI_PRIVATE_KEY": "0x" + bytes(world.chain.signers[7].key).hex(), "LINLI_RATE_LIMIT_PER_MINUTE": "600",
        "LINLI_ADMIN_KEYS": ",".join(f"{k}:{v}" for k, v in ADMIN_KEYS.items()), **overrides,
    }


@contextmanager
def served(url: str, world: World, directory: Path, **env: str) -> Iterator[Served]:
    """`linli serve --no-index` on `url` (a mirror of the world), answering /status; stopped afterwards."""
    port = free_port()
    log = directory / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "linli"), "serve", "--port", str(port), "--no-index"],
                                   env=serve_env(url, world, **env), stdout=sink, stderr=subprocess.STDOUT)
    server = Served(f"http://127.0.0.1:{port}", port, process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _wait_ready(server: Served) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"linli serve exited ({server.process.returncode}): {server.log_tail()}")
        try:
            if httpx.get(f"{server.base}/status", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"linli serve did not answer within 60 s: {server.log_tail()}")
