"""The payout record's canonical JSON is RFC 8785 (JCS) on its domain, byte for byte as the `rfc8785`
package writes it, and what lies outside that domain is refused rather than written differently."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import BadInput
from governance.loading import load_coop
from governance.month import close_month
from governance.payout_record import JCS_MAX_INT, SignedRecord, canonical_json, sign_record
from governance.period import Period
from governance.rules import load_rules

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOV = Period(2026, 11)

safe_ints = st.integers(-JCS_MAX_INT, JCS_MAX_INT)
texts = st.text()  # any code point but surrogates: controls, quotes, backslashes, CJK, emoji
keys = st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)))
hex32 = st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex())
json_values = st.recursive(
    st.none() | st.booleans() | safe_ints | texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=40,
)
members = st.fixed_dictionaries({
    "member_id": texts, "address": st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex()),
    "points": safe_ints, "level": texts, "commission_cents": st.integers(0, JCS_MAX_INT),
    "payout_cents": st.integers(0, JCS_MAX_INT), "proof": st.lists(hex32, max_size=4),
})
records = st.fixed_dictionaries({
    "period": st.just("2026-11"), "gmv_cents": st.integers(0, JCS_MAX_INT),
    "target_cents": st.integers(1, JCS_MAX_INT), "pool_rate_bps": st.integers(100, 300),
    "pool_cents": st.integers(0, JCS_MAX_INT), "undistributed_cents": st.integers(0, JCS_MAX_INT),
    "merkle_root": hex32, "members": st.lists(members, max_size=6),
})


@given(records)
def test_record_shaped_content_is_jcs(record: dict[str, Any]) -> None:
    assert canonical_json(record) == rfc8785.dumps(record)


@given(json_values)
def test_any_value_in_the_domain_is_jcs(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_the_example_month_close_record_and_its_signed_file_are_jcs() -> None:
    data = load_coop(EXAMPLES / "members.csv", EXAMPLES / "orders.csv", EXAMPLES / "activities.csv")
    report = close_month(NOV, data, load_rules(EXAMPLES / "rules.toml"))
    content = report.record()
    assert any(not m["level"].isascii() for m in content["members"])  # Chinese level names are in it
    assert canonical_json(content) == rfc8785.dumps(content)
    assert canonical_json(report.to_json()) == rfc8785.dumps(report.to_json())
    signed_file = sign_record(content, "22" * 32).to_bytes()
    assert signed_file == rfc8785.dumps(json.loads(signed_file)) + b"\n"
    assert SignedRecord.from_bytes(signed_file).content == content


def test_integers_at_the_bound_are_written_and_one_beyond_is_refused() -> None:
    for edge in (JCS_MAX_INT, -JCS_MAX_INT):
        written = f'{{"gmv_cents":{edge}}}'.encode()
        assert canonical_json({"gmv_cents": edge}) == rfc8785.dumps({"gmv_cents": edge}) == written
    for beyond in (JCS_MAX_INT + 1, -JCS_MAX_INT - 1, 2**256 - 1):
        with pytest.raises(rfc8785.IntegerDomainError):
            rfc8785.dumps({"gmv_cents": beyond})
        with pytest.raises(BadInput, match=rf"^record\.gmv_cents: {beyond} is beyond ±\(2\^53−1\)"):
            canonical_json({"gmv_cents": beyond})
    with pytest.raises(BadInput, match=r"^record\.members\[1\]\.payout_cents: 9007199254740992 is beyond"):
        canonical_json({"members": [{"payout_cents": 1}, {"payout_cents": 2**53}]})


@pytest.mark.parametrize("value, where", [
    (0.5, "record.x: 0.5 is a float"),
    (1.0, "record.x: 1.0 is a float"),
    (float("nan"), "record.x: nan is a float"),
    ("a\ud800b", "record.x: text holds a lone surrogate"),
    ([{"\udc00": 1}], r"record.x\[0\]: key '\\udc00' holds a lone surrogate"),
    ({1, 2}, "record.x: set cannot go"),
    (b"0x", "record.x: bytes cannot go"),
])
def test_values_outside_the_domain_are_refused_naming_where(value: Any, where: str) -> None:
    with pytest.raises(BadInput, match="^" + where):
        canonical_json({"x": value})


def test_a_key_above_u_ffff_is_refused_because_jcs_orders_it_differently() -> None:
    value = {"\U0001f600": 1, "\ue000": 2}  # UTF-16: D83D… < E000; code points: E000 < 1F600
    assert rfc8785.dumps(value) != json.dumps(value, sort_keys=True, separators=(",", ":"),
                                              ensure_ascii=False).encode()
    with pytest.raises(BadInput, match="above U\\+FFFF"):
        canonical_json(value)


@given(st.text(min_size=1), st.integers(0xD800, 0xDFFF), st.text())
def test_any_text_with_a_lone_surrogate_is_bad_input_not_a_crash(before: str, point: int, after: str) -> None:
    with pytest.raises(BadInput, match="lone surrogate"):
        canonical_json({"member_id": before + chr(point) + after})


def test_a_month_close_whose_target_is_beyond_the_domain_is_refused_naming_it() -> None:
    rules = load_rules(EXAMPLES / "rules.toml")
    rules = replace(rules, pool=replace(rules.pool, target_cents=JCS_MAX_INT + 1))
    data = load_coop(EXAMPLES / "members.csv", EXAMPLES / "orders.csv", EXAMPLES / "activities.csv")
    with pytest.raises(BadInput, match=r"^record\.target_cents: 9007199254740992 is beyond"):
        close_month(NOV, data, rules)
