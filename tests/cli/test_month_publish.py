"""`linli.services.month_publish` on the embedded chain: a month whose refunds outweigh its orders takes
points back (never more than a member holds), and re-running a close mints nothing twice."""
from __future__ import annotations

from pathlib import Path

import pytest

from chain.deploy import DeployConfig, deploy_linli
from chain.embedded import EmbeddedChain
from chain.ledger import Ledger
from chain.points import Points
from chain.system import Linli
from governance.loading import load_coop
from governance.month import close_month
from governance.period import Period
from governance.rules import load_rules
from linli.services.month_publish import close_and_publish, mint_period_points

RULES = Path(__file__).resolve().parents[2] / "examples" / "rules.toml"
A, B = "0x" + "a1" * 20, "0x" + "b2" * 20


def _coop(tmp: Path):
    (tmp / "members.csv").write_text(
        "member_id,address,referrer_id,joined_at\n"
        f"A,{A},,2026-01-01T00:00:00+08:00\nB,{B},A,2026-02-01T00:00:00+08:00\n")
    (tmp / "orders.csv").write_text(
        "order_id,member_id,amount_cents,paid_at,status,refunded_at,product_id,group_id\n"
        "O1,A,50000,2026-11-28T10:00:00+08:00,refunded,2026-12-02T10:00:00+08:00,P-rice,\n"
        "O2,B,30000,2026-11-20T10:00:00+08:00,paid,,P-tea,\n")
    (tmp / "activities.csv").write_text("activity_id,member_id,kind,at,ref,rating\n")
    return load_coop(tmp / "members.csv", tmp / "orders.csv", tmp / "activities.csv")


@pytest.fixture
def linli():
    with EmbeddedChain() as chain:
        yield Linli.attach(chain, deploy_linli(chain, DeployConfig(overrides={"gmv_target_cents": 10_000})))


def test_a_refund_next_month_takes_points_back(linli: Linli, tmp_path: Path) -> None:
    data, rules, points = _coop(tmp_path), load_rules(RULES), Points(linli)
    november = close_and_publish(linli, Period(2026, 11), data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    a_address = next(m.address for m in november.report.members if m.member_id == "A")
    assert points.balance(a_address) == 500 + 200  # its order, and B's first paid order (A invited B)
    assert november.published.mint.points_awarded == points.total_supply()
    december = close_and_publish(linli, Period(2026, 12), data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    a = next(m for m in december.report.members if m.member_id == "A")
    assert a.points == -500 and december.published.mint.points_revoked == 500
    assert points.balance(a.address) == 200
    assert Ledger(linli).is_published("2026-11") and Ledger(linli).is_published("2026-12")


def test_a_rerun_mints_nothing_twice(linli: Linli, tmp_path: Path) -> None:
    data, rules = _coop(tmp_path), load_rules(RULES)
    report = close_month(Period(2026, 11), data, rules)
    first = mint_period_points(linli, report, chunk_size=1)
    supply = Points(linli).total_supply()
    second = mint_period_points(linli, report, chunk_size=1)
    assert (first.chunks, first.sent) == (2, 2) and (second.chunks, second.sent) == (2, 0)
    assert Points(linli).total_supply() == supply > 0


def test_a_rerun_of_revocations_takes_nothing_back_twice(linli: Linli, tmp_path: Path) -> None:
    """December's revocation is sized by what A held before it: run again, the same entry (and id) is
    found on chain and skipped, rather than a smaller one computed from A's lower balance, or a refusal."""
    data, rules, points = _coop(tmp_path), load_rules(RULES), Points(linli)
    close_and_publish(linli, Period(2026, 11), data, rules, admin_seed="33" * 32, out_dir=tmp_path)
    december = close_month(Period(2026, 12), data, rules)
    a = next(m for m in december.members if m.member_id == "A")
    first = mint_period_points(linli, december)
    assert (first.sent, first.points_revoked, points.balance(a.address)) == (1, 500, 200)
    again = mint_period_points(linli, december)
    assert (again.chunks, again.sent, again.points_revoked, points.balance(a.address)) == (1, 0, 500, 200)
