"""`create_app(settings)`: the API as an app factory. It migrates the database, wires the routers and, when
asked, runs the indexer loop in a background thread (only one process indexes at a time; all serve).

A dashboard or any other router is one more line in `ROUTERS` (or a `mount` call after create_app).
"""
from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI

from api import dashboard, docs_ui, errors
from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.limits import BodyLimits, Limits
from api.ratelimit import rate_limiter
from api.routes import (
    admin, auth, distributions, leaderboard, members, polls, products, proposals, rules, status, votes,
)
from api.settings import Settings
from api.source import ChainSource, connect
from chain.deployment import DEFAULT_PATH
from chain.recursion import restore_recursion_limit
from chain.system import Linli

ROUTERS = (members.router, leaderboard.router, proposals.router, rules.router, products.router,
           distributions.router, votes.router, polls.router, admin.router, status.router,
           auth.router)


def create_app(settings: Settings, *, linli: Linli | None = None) -> FastAPI:
    """The app for `settings`. `linli` (a bound deployment) is needed for the indexer and the writes; without
    it, LINLI_RPC_URL, LINLI_DEPLOYMENT or a ./deployment.json, the API serves what the database holds.

    Every request body is bounded (api.limits) and the recursion limit web3's py_ecc raised is brought back
    down (chain.recursion), so no request can overflow the C stack."""
    restore_recursion_limit()
    engine = make_engine(settings.database_url)
    migrate(engine)
    if linli is None and (settings.rpc_url or settings.deployment or DEFAULT_PATH.is_file()):
        linli = connect(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = None
        if settings.index and linli is not None:
            indexer = Indexer(app.state.sessions, ChainSource(linli, window=settings.window_blocks),
                              confirmations=settings.confirmations, window=settings.window_blocks)
            worker = threading.Thread(target=indexer.follow, args=(engine, stop),
                                      kwargs={"poll_seconds": settings.poll_seconds}, name="linli-indexer", daemon=True)
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=30)
            engine.dispose()
            app.state.read_engine.dispose()

    app = FastAPI(
        title="Linli (邻里) API",
        summary="A mirror of the co-op's chain (members, proposals, rules, distributions) and its few writes.",
        version=metadata.version("linli"),
        lifespan=lifespan,
        docs_url=None,  # api.docs_ui serves /docs from npm's swagger-ui-dist, not a CDN
        redoc_url=None,
    )
    app.state.settings, app.state.engine, app.state.sessions = settings, engine, session_factory(engine)
    app.state.read_engine = make_engine(settings.database_url, autocommit=True)
    app.state.read_sessions = session_factory(app.state.read_engine)
    app.state.linli, app.state.rate_limits = linli, rate_limiter(engine, settings.rate_limit_per_minute)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodyLimits, limits=Limits.from_settings(settings))
    dashboard.mount(app)
    docs_ui.mount(app)

    errors.register(app)
    return app
