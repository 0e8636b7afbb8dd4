"""Put a closed month on chain: mint its points, write the signed record, publish, write the report.

Every step can be interrupted (a crash, a SIGKILL, a lost node) and the close simply run again; the chain
is what the re-run trusts, never a file. Each member's points carry the evidence id
keccak("points:{period}:{member_id}"), and each chunk's batch id commits to the chunk's exact content
(`linli.services.period_points.batch_id`). Before sending anything, a close reads the period's awards and
revocations back from the token's events and compares them, member by member, with what this input calls
for:

- every movement on chain equals this input's: the members already minted are left out and the rest are
  minted (a chunk whose id is already used, i.e. the same content, is skipped);
- any differs (the orders file was edited after points were minted, a member removed…): the close refuses
  in one line naming the batch and how many members differ, and sends nothing. Points on chain are never
  re-minted: restore the original files and run it again.

The steps and what a re-run does after dying right after each:

1. mint chunk k of n (one transaction at a time, each awaited: the chain then holds whole chunks 1..k):
   the re-run mints chunks k+1..n, or refuses if the input changed the points of anyone minted;
2. all chunks minted: the re-run mints nothing, or refuses as above;
2b. with `[decay]` enabled, decay chunk k of n, then all (`linli.services.decay_batches`): the re-run
   revokes chunks k+1..n with the same amounts (what a member held before the step is its balance plus
   what the step already took), or refuses if the input calls for other amounts;
3. signed record and public record written (each atomically: a temporary file renamed over the old one):
   the re-run rewrites the same bytes (Ed25519 is deterministic, and the sum tree's salts come from the
   admin key), or the new records when only payouts changed, then publishes;
4. root + record hash published (the last transaction): the re-run finds the period published with this
   input's record hash, mints nothing and writes the record and report; a different record hash is refused
   (the ledger is append-only);
5. report written: the close is complete; running it again rewrites the same files.

A chunk sent but not mined when the process died may land later; its id is then used and the re-run either
skips it or, if it lands between the re-run's read and send, stops with that revert in one line (run again).
Revocations (refunds of earlier months) are capped at what the member held before this period's (its
balance plus what this period's revocations and decay step already took).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from chain.errors import ChainError
from chain.ledger import Ledger
from chain.points import Movement, Points
from chain.rules import Rules as RuleBook
from chain.system import Linli
from governance.errors import BadInput
from governance.loading import CoopData
from governance.month import MonthReport, close_month
from governance.payout_record import SignedRecord, canonical_json, sign_record, signing_key
from governance.public_record import PublicRecord
from governance.record_sum import sum_secret
from governance.period import Period
from governance.rules import Rules
from linli.services import faults
from linli.services.batch_size import CHUNK_SIZE, MAX_CHUNK_SIZE
from linli.services.decay_batches import DecayPlan, DecayResult, decay_period, plan_decay
from linli.services.period_points import (
    DECAY, POINTS, Entry, chunk_calls, compare, evidence_of, period_movements, send_one_by_one,
)
from linli.services.rules_source import differences, with_terms_in_force

Progress = Callable[[int, int], None]


class PeriodAlreadyPublished(ChainError):
    """The ledger holds this period with another record hash; it is append-only."""


class PointsDiffer(ChainError):
    """The chain holds this period's points as an earlier input minted them, and this input differs."""


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
    resumed: bool = False  # the period was already published with this same record (by an earlier run)
    decay: DecayResult | None = None  # the decay step, when `[decay]` is enabled and this run took it


def report_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / f"month-report-{period}.json"


def record_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / f"payout-record-{period}.json"


def public_record_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / f"public-record-{period}.json"


def admin_sum_secret(admin_seed: bytes | str) -> bytes:
    """The sum tree's salt secret of the admin key (a bad key is BadInput here, before anything is sent)."""
    return sum_secret(signing_key(admin_seed).encode())


def mint_period_points(
    linli: Linli,
    report: MonthReport,
    *,
    sender: LocalAccount | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    decay: bool = False,
) -> MintResult:
    """Award each member's positive net points of the month and revoke negative nets (refunds of earlier
    months, capped at what the member held), leaving out what is already on chain exactly as this report
    says; PointsDiffer, before any transaction, when the chain holds something else for this period.
    With `decay`, what this period's decay step already took counts as held (it came after the mint)."""
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise BadInput(f"chunk size must be 1..{MAX_CHUNK_SIZE}, got {chunk_size}")
    sender = sender or linli.chain.signers[0]
    points = Points(linli)
    lines = sorted(report.members, key=lambda m: m.member_id)
    chain_moves = period_movements(points, report.period, [m.member_id for m in lines])
    entries = _entries(points, report, chain_moves, decay)
    check = compare({e.evidence: e for e in entries}, chain_moves)
    if check.differing:
        verb = "awards" if check.first_batch[0].kind == "award" else "revokes"
        raise PointsDiffer(
            f"batch {check.name_first_batch(report.period)} on chain {verb} different points than this input: "
            f"{len(check.differing)} member(s) differ (first {check.differing[0]}); nothing was sent: restore the "
            f"input files that minted it and run the close again (`linli verify {report.period}` shows the chain)"
        )
    total, calls = chunk_calls(linli, report.period, entries, check.on_chain, chunk_size)
    send_one_by_one(linli, calls, total, sender, "mint", progress)
    return MintResult(total, len(calls), sum(e.amount for e in entries if e.kind == "award"),
                      sum(e.amount for e in entries if e.kind == "revoke"))


def _entries(points: Points, report: MonthReport, chain_moves: Sequence[Movement], decay: bool) -> list[Entry]:
    """What the month calls for, by member id: awards, then revocations no larger than the member held
    before this period's revocations (its balance now plus what this period already took back)."""
    taken = {m.evidence: m.amount for m in chain_moves if m.kind == "revoke"}
    negative = [m for m in report.members if m.points < 0]
    if decay and negative:
        decayed = period_movements(points, report.period, [m.member_id for m in negative], DECAY)
        taken.update({m.evidence: m.amount for m in decayed if m.kind == "revoke"})
    out = []
    for m in sorted(report.members, key=lambda line: line.member_id):
        if m.points > 0:
            out.append(Entry(report.period, m.member_id, "award", m.address, m.points))
        elif m.points < 0:
            held = points.balance(m.address) + sum(taken.get(evidence_of(report.period, m.member_id, tag), 0)
                                                   for tag in (POINTS, DECAY))
            if min(held, -m.points) > 0:
                out.append(Entry(report.period, m.member_id, "revoke", m.address, min(held, -m.points)))
    return out


def _write_atomically(path: Path, data: bytes) -> Path:
    """A reader (or a re-run after a kill) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def write_record(record: SignedRecord, out_dir: Path) -> Path:
    """The signed payout record, canonical bytes, and beside it the public record (totals, roots, hashes)."""
    period = str(record.content["period"])
    _write_atomically(public_record_path(Path(out_dir), period), PublicRecord.of(record).to_bytes())
    return _write_atomically(record_path(Path(out_dir), period), record.to_bytes())


def write_report(report: MonthReport, out_dir: Path) -> Path:
    """The month report (canonical JSON with its record hash)."""
    return _write_atomically(report_path(Path(out_dir), report.period),
                             canonical_json(report.to_json()) + b"\n")


def publish_month(
    linli: Linli,
    report: MonthReport,
    *,
    admin_seed: bytes | str,
    out_dir: Path,
    sender: LocalAccount | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    decay: DecayPlan | None = None,
) -> PublishResult:
    """Mint, take the decay step (with a `decay` plan), write the signed record, publish root + record hash
    + totals, write the report; a period already published with this report's record hash (an
    interrupted run) is completed, not refused."""
    ledger = Ledger(linli)
    published = ledger.read(report.period)
    if published is not None and "0x" + published.record_hash.hex() != report.record_hash:
        raise PeriodAlreadyPublished(
            f"period {report.period} is already published on {linli.chain.rpc} with record hash "
            f"0x{published.record_hash.hex()}, and this input gives {report.record_hash}; the ledger is "
            f"append-only (check it with `linli verify {report.period}`)"
        )
    if not report.salted_with(admin_sum_secret(admin_seed)):  # a bad admin key fails here, before any transaction
        raise BadInput(f"the {report.period} report's sum tree is salted with another secret than this admin key's "
                       "(a dry run's?): close the month with close_month(…, sum_secret=admin_sum_secret(seed))")
    record = sign_record(report.record(), admin_seed)
    mint = mint_period_points(linli, report, sender=sender, chunk_size=chunk_size, progress=progress,
                              decay=decay is not None)
    decayed = None
    if decay is not None and published is None:  # a published period's decay step was complete before it
        decayed = decay_period(linli, report, decay, sender=sender, chunk_size=chunk_size, progress=progress)
    record_file = write_record(record, out_dir)
    faults.reached("record")
    if published is None:
        receipt = ledger.publish(
            report.period,
            gmv_cents=report.gmv_cents,
            pool_cents=report.pool_cents,
            member_count=len(report.members),
            merkle_root=bytes.fromhex(report.merkle_root[2:]),
            record_hash=bytes.fromhex(report.record_hash[2:]),
            sender=sender,
        )
        tx_hash, block = receipt["transactionHash"].to_0x_hex(), int(receipt["blockNumber"])
    else:
        tx_hash, block = published.tx_hash, published.block_number
    faults.reached("published")
    return PublishResult(mint, write_report(report, out_dir), record_file, tx_hash, block, published is not None,
                         decayed)


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
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> ChainClose:
    """`linli month close` without --dry-run: the month computed with the RuleBook's terms in force (what
    members voted), then minted, signed, written and published."""
    terms = RuleBook(linli).read()
    rules = with_terms_in_force(file_rules, terms)
    report = close_month(period, data, rules, sum_secret=admin_sum_secret(admin_seed))
    decay = plan_decay(data, rules, period) if rules.decay.enabled else None
    published = publish_month(linli, report, admin_seed=admin_seed, out_dir=out_dir, chunk_size=chunk_size,
                              progress=progress, decay=decay)
    return ChainClose(report, published, differences(file_rules, terms))
