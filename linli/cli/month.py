"""`linli month close`: the month report from the co-op's files and rules; publishing plugs in after it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from linli.cli.month_chain import CHUNK_SIZE, AdminKeyFile, ChunkSize, Out, publish_on_chain
from linli.cli.options import DeploymentFile, Keystore, Rpc

if TYPE_CHECKING:
    from governance.month import MonthReport

app = typer.Typer(help="Close a settlement month (月结): points, levels, commission, pool, Merkle root.",
                  no_args_is_help=True)


@app.command("close")
def close(
    period: str = typer.Argument(..., help="The month to close, YYYY-MM (in the co-op's timezone)."),
    members: Path = typer.Option(..., "--members", help="members CSV or JSON Lines file."),
    orders: Path = typer.Option(..., "--orders", help="orders CSV or JSON Lines file."),
    activities: Path = typer.Option(..., "--activities", help="activities CSV or JSON Lines file."),
    rules: Path = typer.Option(..., "--rules", help="rules TOML file (see `linli rules check`)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Compute and print only; publish nothing on chain."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report (with proofs) as JSON."),
    out: Out = None, admin_key_file: AdminKeyFile = None, chunk_size: ChunkSize = CHUNK_SIZE,
    rpc: Rpc = None, keystore: Keystore = None, deployment: DeploymentFile = None,
) -> None:
    """Compute the month report; without --dry-run, then mint the awards and publish root and record."""
    from governance.loading import load_coop  # the rules engine loads when a month is closed, not for --help
    from governance.month import close_month
    from governance.period import Period
    from governance.rules import load_rules

    month = Period.parse(period)
    rule_book = load_rules(rules)
    data = load_coop(members, orders, activities)
    if dry_run:
        report = close_month(month, data, rule_book)
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
    typer.echo(f"period {report.period}: GMV {_yuan(report.gmv_cents)} yuan, target {_yuan(report.target_cents)}, "
               f"pool {_yuan(report.pool_cents)} ({report.pool_rate_bps} bps)")
    typer.echo(f"merkle root {report.merkle_root}")
    typer.echo(f"record hash {report.record_hash}")
    paid = sorted((m for m in report.members if m.payout_cents or m.commission_cents or m.points),
                  key=lambda m: (-m.payout_cents, -m.points, m.member_id))
    typer.echo(f"{len(report.members)} members, {sum(1 for m in paid if m.payout_cents)} with a pool payout; top 10:")
    for m in paid[:10]:
        typer.echo(f"  {m.member_id:<10} {m.level:<4} points {m.points:>7}  commission {_yuan(m.commission_cents):>10}"
                   f"  payout {_yuan(m.payout_cents):>10}")
