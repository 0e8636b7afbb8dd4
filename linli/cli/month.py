"""`linli month close`: the month report from the co-op's files and rules; publishing plugs in after it.
`linli month line`: one member's line, with both proofs, cut from the whole signed record for that member."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from linli.cli.month_chain import CHUNK_SIZE, AdminKeyFile, ChunkSize, Out, publish_on_chain
from linli.cli.options import DeploymentFile, Keystore, Rpc, note
from linli.i18n import t

if TYPE_CHECKING:
    from governance.month import MonthReport

app = typer.Typer(help=t("month.help"), no_args_is_help=True)


@app.command("close", help=t("month.close.help"))
def close(
    period: str = typer.Argument(..., help=t("month.close.period")),
    members: Path = typer.Option(..., "--members", help=t("month.close.members")),
    orders: Path = typer.Option(..., "--orders", help=t("month.close.orders")),
    activities: Path = typer.Option(..., "--activities", help=t("month.close.activities")),
    rules: Path = typer.Option(..., "--rules", help=t("month.close.rules")),
    dry_run: bool = typer.Option(False, "--dry-run", help=t("month.close.dry_run")),
    as_json: bool = typer.Option(False, "--json", help=t("month.close.json")),
    out: Out = None, admin_key_file: AdminKeyFile = None, chunk_size: ChunkSize = CHUNK_SIZE,
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
) -> None:
    from governance.loading import load_coop  # the rules engine loads when a month is closed, not for --help
    from governance.month import close_month
    from governance.period import Period
    from governance.rules import load_rules

    month = Period.parse(period)
    rule_book = load_rules(rules)
    data = load_coop(members, orders, activities)
    if dry_run:  # no admin key: the sum tree is salted with the public dry-run secret, and says so
        report = close_month(month, data, rule_book)
        note(t("month.dry_run_salts"))
    else:  # the RuleBook's voted terms replace the file's; mint, sign, write, publish last
        report = publish_on_chain(month, data, rule_book, out=out, admin_key_file=admin_key_file, rpc=rpc,
                                  keystore=keystore, deployment=deployment, chunk_size=chunk_size)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _summary(report)


def _yuan(cents: int) -> str:
    """Display only: every figure stays integer cents; this just places the decimal point."""
    sign, whole = ("-" if cents < 0 else ""), abs(cents)
    return f"{sign}{whole // 100:,}.{whole % 100:02d}"


def _summary(report: MonthReport) -> None:
    typer.echo(t("month.summary.totals", period=report.period, gmv=_yuan(report.gmv_cents),
                 target=_yuan(report.target_cents), pool=_yuan(report.pool_cents), bps=report.pool_rate_bps))
    typer.echo(t("month.summary.root", root=report.merkle_root))
    typer.echo(t("month.summary.record", hash=report.record_hash))
    typer.echo(t("month.summary.sum_root", root=report.sum_root, total=_yuan(report.pool_cents)))
    paid = sorted((m for m in report.members if m.payout_cents or m.commission_cents or m.points),
                  key=lambda m: (-m.payout_cents, -m.points, m.member_id))
    typer.echo(t("month.summary.members", members=len(report.members), paid=sum(1 for m in paid if m.payout_cents)))
    for m in paid[:10]:
        typer.echo(t("month.summary.row", member=m.member_id, level=m.level, points=m.points,
                     commission=_yuan(m.commission_cents), payout=_yuan(m.payout_cents)))


@app.command("line", help=t("month.line.help"))
def line(
    period: str = typer.Argument(..., help=t("month.line.period")),
    member: str = typer.Argument(..., help=t("month.line.member")),
    record: Path = typer.Option(..., "--record", help=t("month.line.record")),
    out: Path | None = typer.Option(None, "--out", help=t("month.line.out")),
) -> None:
    from governance.errors import VerificationError
    from governance.payout_record import SignedRecord, canonical_json, verify_record
    from governance.period import Period
    from governance.record_sum import member_line

    Period.parse(period)
    try:
        signed = SignedRecord.load(record)
    except FileNotFoundError:
        raise VerificationError(t("verify.no_record", path=record)) from None
    if signed.content.get("period") != period:
        raise VerificationError(t("verify.other_period", found=signed.content.get("period"), period=period))
    verify_record(signed)  # a line is cut only from a record that holds together (signature, trees, pool)
    data = canonical_json(member_line(signed.content, member)) + b"\n"
    if out is None:
        typer.echo(data.decode().rstrip("\n"))
        return
    out.write_bytes(data)
    note(t("month.line.wrote", member=member, period=period, path=out))
