"""`linli verify PERIOD`: check a published month from the chain and the signed payout record only.

Exit 0 only if everything holds: the Ed25519 signature, record hash == on-chain hash, recomputed Merkle root
== on-chain root, every member's proof, every member's points of the period on chain == the record's,
Σ payouts (+ undistributed) == pool, pool == GMV × the rate in force when it was published, and the totals
in the DistributionPublished event. Anything else: one line, exit 1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from governance.errors import VerificationError
from linli.cli.options import DeploymentFile, Json, Rpc, emit_json, yuan

app = typer.Typer()


@app.command("verify")
def verify(
    period: Annotated[str, typer.Argument(help="The published month, YYYY-MM.")],
    member: Annotated[list[str] | None, typer.Option(
        "--member", help="Also prove this member's payout with the ledger's own verify() on chain (repeatable).")] = None,
    record: Annotated[Path | None, typer.Option(
        "--record", help="The signed payout record (default: payout-record-PERIOD.json beside deployment.json).")] = None,
    all_members: Annotated[bool, typer.Option("--all", help="Prove every member's payout on chain too.")] = False,
    admin_public_key: Annotated[str | None, typer.Option(
        "--admin-public-key", envvar="LINLI_ADMIN_PUBLIC_KEY",
        help="Require the record to be signed by this Ed25519 key (0x + 64 hex).")] = None,
    rpc: Rpc = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    """Verify a published month; with --member, that member's payout is also proven on chain."""
    from governance.payout_record import SignedRecord
    from governance.period import Period
    from linli.cli.progress import step
    from linli.services.month_publish import record_path  # web3 and py-evm load only when the command runs
    from linli.services.session import attached, deployment_path
    from linli.services.verify import verify_published

    Period.parse(period)
    path = record or record_path(deployment_path(deployment).parent, period)
    try:
        signed = SignedRecord.load(path)
    except FileNotFoundError:
        raise VerificationError(f"no payout record at {path}: pass --record FILE") from None
    with attached(rpc=rpc, deployment=deployment, signer_needed=False) as linli, \
            step(f"Verifying {period} against {linli.chain.rpc}") as progress:
        result = verify_published(linli, period, signed, members=None if all_members else list(member or []),
                                  admin_public_key=admin_public_key, progress=progress)
    if as_json:
        emit_json(result.to_json())
        return
    p = result.publication
    typer.echo(f"OK {period}: signature, record hash, Merkle root, every proof and every member's points "
               f"on chain check out ({result.members} members)")
    typer.echo(f"  GMV {yuan(p.gmv_cents)} yuan, target {yuan(p.target_cents)}, rate {p.pool_rate_bps} bps, "
               f"pool {yuan(p.pool_cents)} = paid {yuan(result.paid_cents)} + undistributed "
               f"{yuan(p.pool_cents - result.paid_cents)}")
    typer.echo(f"  root 0x{p.merkle_root.hex()}, record {result.record_hash}, block {p.block_number}")
    for m in result.checked_on_chain:
        typer.echo(f"  {m.member_id} {m.address}: payout {yuan(m.payout_cents)} yuan proven on chain")
