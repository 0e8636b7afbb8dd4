"""`linli points award ADDRESS AMOUNT --evidence TEXT`: the points issuer gives one member points by hand.

A month close mints a whole period's points in batches; a session, a correction or a welcome gift needs one
award. The evidence text names why (an order, a review, "welcome:alice"): its keccak is the award's id, which
the token consumes, so the same evidence can never pay twice.
"""
from __future__ import annotations

from typing import Annotated

import typer

from governance.bounds import MAX_ID_CHARS, MAX_POINTS
from governance.errors import BadInput
from linli.cli.options import DeploymentFile, Json, Keystore, Rpc, emit_json
from linli.i18n import t

app = typer.Typer(help=t("points.help"), no_args_is_help=True)


@app.command("award", help=t("points.award.help"))
def award(
    address: Annotated[str, typer.Argument(help=t("points.award.address"))],
    amount: Annotated[int, typer.Argument(min=1, max=MAX_POINTS, help=t("points.award.amount"))],
    evidence: Annotated[str, typer.Option("--evidence", help=t("points.award.evidence"))],
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from eth_utils import is_address, to_checksum_address  # web3 loads only when the command runs

    from chain.points import Award, Points, evidence_id
    from linli.services.session import attached

    if not is_address(address):
        raise BadInput(t("points.bad_address", address=address))
    if not evidence.strip() or len(evidence) > MAX_ID_CHARS:
        raise BadInput(t("points.bad_evidence", most=MAX_ID_CHARS))
    member = to_checksum_address(address)
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli:
        points, issuer, token = Points(linli), linli.chain.signers[0].address, linli.points.functions
        if not linli.tx.call(token.hasRole(linli.tx.call(token.ISSUER_ROLE()), issuer)):
            raise BadInput(t("points.not_issuer", address=issuer))
        if points.is_id_used(evidence_id(evidence)):
            raise BadInput(t("points.evidence_used", evidence=evidence))
        receipt = points.award(Award(member, amount, evidence_id(evidence)))
        balance = points.balance(member)
    if as_json:
        emit_json({"member": member, "amount": amount, "evidence": evidence, "balance": balance,
                   "tx": receipt["transactionHash"].to_0x_hex()})
    else:
        typer.echo(t("points.awarded", amount=amount, member=member, balance=balance))
