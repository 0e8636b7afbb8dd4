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
from typing import Annotated, Literal

import typer

from linli.cli.options import Json, Keystore, emit_json, note

app = typer.Typer(help="Deploy Linli's contracts, or run a local chain node for a session.", no_args_is_help=True)
LOCAL_CHAIN_IDS = (1337, 31337)  # Ganache's and Anvil's: a dev node behind --rpc


@app.command("deploy")
def deploy(
    chain_kind: Annotated[str | None, typer.Option(
        "--chain", help="embedded (in-process, default) | anvil | ganache (started now, stopped at exit).")] = None,
    rpc: Annotated[str | None, typer.Option(
        "--rpc", help="Deploy on this JSON-RPC URL instead (also LINLI_RPC_URL); signer from LINLI_PRIVATE_KEY "
                      "or --keystore.")] = None,
    keystore: Keystore = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write deployment.json.")] = Path("deployment.json"),
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Start the RuleBook at this rules file's commission rates, pool rate and GMV target.")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Timing profile of contracts/deploy-defaults.json: fast (local chains, the default "
                          "there) or default (a real co-op: 1-day voting delay, 2-day timelock).")] = None,
    as_json: Json = False,
) -> None:
    """Deploy and wire the five contracts; write deployment.json."""
    from chain.connect import open_chain  # web3 and py-evm load only when a command needs a chain
    from chain.deploy import DeployConfig, deploy_linli
    from chain.deployment import CONTRACT_NAMES
    from governance.rules import load_rules
    from linli.cli.progress import step
    from linli.services.rules_source import deploy_overrides

    overrides = deploy_overrides(load_rules(rules)) if rules else {}
    with open_chain(chain_kind, rpc_url=rpc, keystore=keystore) as chain:  # type: ignore[arg-type]
        local = chain.name in ("embedded", "anvil", "ganache") or chain.chain_id in LOCAL_CHAIN_IDS
        chosen = profile or ("fast" if local else "default")
        with step(f"Deploying Linli on {chain.name} ({chain.rpc})") as progress:
            done: list[str] = []

            def advanced(message: str) -> None:  # one note per contract, then one for the roles
                done.append(message)
                progress(len(done), len(CONTRACT_NAMES) + 1)

            deployment = deploy_linli(chain, DeployConfig(profile=chosen, overrides=overrides), progress=advanced)
        deployment.save(out)
    if as_json:
        emit_json(deployment.to_json())
    else:
        typer.echo(f"deployed on chain {deployment.chain_id} ({deployment.rpc}) at block {deployment.block}, "
                   f"profile {chosen}; wrote {out}")
        for name, address in deployment.contracts.items():
            typer.echo(f"  {name:<20} {address}")
    if not deployment.rpc.startswith("http") or chain_kind in ("anvil", "ganache"):
        note("note: this chain ended with the command; for a session run `linli chain node --chain anvil` "
             "and deploy with --rpc")


@app.command("node")
def node(
    chain_kind: Annotated[str, typer.Option("--chain", help="anvil | ganache.")] = "anvil",
    port: Annotated[int | None, typer.Option("--port", help="Port on 127.0.0.1 [default: a free one; never "
                                                             "8545, brownie's].")] = None,
    state: Annotated[Path | None, typer.Option(
        "--state", help="Keep the chain across restarts: Anvil loads and dumps this file, Ganache uses it as "
                        "its database directory.")] = None,
    accounts: Annotated[int, typer.Option("--accounts", help="Funded dev accounts.")] = 10,
) -> None:
    """Run a local Anvil or Ganache in the foreground until Ctrl-C (the dev mnemonic's accounts are funded)."""
    from chain.keys import dev_signers
    from linli.cli.stateful_node import StatefulNode

    if chain_kind not in ("anvil", "ganache"):
        raise typer.BadParameter("use anvil or ganache", param_hint="--chain")
    kind: Literal["anvil", "ganache"] = chain_kind  # type: ignore[assignment]
    local = StatefulNode(kind, port=port, accounts=accounts, state=state).start()
    # Ctrl-C, or a plain `kill`, ends the node cleanly (Anvil dumps its state); so does a shell that
    # started us in the background with SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        typer.echo(f"{kind} listening on {local.url} (log: {local.log_path})")
        typer.echo("dev accounts come from the public test mnemonic: never send real value to them")
        typer.echo(f"  export LINLI_RPC_URL={local.url}")
        typer.echo(f"  export LINLI_PRIVATE_KEY=0x{dev_signers(1)[0].key.hex().removeprefix('0x')}  # dev account 0")
        typer.echo("Ctrl-C stops it" + (f"; state is kept in {state}" if state else ""))
        while local.running:
            time.sleep(0.5)
        note(f"{kind} exited:\n{local.log_tail()}")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        typer.echo(f"stopping {kind}")
    finally:
        local.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@app.command("advance")
def advance(
    seconds: Annotated[int, typer.Argument(min=1, help="How far to move the clock.")],
    rpc: Annotated[str | None, typer.Option("--rpc", envvar="LINLI_RPC_URL", show_envvar=True,
                                            help="The dev node (Anvil, Ganache, Hardhat).")] = None,
) -> None:
    """Dev nodes only: move the chain's clock forward and mine a block (skip a voting period or timelock)."""
    from eth_account import Account

    from chain.rpc import RpcChain

    if not rpc:
        raise typer.BadParameter("which node? pass --rpc URL or set LINLI_RPC_URL", param_hint="--rpc")
    with RpcChain(rpc, [Account.create()], name="rpc") as chain:
        typer.echo(f"block {chain.block_number()} at {chain.increase_time(seconds)}")
