"""The rules file: every number in one TOML file, unknown keys and wrong types refused by name."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from governance.bounds import RULE_INT_BOUNDS
from governance.commission import CommissionRules
from governance.errors import RulesError
from governance.pool import PoolRules
from governance.rules import Rules, load_rules, parse_rules, read_raw

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_rules_file_loads_and_states_the_design_defaults() -> None:
    rules = load_rules(EXAMPLES / "rules.toml")
    assert rules.coop.timezone == "Asia/Shanghai"
    assert [(t.name, t.threshold) for t in rules.levels.tiers] == [
        ("普通", 0), ("白银", 1000), ("黄金", 5000), ("钻石", 20000)]
    assert rules.points.review == 20 and rules.points.invite_first_order == 200
    assert rules.points.share_daily_max == 5 and rules.levels.window_days == 365
    assert isinstance(rules.commission, CommissionRules) and rules.commission.levels_bps == (1000, 500)
    assert isinstance(rules.pool, PoolRules) and 100 <= rules.pool.rate_bps <= 300
    assert rules.decay.half_life_days == 90


def test_every_key_of_the_example_is_a_field_so_nothing_is_silently_defaulted() -> None:
    raw = read_raw(EXAMPLES / "rules.toml")
    rules = parse_rules(raw)
    for section in ("coop", "points", "levels", "decay", "commission", "pool", "leaderboards"):
        fields = set(type(getattr(rules, section)).__dataclass_fields__)
        assert set(raw[section]) == fields, section


def test_an_empty_file_gives_the_defaults() -> None:
    assert parse_rules({}) == Rules()


@pytest.mark.parametrize(("raw", "message"), [
    ({"bonus": {}}, "bonus: unknown key"),
    ({"points": {"reveiw": 20}}, "points.reveiw: unknown key"),
    ({"points": {"review": "20"}}, "points.review: expected a whole number"),
    ({"points": {"review": 20.0}}, "points.review: expected a whole number"),
    ({"points": {"review": True}}, "points.review: expected a whole number"),
    ({"points": {"review": -1}}, "points.review: -1 is below the bound 0"),
    ({"decay": {"enabled": "yes"}}, "decay.enabled: expected true or false"),
    ({"commission": {"levels_bps": [1000, "5%"]}}, r"commission.levels_bps\[1\]: expected a whole number"),
    ({"commission": {"levels_bps": 1000}}, "commission.levels_bps: expected a list"),
    ({"levels": {"tiers": [{"name": "a", "threshold": 0}]}}, r"levels.tiers\[0\]: missing key\(s\) retain"),
    ({"levels": {"tiers": [{"name": "a", "threshold": 10, "retain": 0}]}}, "threshold = 0"),
    ({"levels": {"tiers": [{"name": "a", "threshold": 0, "retain": 0},
                           {"name": "b", "threshold": 100, "retain": 200}]}}, "retain 200"),
    ({"coop": {"timezone": "Mars/Olympus"}}, "coop.timezone"),
    ({"pool": {"rate_bps": 500}}, "pool.rate_bps: 500 is above the bound 300"),
    ({"leaderboards": {"metrics": ["likes"]}}, "leaderboards.metrics: 'likes'"),
    ({"achievements": [{"id": "x", "name": "x", "metric": "logins", "threshold": 1}]}, "achievements.x.metric"),
    ({"points": []}, "points: expected a table"),
])
def test_bad_rules_name_the_key(raw: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_rules(raw)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        read_raw(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[points\nreview = 20\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid TOML"):
        read_raw(bad)


def test_absent_daily_cap_means_no_cap(tmp_path: Path) -> None:
    rules = parse_rules({"levels": {"tiers": [{"name": "普通", "threshold": 0, "retain": 0}]}})
    assert rules.levels.tiers[0].daily_cap is None


def test_load_rules_refuses_a_file_the_linter_refuses_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text("[commission]\nentry_fee_cents = 0\n[points]\nper_recruit = 100\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"r.toml: refused by the compliance linter: REFUSE headcount_reward"):
        load_rules(path)
    path.write_text("[commission]\nentry_fee_cents = 0\n", encoding="utf-8")  # neutral value: passes, unused
    assert load_rules(path) == Rules()
    path.write_text("[points]\nreview = -1\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"r.toml: points.review"):
        load_rules(path)


def _raw_with(key: str, value: int) -> dict:
    """A rules dict setting `key` (a RULE_INT_BOUNDS key) to `value` and nothing else."""
    section, *rest = key.split(".")
    if section == "achievements":
        return {"achievements": [{"id": "a", "name": "a", "metric": "reviews", rest[0]: value}]}
    if rest[0] == "tiers":
        return {"levels": {"tiers": [{"name": "a", "threshold": 0, "retain": 0, rest[1]: value}]}}
    return {section: {rest[0]: [value] if key == "commission.levels_bps" else value}}


@pytest.mark.parametrize("key", sorted(RULE_INT_BOUNDS))
def test_every_whole_number_is_refused_just_outside_its_bound_naming_key_and_bound(key: str) -> None:
    low, high, _ = RULE_INT_BOUNDS[key]
    for value, side in ((low - 1, "below"), (high + 1, "above"), (2**256, "above")):
        with pytest.raises(RulesError, match=rf"^{re.escape(key.split('.')[0])}\S*: .* is {side} the bound"):
            parse_rules(_raw_with(key, value))


@pytest.mark.parametrize("target", [1, 2**53 - 1])
def test_the_target_range_is_accepted_to_its_edges(target: int) -> None:
    assert parse_rules({"pool": {"target_cents": target}}).pool.target_cents == target


def test_texts_and_lists_are_bounded() -> None:
    with pytest.raises(RulesError, match=r"coop\.name: 201 characters, above the bound of 200"):
        parse_rules({"coop": {"name": "邻" * 201}})
    with pytest.raises(RulesError, match=r"leaderboards\.metrics: 65 entries, above the bound of 64"):
        parse_rules({"leaderboards": {"metrics": ["sales"] * 65}})


def test_oversized_and_deeply_nested_files_are_refused_in_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    with pytest.raises(RulesError, match="larger than the bound of 1048576 bytes"):
        read_raw(big)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(RulesError, match="nested too deeply"):
        read_raw(deep)
