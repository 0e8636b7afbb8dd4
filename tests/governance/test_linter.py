"""The compliance linter: every illegal rule set a generator can make is refused; legal ones pass clean."""
from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.linter import LINTED_KEYS, Finding, Severity, lint_rules, refused

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rules.toml"

positive = st.integers(1, 10**9)
non_empty = st.one_of(st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5"]), st.integers(0, 100), min_size=1),
                      st.lists(st.integers(0, 100), min_size=1))

# (setting, values that express it, rule id) for each thing that must be refused
ILLEGAL = [
    ("commission.entry_fee_cents", positive, "entry_fee"),
    ("commission.entry_package_cents", positive, "entry_fee"),
    ("commission.requires_package", st.just(True), "entry_fee"),
    ("coop.membership_fee_cents", positive, "entry_fee"),
    ("commission.per_recruit_reward_cents", positive, "headcount_reward"),
    ("points.per_recruit", positive, "headcount_reward"),
    ("pool.weight_recruits_bps", positive, "headcount_reward"),
    ("commission.levels_bps", st.lists(st.integers(0, 1000), min_size=3, max_size=9), "beyond_two_hops"),
    ("commission.max_hops", st.integers(3, 99), "beyond_two_hops"),
    ("points.review_by_rating", non_empty, "rating_dependent_review"),
    ("points.review_min_rating", st.integers(1, 5), "rating_dependent_review"),
    ("leaderboards.seed_entries", non_empty, "fabricated_ranking"),
    ("leaderboards.manual_adjustments", non_empty, "fabricated_ranking"),
    ("leaderboards.display_multiplier_bps", st.integers(0, 10**6).filter(lambda v: v != 10_000), "fabricated_ranking"),
    ("leaderboards.include_refunded", st.just(True), "fabricated_ranking"),
]
FLAGGED = [
    ("commission.team_volume_bps", st.integers(1, 500), "team_volume"),
    ("pool.weight_team_volume_bps", positive, "team_volume"),
    ("leaderboards.invite_cash_prize_cents", positive, "invite_cash_prize"),
    ("leaderboards.new_customers_cash_prize_cents", positive, "invite_cash_prize"),
]
# the same keys switched off: never a finding
NEUTRAL = {"commission.entry_fee_cents": 0, "commission.requires_package": False, "points.review_by_rating": {},
           "leaderboards.seed_entries": [], "leaderboards.display_multiplier_bps": 10_000, "commission.max_hops": 2,
           "points.review_min_rating": 0, "commission.team_volume_bps": 0}


def put(raw: dict, dotted: str, value: object) -> None:
    *tables, key = dotted.split(".")
    node = raw
    for table in tables:
        node = node.setdefault(table, {})
    node[key] = value


@st.composite
def legal_rules(draw: st.DrawFn) -> dict:
    l1 = draw(st.integers(0, 3000))
    levels = draw(st.sampled_from([[l1], [l1, draw(st.integers(0, 3000 - l1))]]))
    raw = {
        "commission": {"mode": draw(st.sampled_from(["two_level", "repurchase_a", "repurchase_b"])),
                       "structure": draw(st.sampled_from(["referral", "slide"])), "levels_bps": levels},
        "pool": {"rate_bps": draw(st.integers(100, 300)), "target_cents": draw(positive)},
        "points": {"review": draw(st.integers(0, 100)), "invite_first_order": draw(st.integers(0, 500))},
        "leaderboards": {"metrics": ["sales", "new_customers"], "size": 10},
    }
    for dotted in draw(st.lists(st.sampled_from(sorted(NEUTRAL)), unique=True)):
        put(raw, dotted, NEUTRAL[dotted])
    return raw


@st.composite
def illegal_rules(draw: st.DrawFn) -> tuple[dict, list[tuple[str, str]]]:
    raw = draw(legal_rules())
    chosen = draw(st.lists(st.sampled_from(ILLEGAL), min_size=1, max_size=4, unique_by=lambda c: c[0]))
    for dotted, values, _ in chosen:
        put(raw, dotted, draw(values))
    if draw(st.booleans()):
        dotted, values, _ = draw(st.sampled_from(FLAGGED))
        put(raw, dotted, draw(values))
    return raw, [(dotted, rule) for dotted, _, rule in chosen]


@settings(max_examples=300)
@given(illegal_rules())
def test_every_generated_illegal_rule_set_is_refused(case) -> None:
    raw, expected = case
    findings = lint_rules(raw)
    assert refused(findings)
    refusals = {(f.setting, f.rule) for f in findings if f.severity is Severity.REFUSE}
    assert set(expected) <= refusals


@settings(max_examples=200)
@given(legal_rules())
def test_legal_rule_sets_have_no_findings(raw) -> None:
    assert lint_rules(raw) == []


@settings(max_examples=200)
@given(legal_rules(), st.data())
def test_flagged_settings_are_flagged_not_refused(raw, data) -> None:
    dotted, values, rule = data.draw(st.sampled_from(FLAGGED))
    put(raw, dotted, data.draw(values))
    findings = lint_rules(raw)
    assert not refused(findings)
    assert (dotted, rule, Severity.FLAG) in {(f.setting, f.rule, f.severity) for f in findings}


def test_classic_chain_2_plus_1_is_refused() -> None:
    """链动2+1 as sold: a 399-yuan entry package, 60% paid out over three levels, team-volume rewards."""
    raw = {"commission": {"structure": "slide", "levels_bps": [3000, 2000, 1000], "entry_package_cents": 39_900,
                          "team_volume_bps": 500}}
    got = {(f.severity, f.rule, f.setting) for f in lint_rules(raw)}
    assert got == {
        (Severity.REFUSE, "entry_fee", "commission.entry_package_cents"),
        (Severity.REFUSE, "beyond_two_hops", "commission.levels_bps"),
        (Severity.FLAG, "commission_over_30", "commission.levels_bps"),
        (Severity.FLAG, "team_volume", "commission.team_volume_bps"),
    }


def test_total_over_30_percent_counts_team_volume_and_is_a_flag() -> None:
    findings = lint_rules({"commission": {"levels_bps": [2000, 900], "team_volume_bps": 101}})
    over = [f for f in findings if f.rule == "commission_over_30"]
    assert [(f.severity, f.setting) for f in over] == [(Severity.FLAG, "commission.levels_bps")]
    assert "3001" in over[0].reason_en and "3001" in over[0].reason_zh
    assert lint_rules({"commission": {"levels_bps": [2000, 1000]}}) == []


def test_findings_carry_both_languages_and_refusals_come_first() -> None:
    raw = {"leaderboards": {"invite_cash_prize_cents": 10_000}, "points": {"review_by_rating": {"5": 50, "1": 0}}}
    findings = lint_rules(raw)
    assert [(f.severity, f.setting) for f in findings] == [
        (Severity.REFUSE, "points.review_by_rating"), (Severity.FLAG, "leaderboards.invite_cash_prize_cents")]
    assert all(isinstance(f, Finding) and f.reason_en and any("\u4e00" <= ch <= "\u9fff" for ch in f.reason_zh)
               for f in findings)
    assert "REFUSE rating_dependent_review points.review_by_rating" in str(findings[0])


def test_malformed_values_do_not_crash_the_linter() -> None:
    assert lint_rules({"commission": "x", "points": {"review_min_rating": "high"},
                       "leaderboards": [1]}) == []
    assert lint_rules({"commission": {"levels_bps": "1000,500"}}) == []


def test_the_shipped_example_is_clean_and_linted_keys_exclude_engine_keys() -> None:
    if EXAMPLE.exists():
        with EXAMPLE.open("rb") as handle:
            assert lint_rules(tomllib.load(handle)) == []
    assert "commission.levels_bps" not in LINTED_KEYS
    assert {"commission.entry_fee_cents", "points.review_by_rating", "commission.team_volume_bps"} <= LINTED_KEYS
