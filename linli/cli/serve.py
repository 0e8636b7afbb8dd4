"""`linli serve`: the HTTP API (and, in the background, the indexer loop) on uvicorn.

uvicorn's own bounds, chosen here: an idle keep-alive connection is closed after KEEP_ALIVE_S; beyond
MAX_CONNECTIONS open connections (or running requests) it answers 503 at once instead of queueing, so slow
clients cannot exhaust file descriptors or memory; on Ctrl-C it waits at most SHUTDOWN_S for running
requests. A body that trickles in is cut off by the API itself (LINLI_BODY_TIMEOUT_SECONDS, 408). uvicorn has
no timeout for the request *headers*: exposed to the internet, put a proxy with one (nginx's
client_header_timeout) in front.
"""
from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import DeploymentFile, Rpc
from linli.i18n import t

if TYPE_CHECKING:
    import uvicorn

app = typer.Typer()

KEEP_ALIVE_S = 5
MAX_CONNECTIONS = 256
SHUTDOWN_S = 10


@app.command("serve", help=t("serve.help"))
def serve(
    host: Annotated[str, typer.Option(help=t("serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=t("serve.port"))] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", envvar="LINLI_DATABASE_URL", show_envvar=True, help=t("serve.database"))] = None,
    index: Annotated[bool, typer.Option("--index/--no-index", help=t("serve.index"))] = True,
    rpc: Rpc = None,
    deployment: DeploymentFile = None,
) -> None:
    import uvicorn

    from api.main import create_app
    from api.settings import Settings

    settings = Settings.from_env(database_url=database, rpc_url=rpc, deployment=deployment, index=index)
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="info",
                            timeout_keep_alive=KEEP_ALIVE_S, limit_concurrency=MAX_CONNECTIONS,
                            timeout_graceful_shutdown=SHUTDOWN_S)
    announcing_server(config).run()


def dashboard_url(host: str, port: int) -> str:
    """Where a browser finds the dashboard of a server listening on `host`:`port`."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/dashboard/"


def announcing_server(config: uvicorn.Config) -> uvicorn.Server:
    """A uvicorn server that prints the dashboard's URL once it listens (not before: the port may be taken)."""
    import uvicorn

    class Announcing(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                port = self.servers[0].sockets[0].getsockname()[1] if self.servers else config.port
                typer.echo(t("serve.dashboard", url=dashboard_url(config.host, port)))

    return Announcing(config)
