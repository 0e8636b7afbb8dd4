"""Month close: a worked example in exact cents, proofs that verify, and the example co-op end to end."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from governance.errors import BadInput
from governance.loading import CoopData, load_coop
from governance.merkle import verify
from governance.models import Activity, ActivityKind, Member, MemberId, Order, OrderStatus
from governance.month import close_month
from governance.payout_record import record_hash, sign_record, verify_record
from governance.period import Period
from governance.pool import PoolRules
from governance.rules import Rules, load_rules

TZ = ZoneInfo("Asia/Shanghai")
NOV = Period(2026, 11)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADDR = {"A": "0x" + "a1" * 20, "B": "0x" + "b2" * 20, "C": "0x" + "c3" * 20}


def t(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


def worked_example() -> CoopData:
    """A invited B, B invited C. B buys 1,000 yuan; C buys 500 yuan and 200 yuan, the 200 refunded."""
    joined = datetime(2026, 1, 1, tzinfo=TZ)
    members = {MemberId(m): Member(MemberId(m), ADDR[m], MemberId(r) if r else None, joined)
               for m, r in (("A", None), ("B", "A"), ("C", "B"))}
    orders = (
        Order("O1", MemberId("B"), 100_000, t(2), OrderStatus.PAID, None, "P-rice", "G1"),
        Order("O2", MemberId("C"), 50_000, t(3), OrderStatus.PAID, None, "P-oil", "G1"),
        Order("O3", MemberId("C"), 20_000, t(4), OrderStatus.REFUNDED, t(5), "P-tea", None),
    )
    activities = tuple(Activity(f"K{d}", MemberId("A"), ActivityKind.CHECKIN, t(d, 8), None, None) for d in (1, 2, 3))
    activities += (Activity("R1", MemberId("B"), ActivityKind.REVIEW, t(6), "O1", 1),
                   Activity("G1", MemberId("A"), ActivityKind.GROUP_OPEN, t(1, 9), "G1", None))
    return CoopData(members, orders, activities)


RULES = Rules(pool=PoolRules(rate_bps=200, target_cents=100_000, min_own_sales_cents=0, min_active_days=1))


def test_worked_example_in_exact_cents() -> None:
    report = close_month(NOV, worked_example(), RULES)
    assert report.period == "2026-11"
    assert report.gmv_cents == 150_000                     # the refunded 200 yuan is not GMV
    assert report.pool_cents == 3_000                      # 2% of 1,500 yuan, target 1,000 yuan met
    by_id = {m.member_id: m for m in report.members}
    # points: A 200 (B's first order: A invited B) + 3 check-ins + one group opened; B 1000 (order) + 20
    # (review, rating 1 all the same) + 200 (C's first order); C 500 + 200 - 200 (refund)
    assert {m: line.points for m, line in by_id.items()} == {"A": 200 + 30 + 50, "B": 1220, "C": 500}
    assert {m: line.level for m, line in by_id.items()} == {"A": "普通", "B": "白银", "C": "普通"}
    # commission 10% / 5%: O1 pays A 100 yuan; O2 pays B 50 and A 25; O3 was refunded in the same month
    assert {m: line.commission_cents for m, line in by_id.items()} == {"A": 12_500, "B": 5_000, "C": 0}
    # score = 0.7 x share of own sales + 0.3 x share of active days. Sales B 1000, C 500 (of 1500); active
    # days A 3, B 2, C 1 (of 6; the refunded order's day does not count): A 0.15, B 0.5667, C 0.2833
    assert {m: line.payout_cents for m, line in by_id.items()} == {"A": 450, "B": 1_700, "C": 850}
    assert sum(m.payout_cents for m in report.members) + report.undistributed_cents == report.pool_cents


def test_every_member_has_a_proof_of_its_payout_under_the_root() -> None:
    report = close_month(NOV, worked_example(), RULES)
    for line in report.members:
        assert line.address.startswith("0x")
        assert verify(report.merkle_root, (line.address, line.payout_cents), list(line.proof))
        assert not verify(report.merkle_root, (line.address, line.payout_cents + 1), list(line.proof))


def test_proofs_are_exactly_the_trees_own_proofs() -> None:
    report = close_month(NOV, worked_example(), RULES)
    assert [list(m.proof) for m in report.members] == [report.tree.proof(i) for i in range(len(report.members))]


def test_the_record_hash_is_the_hash_of_the_record_and_a_signed_record_verifies() -> None:
    report = close_month(NOV, worked_example(), RULES)
    assert report.record_hash == record_hash(report.record())
    assert report.to_json()["record_hash"] == report.record_hash
    signed = sign_record(report.record(), "11" * 32)
    verify_record(signed, onchain_root=report.merkle_root, onchain_record_hash=report.record_hash,
                  rate_bps=RULES.pool.rate_bps, target_cents=RULES.pool.target_cents)


def test_below_target_there_is_no_pool_but_still_a_report() -> None:
    rules = Rules(pool=PoolRules(target_cents=10_000_000))
    report = close_month(NOV, worked_example(), rules)
    assert report.pool_cents == 0 and all(m.payout_cents == 0 for m in report.members)
    assert report.gmv_cents == 150_000


def test_the_same_inputs_give_the_same_report() -> None:
    assert close_month(NOV, worked_example(), RULES).to_json() == close_month(NOV, worked_example(), RULES).to_json()


def test_a_later_month_sees_nothing_of_this_month_but_levels() -> None:
    report = close_month(Period(2026, 12), worked_example(), RULES)
    assert report.gmv_cents == 0 and all(m.points == 0 and m.commission_cents == 0 for m in report.members)
    assert {m.member_id: m.level for m in report.members}["B"] == "白银"


def test_no_members_is_an_error() -> None:
    with pytest.raises(BadInput, match="no members"):
        close_month(NOV, CoopData({}, (), ()), RULES)


def test_the_example_coop_meets_its_target_and_its_record_verifies() -> None:
    rules = load_rules(EXAMPLES / "rules.toml")
    data = load_coop(EXAMPLES / "members.csv", EXAMPLES / "orders.csv", EXAMPLES / "activities.csv")
    report = close_month(NOV, data, rules)
    assert report.gmv_cents >= report.target_cents and report.pool_cents > 0
    assert report.pool_cents == report.gmv_cents * rules.pool.rate_bps // 10_000
    assert len(report.members) == 30
    assert any(m.commission_cents for m in report.members)
    verify_record(sign_record(report.record(), "22" * 32), onchain_root=report.merkle_root,
                  onchain_record_hash=report.record_hash)
