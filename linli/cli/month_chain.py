"""The on-chain half of `linli month close` (without --dry-run), kept out of the pure command's module.

Options are declared here so `linli month close` gains them with one parameter each; the work is
`linli.services.month_publish.close_and_publish`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linli.cli.options import note
from linli.services.batch_size import CHUNK_SIZE, MAX_CHUNK_SIZE

if TYPE_CHECKING:
    from governance.loading import CoopData
    from governance.month import MonthReport
    from governance.period import Period
    from governance.rules import Rules

Out = Annotated[Path | None, typer.Option(
    "--out", help="Where the month report and signed payout record go (default: beside deployment.json).")]
ChunkSize = Annotated[int, typer.Option(
    "--chunk-size", min=1, max=MAX_CHUNK_SIZE, help="Members per mint transaction (awardBatch/revokeBatch).")]
AdminKeyFile = Annotated[Path | None, typer.Option(
    "--admin-key-file", help="File holding the admin's Ed25519 seed (64 hex digits) (default: LINLI_ADMIN_KEY).")]


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
            step(f"Minting and publishing {period}") as progress:
        closed = close_and_publish(linli, period, data, file_rules, admin_seed=seed, out_dir=out_dir,
                                   chunk_size=chunk_size, progress=progress)
    for difference in closed.differences:
        note(f"note: rule book on chain differs from the rules file, the chain's value was used — {difference}")
    p = closed.published
    published = "found already published with this same record:" if p.resumed else "published"
    note(f"minted {p.mint.sent} of {p.mint.chunks} point batch(es) ({p.mint.chunks - p.mint.sent} already on chain); "
         f"{published} {period} in block {p.block_number} ({p.tx_hash})")
    note(f"wrote {p.report_path} and {p.record_path}")
    return closed.report
