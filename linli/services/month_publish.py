"""Put a closed month on chain: mint its points, write the signed payout record and report, publish last.

Order matters for recovery. Points go first, in chunks whose batch ids are derived from the period and the
chunk index (`linli:2026-11:award:0`, …): a chunk already minted is seen with `isIdUsed` and skipped, and
the token itself refuses a used id, so a re-run never mints twice. The ledger publication comes last: a close
that fails anywhere before it leaves no published period and can simply be run again.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.errors import ChainError
from chain.ledger import Ledger
from chain.rules import Rules as RuleBook
from chain.system import Linli
from governance.loading import CoopData
from governance.month import MemberLine, MonthReport, close_month
from governance.payout_record import SignedRecord, canonical_json, sign_record
from governance.period import Period
from governance.rules import Rules
from linli.services.rules_source import differences, with_terms_in_force

Progress = Callable[[int, int], None]
CHUNK_SIZE = 100  # ~100 awards keep a batch far below a 30M-gas block on every backend


class PeriodAlreadyPublished(ChainError):
    """The ledger already holds this period; it is append-only."""


@dataclass(frozen=True, slots=True)
class MintResult:
    chunks: int
    sent: int  # chunks minted by this run; the rest were already on chain
    points_awarded: int
    points_revoked: int


@dataclass(frozen=True, slots=True)
class PublishResult:
    mint: MintResult
    report_path: Path
    record_path: Path
    tx_hash: str
    block_number: int


def batch_id(period: str, kind: str, index: int) -> bytes:
    """The on-chain id of chunk `index` of a period's awards or revocations."""
    return keccak(f"linli:{period}:{kind}:{index}".encode("utf-8"))


def report_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / f"month-report-{period}.json"


def record_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / f"payout-record-{period}.json"


def mint_period_points(
    linli: Linli,
    report: MonthReport,
    *,
    sender: LocalAccount | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> MintResult:
    """Award each member's positive net points of the month, revoke negative nets (refunds of earlier
    months, capped at what the member holds); chunks already on chain are skipped."""
    sender = sender or linli.chain.signers[0]
    lines = sorted(report.members, key=lambda m: m.member_id)
    awards = [m for m in lines if m.points > 0]
    revokes = _revocable(linli, [m for m in lines if m.points < 0])
    fn = linli.points.functions
    calls, total = [], 0
    for kind, batch, make in (("award", [(m, m.points) for m in awards], fn.awardBatch),
                              ("revoke", revokes, fn.revokeBatch)):
        for index, chunk in enumerate(_chunks(batch, chunk_size)):
            total += 1
            bid = batch_id(report.period, kind, index)
            if linli.tx.call(fn.isIdUsed(bid)):
                continue
            calls.append(make(bid, [m.address for m, _ in chunk], [n for _, n in chunk],
                              [keccak(f"points:{report.period}:{m.member_id}".encode()) for m, _ in chunk]))
    done = total - len(calls)
    if progress is not None:
        progress(done, total)
    linli.tx.send_many(calls, sender, progress=None if progress is None else (lambda d, _t: progress(done + d, total)))
    return MintResult(total, len(calls), sum(m.points for m in awards), sum(n for _, n in revokes))


def _revocable(linli: Linli, lines: Sequence[MemberLine]) -> list[tuple[MemberLine, int]]:
    """(line, points to take back) — never more than the member holds; nothing when it holds none."""
    fn = linli.points.functions
    out = []
    for m in lines:
        held = int(linli.tx.call(fn.balanceOf(m.address)))
        if min(held, -m.points) > 0:
            out.append((m, min(held, -m.points)))
    return out


def _chunks(items: Sequence[tuple[MemberLine, int]], size: int) -> list[Sequence[tuple[MemberLine, int]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def write_month_files(report: MonthReport, record: SignedRecord, out_dir: Path) -> tuple[Path, Path]:
    """The month report (DESIGN.md "Month report", pretty JSON) and the signed record (canonical bytes)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = report_path(out_dir, report.period), record_path(out_dir, report.period)
    paths[0].write_text(canonical_json(report.to_json()).decode("utf-8") + "\n", encoding="utf-8")
    record.save(paths[1])
    return paths


def publish_month(
    linli: Linli,
    report: MonthReport,
    *,
    admin_seed: bytes | str,
    out_dir: Path,
    sender: LocalAccount | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> PublishResult:
    """Mint, sign and write the record, then publish root + record hash + totals (the last, atomic step)."""
    ledger = Ledger(linli)
    if ledger.is_published(report.period):
        raise PeriodAlreadyPublished(
            f"period {report.period} is already published on {linli.chain.rpc}; the ledger is append-only "
            f"(check it with `linli verify {report.period}`)"
        )
    record = sign_record(report.record(), admin_seed)  # a bad admin key fails here, before any transaction
    mint = mint_period_points(linli, report, sender=sender, chunk_size=chunk_size, progress=progress)
    paths = write_month_files(report, record, out_dir)
    receipt = ledger.publish(
        report.period,
        gmv_cents=report.gmv_cents,
        pool_cents=report.pool_cents,
        member_count=len(report.members),
        merkle_root=bytes.fromhex(report.merkle_root[2:]),
        record_hash=bytes.fromhex(report.record_hash[2:]),
        sender=sender,
    )
    return PublishResult(mint, paths[0], paths[1], receipt["transactionHash"].to_0x_hex(), int(receipt["blockNumber"]))


@dataclass(frozen=True, slots=True)
class ChainClose:
    report: MonthReport
    published: PublishResult
    differences: list[str]  # where the rules file and the chain's RuleBook disagree (the chain won)


def close_and_publish(
    linli: Linli,
    period: Period,
    data: CoopData,
    file_rules: Rules,
    *,
    admin_seed: bytes | str,
    out_dir: Path,
    progress: Progress | None = None,
) -> ChainClose:
    """`linli month close` without --dry-run: the month computed with the RuleBook's terms in force (what
    members voted), then minted, signed, written and published."""
    terms = RuleBook(linli).read()
    report = close_month(period, data, with_terms_in_force(file_rules, terms))
    published = publish_month(linli, report, admin_seed=admin_seed, out_dir=out_dir, progress=progress)
    return ChainClose(report, published, differences(file_rules, terms))
