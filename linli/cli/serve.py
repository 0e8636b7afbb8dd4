"""`linli serve`: the HTTP API (and, in the background, the indexer loop) on uvicorn."""
from __future__ import annotations

from typing import Annotated

import typer

from linli.cli.options import DeploymentFile, Rpc

app = typer.Typer()


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", envvar="LINLI_DATABASE_URL", show_envvar=True,
        help="SQLAlchemy URL [default: sqlite:///linli.db]; postgresql://… for several processes.")] = None,
    index: Annotated[bool, typer.Option(
        "--index/--no-index", help="Also follow the chain into the database (one process at a time does).")] = True,
    rpc: Rpc = None,
    deployment: DeploymentFile = None,
) -> None:
    """Serve the API (OpenAPI at /docs); the chain is read with LINLI_RPC_URL and LINLI_DEPLOYMENT."""
    import uvicorn

    from api.main import create_app
    from api.settings import Settings

    settings = Settings.from_env(database_url=database, rpc_url=rpc, deployment=deployment, index=index)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
