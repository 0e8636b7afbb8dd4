"""The synthetic co-op: same seed same bytes, loads cleanly, and has the structures the rules need."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from governance.loading import load_coop
from governance.models import ActivityKind
from governance.period import Period
from governance.synthetic import Scale, write_coop

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first = write_coop(tmp_path / "a", Scale(120), seed=5)
    again = write_coop(tmp_path / "b", Scale(120), seed=5)
    other = write_coop(tmp_path / "c", Scale(120), seed=6)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert first[1].read_bytes() != other[1].read_bytes()


def test_it_loads_without_a_bad_row_and_exercises_the_mechanisms(tmp_path: Path) -> None:
    data = load_coop(*write_coop(tmp_path, Scale(200, 1500), Period(2026, 11), seed=1))
    assert len(data.members) == 200 and len(data.orders) == 1500

    def depth(member_id):
        hops = 0
        while (member_id := data.members[member_id].referrer_id) is not None:
            hops += 1
        return hops

    assert max(depth(m) for m in data.members) >= 3
    referrals = Counter(m.referrer_id for m in data.members.values() if m.referrer_id)
    assert max(referrals.values()) >= 3                       # a 3rd referral: the 2+1 break-away
    assert 0 < sum(o.refunded_at is not None for o in data.orders) < 150
    assert {a.kind for a in data.activities} == set(ActivityKind)
    assert all(Period(2026, 11).contains(o.paid_at, SHANGHAI) for o in data.orders)
