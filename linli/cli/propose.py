"""`linli propose …`: put a rule change to the members' vote. Prints the proposal id on stdout.

Each command builds the RuleBook call the timelock will make if the vote passes; the RuleBook's legal
bounds (commission ≤ 30% in total, pool rate 1–3%, max change per proposal) are checked again when it runs.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json, note
from linli.i18n import t

if TYPE_CHECKING:
    from chain.governor import Action
    from chain.rules import Rules

app = typer.Typer(help=t("propose.help"), no_args_is_help=True)

Description = Annotated[str | None, typer.Option("--description", help=t("propose.description"))]


def _propose(rpc: str | None, keystore: Path | None, deployment: Path | None, description: str, as_json: bool,
             build: Callable[[Rules], Action]) -> None:
    """Attach to the deployment and propose the RuleBook call `build` makes (web3 and py-evm load only here)."""
    from chain.governor import Governance
    from chain.rules import Rules
    from linli.services.session import attached

    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        proposal = Governance(linli).propose([build(Rules(linli))], description, linli.chain.signers[0])
    if as_json:
        emit_json({"id": str(proposal.id), "description": description})
    else:
        note(t("propose.proposed", description=description))
        typer.echo(str(proposal.id))


@app.command("commission", help=t("propose.commission.help"))
def commission(
    level: Annotated[int, typer.Option("--level", min=1, max=2, help=t("propose.commission.level"))],
    bps: Annotated[int, typer.Option("--bps", min=0, help=t("propose.commission.bps"))],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    _propose(rpc, keystore, deployment, description or f"Set level {level} commission to {bps} bps", as_json,
             lambda rules: rules.set_commission_rate(level, bps))


@app.command("pool-rate", help=t("propose.pool_rate.help"))
def pool_rate(
    bps: Annotated[int, typer.Option("--bps", min=0, help=t("propose.pool_rate.bps"))],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    _propose(rpc, keystore, deployment, description or f"Set the pool rate to {bps} bps", as_json,
             lambda rules: rules.set_pool_rate(bps))


@app.command("gmv-target", help=t("propose.gmv_target.help"))
def gmv_target(
    cents: Annotated[int, typer.Option("--cents", min=1, help=t("propose.gmv_target.cents"))],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    _propose(rpc, keystore, deployment, description or f"Set the monthly GMV target to {cents} cents", as_json,
             lambda rules: rules.set_gmv_target(cents))


@app.command("product-add", help=t("propose.product_add.help"))
def product_add(
    product: Annotated[str, typer.Option("--product", help=t("propose.product_add.product"))],
    metadata: Annotated[str, typer.Option("--metadata", help=t("propose.product_add.metadata"))],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    from linli.services.proposals import metadata_hash, product_id

    pid, digest = product_id(product), metadata_hash(metadata)
    _propose(rpc, keystore, deployment, description or f"Add product {product}", as_json,
             lambda rules: rules.add_product(pid, digest))


@app.command("product-remove", help=t("propose.product_remove.help"))
def product_remove(
    product: Annotated[str, typer.Option("--product", help=t("propose.product_remove.product"))],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    from linli.services.proposals import product_id

    pid = product_id(product)
    _propose(rpc, keystore, deployment, description or f"Remove product {product}", as_json,
             lambda rules: rules.remove_product(pid))
