"""The on-chain half of `linli month close` (without --dry-run), kept out of the pure command's module.

Options are declared here so `linli month close` gains them with one parameter each; the work is
`linli.services.month_publish.close_and_publish`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import note
from linli.i18n import t
from linli.services.batch_size import CHUNK_SIZE, MAX_CHUNK_SIZE

if TYPE_CHECKING:
    from governance.loading import CoopData
    from governance.month import MonthReport
    from governance.period import Period
    from governance.rules import Rules

Out = Annotated[Path | None, typer.Option("--out", help=t("month.close.out"))]
ChunkSize = Annotated[int, typer.Option("--chunk-size", min=1, max=MAX_CHUNK_SIZE, help=t("month.close.chunk_size"))]
AdminKeyFile = Annotated[Path | None, typer.Option("--admin-key-file", help=t("opt.admin_key_file"))]


def publish_on_chain(
    period: Period, data: CoopData, file_rules: Rules, *, out: Path | None, admin_key_file: Path | None,
    rpc: str | None, keystore: Path | None, deployment: Path | None, chunk_size: int = CHUNK_SIZE,
) -> MonthReport:
    """Close with the RuleBook's terms, mint, write the signed record, publish; returns the published report."""
    from linli.cli.progress import step  # web3 and py-evm load only when the month is published
    from linli.services.admin_key import admin_seed
    from linli.services.month_publish import close_and_publish
    from linli.services.session import attached, deployment_path

    seed = admin_seed(admin_key_file)
    out_dir = out or deployment_path(deployment).parent
    with attached(rpc=rpc, keystore=keystore, deployment=deployment) as linli, \
            step(t("month.publishing", period=period)) as progress:
        closed = close_and_publish(linli, period, data, file_rules, admin_seed=seed, out_dir=out_dir,
                                   chunk_size=chunk_size, progress=progress)
    for difference in closed.differences:
        note(t("month.rule_differs", difference=difference))
    p = closed.published
    note(t("month.minted", sent=p.mint.sent, chunks=p.mint.chunks, already=p.mint.chunks - p.mint.sent,
           published=t("month.resumed") if p.resumed else t("month.published"), period=period,
           block=p.block_number, tx=p.tx_hash))
    note(t("month.wrote", report=p.report_path, record=p.record_path))
    return closed.report
