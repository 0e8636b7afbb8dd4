"""`linli chain deploy` and `linli chain node`.

An embedded chain, and a node `deploy --chain anvil|ganache` starts, end with the command: fine for a
look, useless for a session. For proposals, votes and month closes over several commands, run a node in
the foreground with `linli chain node` (Anvil keeps its state across restarts with `--state FILE`), then
point the other commands at it with `--rpc` / LINLI_RPC_URL.
"""
from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from linli.cli.options import Json, Keystore, emit_json, note
from linli.i18n import t

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

app = typer.Typer(help=t("chain.help"), no_args_is_help=True)
LOCAL_CHAIN_IDS = (1337, 31337)  # Ganache's and Anvil's: a dev node behind --rpc
SESSION_MEMBERS = 3  # dev accounts 1..3, printed as members with their keys for a session's ballots


@app.command("deploy", help=t("chain.deploy.help"))
def deploy(
    chain_kind: Annotated[str | None, typer.Option("--chain", help=t("chain.deploy.chain"))] = None,
    rpc: Annotated[str | None, typer.Option("--rpc", help=t("chain.deploy.rpc"))] = None,
    keystore: Keystore = None,
    out: Annotated[Path, typer.Option("--out", help=t("chain.deploy.out"))] = Path("deployment.json"),
    rules: Annotated[Path | None, typer.Option("--rules", help=t("chain.deploy.rules"))] = None,
    profile: Annotated[str | None, typer.Option("--profile", help=t("chain.deploy.profile"))] = None,
    as_json: Json = False,
) -> None:
    from chain.connect import open_chain  # web3 and py-evm load only when a command needs a chain
    from chain.deploy import DeployConfig, deploy_linli
    from chain.deployment import CONTRACT_NAMES
    from governance.rules import load_rules
    from linli.cli.progress import step
    from linli.services.rules_source import deploy_overrides

    overrides = deploy_overrides(load_rules(rules)) if rules else {}
    # mypy: typer gives str; open_chain checks the kind and refuses others in one line
    with open_chain(chain_kind, rpc_url=rpc, keystore=keystore) as chain:  # type: ignore[arg-type]
        local = chain.name in ("embedded", "anvil", "ganache") or chain.chain_id in LOCAL_CHAIN_IDS
        chosen = profile or ("fast" if local else "default")
        with step(t("chain.deploy.step", name=chain.name, rpc=chain.rpc)) as progress:
            done: list[str] = []

            def advanced(message: str) -> None:  # one note per contract, then one for the roles
                done.append(message)
                progress(len(done), len(CONTRACT_NAMES) + 1)

            deployment = deploy_linli(chain, DeployConfig(profile=chosen, overrides=overrides), progress=advanced)
        deployment.save(out)
    if as_json:
        emit_json(deployment.to_json())
    else:
        typer.echo(t("chain.deploy.done", chain_id=deployment.chain_id, rpc=deployment.rpc, block=deployment.block,
                     profile=chosen, out=out))
        for name, address in deployment.contracts.items():
            typer.echo(f"  {name:<20} {address}")
    if not deployment.rpc.startswith("http") or chain_kind in ("anvil", "ganache"):
        note(t("note.no_longer_chain"))


@app.command("node", help=t("chain.node.help"))
def node(
    chain_kind: Annotated[str, typer.Option("--chain", help=t("chain.node.chain"))] = "anvil",
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, envvar="LINLI_NODE_PORT", show_envvar=True,
                                             help=t("chain.node.port"))] = None,
    state: Annotated[Path | None, typer.Option("--state", help=t("chain.node.state"))] = None,
    accounts: Annotated[int, typer.Option("--accounts", help=t("chain.node.accounts"))] = 10,
) -> None:
    from chain.keys import dev_signers
    from linli.cli.stateful_node import PREFERRED_PORT, StatefulNode, preferred_port

    if chain_kind not in ("anvil", "ganache"):
        raise typer.BadParameter(t("chain.node.bad_kind"), param_hint="--chain")
    # mypy: checked against the two kinds just above
    kind: Literal["anvil", "ganache"] = chain_kind  # type: ignore[assignment]
    chosen = port or preferred_port()
    if chosen != (port or PREFERRED_PORT):
        note(t("chain.node.port_taken", preferred=PREFERRED_PORT, port=chosen))
    local = StatefulNode(kind, port=chosen, accounts=accounts, state=state).start()
    # Ctrl-C, or a plain `kill`, ends the node cleanly (Anvil dumps its state); so does a shell that
    # started us in the background with SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        typer.echo(t("chain.node.listening", kind=kind, url=local.url, log=local.log_path))
        typer.echo(t("chain.node.dev_accounts"))
        typer.echo(f"  export LINLI_RPC_URL={local.url}")
        admin, *members = dev_signers(min(accounts, 1 + SESSION_MEMBERS))
        typer.echo(f"  export LINLI_PRIVATE_KEY={_hex(admin)}  # {t('chain.node.admin_account')}")
        for i, member in enumerate(members, start=1):
            typer.echo(f"  export MEMBER{i}={member.address} MEMBER{i}_KEY={_hex(member)}"
                       f"  # {t('chain.node.member_account', index=i)}")
        typer.echo(t("chain.node.stop_hint_state", state=state) if state else t("chain.node.stop_hint"))
        while local.running:
            time.sleep(0.5)
        note(t("chain.node.exited", kind=kind, log=local.log_tail()))
        raise typer.Exit(1)
    except KeyboardInterrupt:
        typer.echo(t("chain.node.stopping", kind=kind))
    finally:
        local.stop()


def _hex(account: LocalAccount) -> str:
    return "0x" + account.key.hex().removeprefix("0x")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@app.command("advance", help=t("chain.advance.help"))
def advance(
    seconds: Annotated[int, typer.Argument(min=1, help=t("chain.advance.seconds"))],
    rpc: Annotated[str | None, typer.Option("--rpc", envvar="LINLI_RPC_URL", show_envvar=True,
                                            help=t("chain.advance.rpc"))] = None,
) -> None:
    from eth_account import Account

    from chain.rpc import RpcChain

    if not rpc:
        raise typer.BadParameter(t("chain.advance.no_rpc"), param_hint="--rpc")
    with RpcChain(rpc, [Account.create()], name="rpc") as chain:
        typer.echo(t("chain.advance.done", block=chain.block_number(), time=chain.increase_time(seconds)))
