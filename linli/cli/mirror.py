"""`linli mirror sync|rebuild`: bring the API's database up to the chain, or rebuild it from block zero."""
from __future__ import annotations

import threading
from typing import Annotated

import typer

from linli.cli.options import DeploymentFile, Json, Rpc, emit_json, note
from linli.i18n import t

app = typer.Typer(help=t("mirror.help"), no_args_is_help=True)

Database = Annotated[str | None, typer.Option(
    "--database", envvar="LINLI_DATABASE_URL", show_envvar=True, help=t("opt.database"))]
Follow = Annotated[bool, typer.Option("--follow", help=t("mirror.follow"))]


def _run(*, rebuild: bool, follow: bool, database: str | None, rpc: str | None, deployment: object, as_json: bool
         ) -> None:
    from api.db import make_engine, migrate, session_factory
    from api.indexer import Indexer, indexer_lock
    from api.settings import Settings
    from api.source import ChainSource, connect

    settings = Settings.from_env(database_url=database, rpc_url=rpc, deployment=deployment)
    engine = make_engine(settings.database_url)
    migrate(engine)
    factory = session_factory(engine)
    linli = connect(settings)
    indexer = Indexer(factory, ChainSource(linli, window=settings.window_blocks),
                      confirmations=settings.confirmations, window=settings.window_blocks)
    stop = threading.Event()
    try:
        if follow:
            indexer.follow(engine, stop, poll_seconds=settings.poll_seconds)
            return
        with indexer_lock(engine, factory) as held:
            if not held():
                note(t("mirror.busy"))
                raise typer.Exit(1)
            if rebuild:
                indexer.reset()
            events = indexer.sync()
    except KeyboardInterrupt:
        stop.set()
        return
    finally:
        linli.chain.close()
    with factory() as session:
        from api.queries import sync_state

        state = sync_state(session=session)
    result = {"events": events, "block": state.block_number if state else None,
              "block_hash": state.block_hash if state else None}
    if as_json:
        emit_json(result)
    else:
        note(t("mirror.synced", events=events, block=result["block"], hash=result["block_hash"]))


@app.command("sync", help=t("mirror.sync.help"))
def sync(database: Database = None, rpc: Rpc = None, deployment: DeploymentFile = None, follow: Follow = False,
         as_json: Json = False) -> None:
    _run(rebuild=False, follow=follow, database=database, rpc=rpc, deployment=deployment, as_json=as_json)


@app.command("rebuild", help=t("mirror.rebuild.help"))
def rebuild(database: Database = None, rpc: Rpc = None, deployment: DeploymentFile = None, as_json: Json = False
            ) -> None:
    _run(rebuild=True, follow=False, database=database, rpc=rpc, deployment=deployment, as_json=as_json)
