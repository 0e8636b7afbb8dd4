"""`linli verify PERIOD`: check a published month from the chain and the signed payout record only.

Exit 0 only if everything holds: the Ed25519 signature, record hash == on-chain hash, recomputed Merkle root
== on-chain root, every member's proof, every member's points of the period on chain == the record's,
Σ payouts (+ undistributed) == pool, pool == GMV × the rate in force when it was published, and the totals
in the DistributionPublished event, and the Merkle sum tree rebuilt from every line (total == pool).
With `--member M --line FILE`: that member's own line against the public record and the chain only
(linli.services.verify.verify_line). Anything else: one line, exit 1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from governance.errors import VerificationError
from linli.cli.options import DeploymentFile, Json, Rpc, emit_json, yuan
from linli.i18n import t

app = typer.Typer()


@app.command("verify", help=t("verify.help"))
def verify(
    period: Annotated[str, typer.Argument(help=t("verify.period"))],
    member: Annotated[list[str] | None, typer.Option("--member", help=t("verify.member"))] = None,
    record: Annotated[Path | None, typer.Option("--record", help=t("verify.record"))] = None,
    all_members: Annotated[bool, typer.Option("--all", help=t("verify.all"))] = False,
    line: Annotated[Path | None, typer.Option("--line", help=t("verify.line"))] = None,
    public: Annotated[Path | None, typer.Option("--public", help=t("verify.public"))] = None,
    admin_public_key: Annotated[str | None, typer.Option(
        "--admin-public-key", envvar="LINLI_ADMIN_PUBLIC_KEY", help=t("verify.admin_public_key"))] = None,
    rpc: Rpc = None, deployment: DeploymentFile = None, as_json: Json = False,
) -> None:
    from governance.payout_record import SignedRecord
    from governance.period import Period
    from linli.cli.progress import step
    from linli.services.month_publish import record_path  # web3 and py-evm load only when the command runs
    from linli.services.session import attached, deployment_path
    from linli.services.verify import verify_published

    Period.parse(period)
    if line is not None:
        _verify_line(period, member or [], line, record, admin_public_key, rpc, deployment, as_json)
        return
    path = record or record_path(deployment_path(deployment).parent, period)
    try:
        signed = SignedRecord.load(path)
    except FileNotFoundError:
        raise VerificationError(t("verify.no_record", path=path)) from None
    with attached(rpc=rpc, deployment=deployment, signer_needed=False) as linli, \
            step(t("verify.step", period=period, rpc=linli.chain.rpc)) as progress:
        result = verify_published(linli, period, signed, members=None if all_members else list(member or []),
                                  admin_public_key=admin_public_key, progress=progress)
    if public is not None:
        from governance.public_record import PublicRecord, same_as
        same_as(PublicRecord.load(public), signed)
    if as_json:
        emit_json(result.to_json())
        return
    p = result.publication
    typer.echo(t("verify.ok", period=period, members=result.members))
    typer.echo(t("verify.totals", gmv=yuan(p.gmv_cents), target=yuan(p.target_cents), bps=p.pool_rate_bps,
                 pool=yuan(p.pool_cents), paid=yuan(result.paid_cents),
                 undistributed=yuan(p.pool_cents - result.paid_cents)))
    typer.echo(t("verify.root", root=p.merkle_root.hex(), record=result.record_hash, block=p.block_number))
    typer.echo(t("verify.sum", root=signed.content["sum_root"], total=yuan(signed.content["sum_total_cents"])))
    if public is not None:
        typer.echo(t("verify.public_ok", path=public))
    for m in result.checked_on_chain:
        typer.echo(t("verify.member_ok", member=m.member_id, address=m.address, payout=yuan(m.payout_cents)))


def _verify_line(period: str, member: list[str], line: Path, record: Path | None, admin_public_key: str | None,
                 rpc: str | None, deployment: Path | None, as_json: bool) -> None:
    from governance import bounded_json
    from governance.errors import BadInput
    from governance.public_record import PublicRecord
    from linli.services.month_publish import public_record_path
    from linli.services.session import attached, deployment_path
    from linli.services.verify import verify_line

    if len(member) != 1:
        raise BadInput(t("verify.line_one_member"))
    path = record or public_record_path(deployment_path(deployment).parent, period)
    try:
        public = PublicRecord.load(path)
    except FileNotFoundError:
        raise VerificationError(t("verify.no_public_record", path=path)) from None
    try:
        own = bounded_json.load_file(line)
    except FileNotFoundError:
        raise BadInput(f"{line}: no such member line file") from None
    with attached(rpc=rpc, deployment=deployment, signer_needed=False) as linli:
        result = verify_line(linli, period, public, own, member[0], admin_public_key=admin_public_key)
    if as_json:
        emit_json(result.to_json())
        return
    m, p = result.member, result.public
    typer.echo(t("verify.line_ok", period=period, member=m.member_id, address=m.address, payout=yuan(m.payout_cents),
                 sum_root=p["sum_root"], total=yuan(p["sum_total_cents"]), key=public.public_key,
                 record=p["record_hash"]))
