"""Fixtures of the API tests: one Anvil node with the story world (session), and mirrors of it on SQLite
and on PostgreSQL (every backend-dependent test runs on both)."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from api.main import create_app
from api_support import BACKENDS, ROOT, MakeApp, database, settings_for, sync
from api_world import World, build_world
from chain.connect import start_local
from chain.rpc import RpcChain
from chain.system import Linli


@pytest.fixture(scope="session", autouse=True)
def _postgres_running() -> None:
    subprocess.run([str(ROOT / "toolchain" / "ensure_postgres.sh")], check=True)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with start_local("anvil") as chain:
        yield build_world(chain, tmp_path_factory.mktemp("world"))


@pytest.fixture(params=BACKENDS, scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def relayer(world: World) -> Linli:
    """The world's deployment bound with the relayer's key (signer 6) only."""
    return Linli.attach(RpcChain(world.chain.rpc, [world.chain.signers[6]], name="relayer"), world.linli.deployment)


@pytest.fixture(scope="session")
def make_app(world: World, relayer: Linli, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeApp]:
    """make_app(backend, synced=True, linli=relayer, **settings) -> an app on its own copy of a mirror of the
    world; `linli` is the chain binding whose first signer sends (relays, publishes)."""
    with ExitStack() as stack:
        templates: dict[str, str] = {}

        def make(backend: str, *, synced: bool = True, linli: Linli | None = None, **overrides: object) -> FastAPI:
            if synced and backend not in templates:
                templates[backend] = stack.enter_context(database(backend, tmp_path_factory.mktemp("db")))
                sync(templates[backend], world)
            url = stack.enter_context(database(backend, tmp_path_factory.mktemp("db"),
                                               copy_of=templates[backend] if synced else None))
            overrides.setdefault("relayer_key", "0x" + bytes(relayer.chain.signers[0].key).hex())
            app = create_app(settings_for(url, world, **overrides), linli=linli or relayer)
            stack.callback(app.state.engine.dispose)
            return app

        yield make


@pytest.fixture(scope="session")
def client(make_app: MakeApp, backend: str) -> Iterator[TestClient]:
    """A read-only client on a mirror of the world, one per backend (tests must not write through it)."""
    with TestClient(make_app(backend)) as c:
        yield c
