"""`linli demo --serve`'s terminal side: choose the node and port, print what a newcomer needs, run until
Ctrl-C or SIGTERM (then the server stops and the node with it; a SIGKILL'd process takes the node along too,
chain.nodes asks Linux for that)."""
from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from linli.cli.options import note
from linli.i18n import t

if TYPE_CHECKING:
    from linli.demo import DemoConfig
    from linli.services.demo_serve import Served

HOST = "127.0.0.1"  # dev keys are printed: the dashboard is for this machine's browser
DEFAULT_PORT = 8000


def serve_demo(chain_kind: str | None, rpc: str | None, keystore: Path | None, config: DemoConfig,
               port: int | None) -> None:
    from chain.connect import open_chain  # web3 and py-evm load only when the command runs
    from chain.nodes import free_port
    from linli.cli.progress import step
    from linli.services.demo_serve import port_free, served_demo

    kind = chain_kind or (None if rpc else "anvil")  # the browser must reach the chain: a node, not embedded
    chosen = port or (DEFAULT_PORT if port_free(HOST, DEFAULT_PORT) else free_port())
    if chosen != (port or DEFAULT_PORT):
        note(t("demo.serve.port_moved", preferred=DEFAULT_PORT, port=chosen))
    # Ctrl-C and a plain `kill` both end the with-blocks below: the server stops, then the node
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # mypy: typer gives str; open_chain checks the kind and refuses others in one line
        chain = open_chain(kind, rpc_url=rpc, keystore=keystore)  # type: ignore[arg-type]
        with chain, served_demo(chain, config, host=HOST, port=chosen, steps=step) as served:
            print_served(served)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        typer.echo(t("demo.serve.stopped"))


def print_served(s: Served) -> None:
    """The dashboard, the open vote, three members' keystore files and their passphrase."""
    typer.echo(t("demo.serve.ready", members=s.demo.members, chain=s.demo.chain))
    typer.echo(t("demo.serve.dashboard", url=s.dashboard))
    typer.echo(t("demo.serve.api", api=s.api, rpc=s.rpc))
    typer.echo(t("demo.serve.open", description=s.proposal.description, hours=max(0, s.open_for_s) // 3600))
    typer.echo(t("demo.serve.poll", poll=s.poll_id))
    typer.echo(t("demo.serve.samples"))
    for sample in s.samples:
        typer.echo(f"  {sample.member_id}  {sample.address}  {sample.keystore}")
    typer.echo(t("demo.serve.passphrase", passphrase=s.passphrase))
    typer.echo(t("demo.serve.how"))
    typer.echo(t("demo.serve.stop"))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
