"""Helpers of the API tests: throwaway databases on SQLite and PostgreSQL, a synced mirror, a dump of it.

(Named api_support, not utils: every tests/ folder is on sys.path, so module names must differ between them.)"""
from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from nacl.signing import SigningKey
from sqlalchemy import Engine, create_engine, select, text

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.models import PROJECTIONS, Block, ChainEvent, SyncState
from api.settings import Settings
from api.source import ChainSource
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
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
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
