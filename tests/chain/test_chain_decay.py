"""Decay on chain (docs/mechanisms.md "Decay"): month closes with `[decay]` enabled, on the embedded chain.

For random order histories (refunds in later months among them), random half-lives and one member
delegating to another, every member's getPastVotes at random past snapshots equals the rules' weight: the
decay function's step after the last close before the snapshot, computed here from the orders alone
(`governance.decay.stepped_weights` on each month's net points dated at its end), never from the close.
"""
from __future__ import annotations

import dataclasses
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain.embedded import EmbeddedChain
from chain.points import Points
from chain.system import Linli
from governance.decay import stepped_weights
from governance.loading import load_coop
from governance.period import Period
from governance.rules import DecayRules, load_rules
from linli.services.month_publish import close_and_publish
from linli.services.period_points import DECAY, evidence_of

RULES = Path(__file__).resolve().parents[2] / "examples" / "rules.toml"
MONTHS = [Period(2026, m) for m in range(1, 5)]
GAP = 30 * 86_400  # chain time between two closes
MEMBERS = ("A", "B", "C")

# an order: (member, month index it is paid in, yuan, month index it is refunded in or None)
order = st.tuples(st.sampled_from(MEMBERS), st.integers(0, 3), st.integers(1, 3000),
                  st.one_of(st.none(), st.integers(1, 3)))


def _files(where: Path, addresses: dict[str, str], orders: list[tuple[str, int, int, int | None]]) -> None:
    (where / "members.csv").write_text("member_id,address,referrer_id,joined_at\n" + "".join(
        f"{m},{addresses[m]},,2025-12-01T00:00:00+08:00\n" for m in MEMBERS))
    rows = []
    for i, (member, month, yuan, refund) in enumerate(orders):
        paid = f"2026-{month + 1:02d}-10T12:00:00+08:00"
        if refund is not None and refund > month:
            rows.append(f"O{i},{member},{yuan * 100},{paid},refunded,2026-{refund + 1:02d}-12T12:00:00+08:00,P,\n")
        else:
            rows.append(f"O{i},{member},{yuan * 100},{paid},paid,,P,\n")
    (where / "orders.csv").write_text(
        "order_id,member_id,amount_cents,paid_at,status,refunded_at,product_id,group_id\n" + "".join(rows))
    (where / "activities.csv").write_text("activity_id,member_id,kind,at,ref,rating\n")


def _expected(orders: list[tuple[str, int, int, int | None]], half_life: int, tz) -> dict[str, list[int]]:
    """Each member's weight after each close, from the orders: 1 point per yuan, taken back in the refund's month."""
    nets = {m: [0] * len(MONTHS) for m in MEMBERS}
    for member, month, yuan, refund in orders:
        nets[member][month] += yuan
        if refund is not None and refund > month:
            nets[member][refund] -= yuan
    ends = [p.end(tz) for p in MONTHS]
    out = {}
    for m in MEMBERS:
        dated: list[tuple[datetime, int]] = list(zip(ends, nets[m], strict=True))
        out[m] = stepped_weights(dated, half_life)
    return out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(order, min_size=1, max_size=8), st.sampled_from([7, 30, 90]), st.booleans(),
       st.lists(st.tuples(st.integers(0, 4), st.integers(0, GAP - 1)), min_size=1, max_size=6))
def test_past_votes_equal_the_rules_decayed_weight(chain: EmbeddedChain, linli: Linli, orders, half_life: int,
                                                   delegate: bool, snapshots) -> None:
    rules = load_rules(RULES)
    rules = dataclasses.replace(rules, decay=DecayRules(enabled=True, half_life_days=half_life))
    snapshot = chain.snapshot()
    try:
        signers = dict(zip(MEMBERS, chain.signers[1:4], strict=True))
        addresses = {m: s.address for m, s in signers.items()}
        points = Points(linli)
        if delegate:  # C lends its weight to A: A votes with both decayed weights, C with none
            points.delegate(signers["C"], addresses["A"])
        with tempfile.TemporaryDirectory() as tmp:
            _files(Path(tmp), addresses, orders)
            data = load_coop(Path(tmp) / "members.csv", Path(tmp) / "orders.csv", Path(tmp) / "activities.csv")
            closed_at = [chain.increase_time(GAP)]
            for period in MONTHS:
                close_and_publish(linli, period, data, rules, admin_seed="33" * 32, out_dir=Path(tmp))
                closed_at.append(chain.increase_time(GAP))
        weights = _expected(orders, half_life, rules.coop.tz)
        for m in MEMBERS:
            assert points.balance(addresses[m]) == weights[m][-1]
        for after, offset in snapshots:  # after the `after`-th close (0: before any), inside the quiet gap
            when = closed_at[after] - GAP + offset + 1 if after else closed_at[0] - offset
            held = {m: weights[m][after - 1] if after else 0 for m in MEMBERS}
            votes = {"A": held["A"] + (held["C"] if delegate else 0), "B": held["B"],
                     "C": 0 if delegate else held["C"]}
            assert {m: points.past_votes(addresses[m], when) for m in MEMBERS} == votes
    finally:
        chain.revert(snapshot)


def test_a_rerun_of_a_decayed_close_takes_nothing_twice(chain: EmbeddedChain, linli: Linli, tmp_path: Path) -> None:
    rules = dataclasses.replace(load_rules(RULES), decay=DecayRules(enabled=True, half_life_days=30))
    addresses = {m: s.address for m, s in zip(MEMBERS, chain.signers[1:4], strict=True)}
    _files(tmp_path, addresses, [("A", 0, 1000, None), ("B", 0, 500, 1), ("B", 0, 800, None)])
    data = load_coop(tmp_path / "members.csv", tmp_path / "orders.csv", tmp_path / "activities.csv")
    points = Points(linli)
    close_and_publish(linli, MONTHS[0], data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    february = close_and_publish(linli, MONTHS[1], data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    assert february.published.decay is not None and february.published.decay.sent == 1
    taken = points.movements(evidence=[evidence_of("2026-02", m, DECAY) for m in MEMBERS])
    assert [m.batch_id[:5] for m in taken] == [b"decay", b"decay"]
    expected = _expected([("A", 0, 1000, None), ("B", 0, 500, 1), ("B", 0, 800, None)], 30, rules.coop.tz)
    assert [points.balance(addresses[m]) for m in MEMBERS] == [expected[m][1] for m in MEMBERS]
    supply = points.total_supply()
    again = close_and_publish(linli, MONTHS[1], data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    assert again.published.resumed and again.published.decay is None and points.total_supply() == supply
