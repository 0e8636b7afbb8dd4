"""Levels in the API over the month close's rolling window (api/growth_queries.py), on SQLite and PostgreSQL:
entries older than `window_days` and decay steps do not count as growth; refunds do."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from api.growth_queries import window_growth
from api.models import Base, PointsEntry
from api_support import BACKENDS, database
from governance.levels import tier_for
from governance.rules import LevelRules
from linli.services.period_points import DECAY, batch_id, evidence_of

ALICE = "0x" + "a1" * 20
NOW = 1_900_000_000
DAY = 86_400
LEVELS = LevelRules()


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


def _entry(n: int, age_days: float, kind: str, amount: int, decay: bool = False) -> PointsEntry:
    tag = DECAY if decay else "points"
    evidence = evidence_of(f"p{n}", "M1", tag)
    return PointsEntry(block_number=n, log_index=0, timestamp=NOW - int(age_days * DAY), member=ALICE,
                       kind="revoked" if kind == "revoke" else "awarded", amount=amount, evidence=_hex(evidence),
                       batch_id=_hex(batch_id(f"p{n}", kind, 0, [(ALICE, amount, evidence)], tag)))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "postgresql":
        request.getfixturevalue("_postgres_running")
    with database(request.param, tmp_path) as url:
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        yield engine
        engine.dispose()


def test_old_growth_and_decay_steps_do_not_lift_a_level(engine) -> None:
    with Session(engine) as session:
        session.add_all([
            _entry(1, 400, "award", 5000),             # 黄金 once, but more than a year ago
            _entry(2, 200, "award", 900),
            _entry(3, 100, "revoke", 300),             # a refund: takes growth back
            _entry(4, 100, "revoke", 700, decay=True),  # a decay step: weight, not growth
            _entry(5, 1, "award", 150),
        ])
        session.commit()
    with engine.connect() as connection:
        growth = window_growth(connection=connection, address=ALICE, now=NOW, window_days=LEVELS.window_days)
    assert growth == 900 - 300 + 150
    assert LEVELS.tiers[tier_for(growth, LEVELS)].name == "普通"
    assert LEVELS.tiers[tier_for(5000 + 900 - 300 - 700 + 150, LEVELS)].name == "黄金"  # what all-time gave


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 800), st.sampled_from(["award", "revoke"]), st.integers(1, 10**30),
                          st.booleans()), max_size=12), st.integers(1, 730))
def test_window_growth_is_the_sum_of_the_windows_non_decay_entries(engine, entries, window_days) -> None:
    with Session(engine) as session:
        session.execute(delete(PointsEntry))
        rows = [_entry(i, *e) for i, e in enumerate(entries)]
        expected = sum((r.amount if r.kind == "awarded" else -r.amount) for r, e in zip(rows, entries, strict=True)
                       if not e[3] and r.timestamp > NOW - window_days * DAY)
        session.add_all(rows)
        session.commit()
    with engine.connect() as connection:
        assert window_growth(connection=connection, address=ALICE, now=NOW, window_days=window_days) == expected
