"""`linli propose …`: put a rule change to the members' vote. Prints the proposal id on stdout.

Each command builds the RuleBook call the timelock will make if the vote passes; the RuleBook's legal
bounds (commission ≤ 30% in total, pool rate 1–3%, max change per proposal) are checked again when it runs.
"""
from __future__ import annotations

from typing import Annotated

import typer

from chain.governor import Action, Governance
from chain.rules import Rules
from chain.system import Linli
from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json, note
from linli.services.proposals import metadata_hash, product_id
from linli.services.session import attached

app = typer.Typer(help="Propose a rule change (commission, pool rate, GMV target, products).", no_args_is_help=True)

Description = Annotated[str | None, typer.Option(
    "--description", help="What members read; part of the proposal id, so two identical proposals need two "
                          "descriptions (default: generated from the change).")]


def _propose(linli: Linli, action: Action, description: str, as_json: bool) -> None:
    proposal = Governance(linli).propose([action], description, linli.chain.signers[0])
    if as_json:
        emit_json({"id": str(proposal.id), "description": description})
    else:
        note(f"proposed: {description}")
        typer.echo(str(proposal.id))


@app.command("commission")
def commission(
    level: Annotated[int, typer.Option("--level", min=1, max=2, help="1 (direct referrer) or 2 (indirect).")],
    bps: Annotated[int, typer.Option("--bps", min=0, help="New rate in basis points (1200 = 12%).")],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    """Change a commission rate."""
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        text = description or f"Set level {level} commission to {bps} bps"
        _propose(linli, Rules(linli).set_commission_rate(level, bps), text, as_json)


@app.command("pool-rate")
def pool_rate(
    bps: Annotated[int, typer.Option("--bps", min=0, help="Pool share of GMV in bps, 100..300 (1–3%).")],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    """Change the monthly pool rate."""
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        _propose(linli, Rules(linli).set_pool_rate(bps), description or f"Set the pool rate to {bps} bps", as_json)


@app.command("gmv-target")
def gmv_target(
    cents: Annotated[int, typer.Option("--cents", min=1, help="Monthly GMV target in cents (分).")],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    """Change the monthly GMV target the pool depends on."""
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        text = description or f"Set the monthly GMV target to {cents} cents"
        _propose(linli, Rules(linli).set_gmv_target(cents), text, as_json)


@app.command("product-add")
def product_add(
    product: Annotated[str, typer.Option("--product", help="Product id, at most 32 bytes (e.g. P-rice-5kg).")],
    metadata: Annotated[str, typer.Option("--metadata", help="Product metadata text/JSON; its keccak256 goes "
                                                             "on chain.")],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    """Add a product to the co-op's catalogue."""
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        action = Rules(linli).add_product(product_id(product), metadata_hash(metadata))
        _propose(linli, action, description or f"Add product {product}", as_json)


@app.command("product-remove")
def product_remove(
    product: Annotated[str, typer.Option("--product", help="Product id to remove.")],
    description: Description = None, rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
    as_json: Json = False,
) -> None:
    """Remove a product from the catalogue."""
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        _propose(linli, Rules(linli).remove_product(product_id(product)),
                 description or f"Remove product {product}", as_json)
