"""The decay step of a month close: revoke what `[decay]` takes from each member's weight, in idempotent batches.

Runs after the month's points are minted and before the record is written (docs/mechanisms.md "Decay").
Each member's step carries the evidence id keccak("decay:{period}:{member_id}") and each chunk's batch id
commits to the chunk's content, as the mint's do (`linli.services.period_points`, tag "decay"). What a
member holds just before the step is its balance now plus what this period's decay already took from it
(read back from the token's events), so a re-run after a kill at any chunk computes the same amounts: the
chunks already on chain are left out, and a chain holding other amounts for this period is refused in one
line before anything is sent. A kill after chunk k is `LINLI_FAULT_AT=decay:k`, after the last `decayed`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from eth_account.signers.local import LocalAccount

from chain.errors import ChainError
from chain.points import Points
from chain.system import Linli
from governance.decay import close_weight
from governance.growth import grow
from governance.loading import CoopData
from governance.month import MonthReport
from governance.period import Period
from governance.rules import Rules
from linli.services.batch_size import CHUNK_SIZE
from linli.services.period_points import (
    DECAY, Entry, chunk_calls, compare, evidence_of, period_movements, send_one_by_one,
)

Nets = Mapping[str, Sequence[tuple[datetime, int]]]


class DecayDiffers(ChainError):
    """The chain holds this period's decay step with other amounts than this input calls for."""


@dataclass(frozen=True, slots=True)
class DecayPlan:
    """What the decay step needs: each member's monthly nets up to this month, its end, the half-life."""

    nets: Nets
    end: datetime
    half_life_days: int


@dataclass(frozen=True, slots=True)
class DecayResult:
    chunks: int
    sent: int  # chunks revoked by this run; the rest were already on chain
    points_decayed: int


def plan_decay(data: CoopData, rules: Rules, period: Period) -> DecayPlan:
    """The members' monthly net points from the first month with evidence to `period`, each dated at its
    month's end: the same walk of the months as the close's own (`governance.growth.grow`)."""
    tz = rules.coop.tz
    growth = grow(data, rules, period)
    nets: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for month in sorted(growth.points):
        for member_id, net in growth.points[month].items():
            if net:
                nets[member_id].append((month.end(tz), net))
    return DecayPlan(dict(nets), period.end(tz), rules.decay.half_life_days)


def decay_period(
    linli: Linli,
    report: MonthReport,
    plan: DecayPlan,
    *,
    sender: LocalAccount | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> DecayResult:
    """Bring every member's weight down to the rules' decayed weight at the month's end (never up)."""
    sender = sender or linli.chain.signers[0]
    points = Points(linli)
    lines = sorted((m for m in report.members if plan.nets.get(m.member_id)), key=lambda m: m.member_id)
    moves = period_movements(points, report.period, [m.member_id for m in lines], DECAY)
    taken = {m.evidence: m.amount for m in moves if m.kind == "revoke"}
    entries = []
    for m in lines:
        before = points.balance(m.address) + taken.get(evidence_of(report.period, m.member_id, DECAY), 0)
        amount = before - close_weight(plan.nets[m.member_id], plan.end, before, plan.half_life_days)
        if amount > 0:
            entries.append(Entry(report.period, m.member_id, "revoke", m.address, amount, DECAY))
    check = compare({e.evidence: e for e in entries}, moves)
    if check.differing:
        raise DecayDiffers(
            f"decay batch {check.name_first_batch(report.period, DECAY)} on chain takes other amounts than this "
            f"input: {len(check.differing)} member(s) differ (first {check.differing[0]}); nothing was sent: "
            f"restore the input files and rules that closed {report.period} and run the close again"
        )
    total, calls = chunk_calls(linli, report.period, entries, check.on_chain, chunk_size, DECAY)
    send_one_by_one(linli, calls, total, sender, "decay", progress)
    return DecayResult(total, len(calls), sum(e.amount for e in entries))
