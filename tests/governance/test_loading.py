"""Loading members, orders and activities: CSV and JSON Lines, every bad row reported, files refused whole."""
from __future__ import annotations

import json
from datetime import datetime, UTC
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.errors import BadFile, BadInput
from governance.loading import (
    ACTIVITY_FIELDS, MEMBER_FIELDS, ORDER_FIELDS, checksum_address, load_activities, load_coop, load_members,
    load_orders,
)
from governance.models import ActivityKind, OrderStatus

ALICE = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
ALICE_EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # the EIP-55 spec's first test vector
BOB = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
CAROL = "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"

MEMBERS = [
    ("M1", ALICE, "", "2026-01-01T08:00:00+08:00"),
    ("M2", BOB, "M1", "2026-02-01T08:00:00+08:00"),
    ("M3", CAROL, "M2", "2026-03-01T08:00:00Z"),
]


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    path.write_text("\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def members_file(tmp_path: Path, rows=MEMBERS) -> Path:
    return write_csv(tmp_path / "members.csv", MEMBER_FIELDS, rows)


def order_row(order_id="O1", member="M1", amount="1990", paid="2026-11-02T10:00:00+08:00", status="paid",
              refunded="", product="P1", group="G1") -> tuple[str, ...]:
    return (order_id, member, amount, paid, status, refunded, product, group)


def bad_rows(exc: pytest.ExceptionInfo[BadFile]) -> list[tuple[int, str]]:
    return [(r.line, r.field) for r in exc.value.rows]


def test_members_csv_are_loaded_with_checksummed_addresses_and_utc_times(tmp_path: Path) -> None:
    members = load_members(members_file(tmp_path))
    assert list(members) == ["M1", "M2", "M3"]
    assert members["M1"].address == ALICE_EIP55
    assert members["M1"].referrer_id is None and members["M2"].referrer_id == "M1"
    assert members["M1"].joined_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert members["M3"].joined_at.tzinfo is UTC


def test_checksum_address_accepts_lower_and_valid_eip55_and_refuses_a_wrong_checksum() -> None:
    assert checksum_address(ALICE) == ALICE_EIP55
    assert checksum_address(ALICE_EIP55) == ALICE_EIP55
    wrong = ALICE_EIP55[:2] + ALICE_EIP55[2].lower() + ALICE_EIP55[3:].swapcase()
    with pytest.raises(BadInput, match="checksum"):
        checksum_address(wrong)
    with pytest.raises(BadInput, match="40 hex"):
        checksum_address("0x123")


def test_every_bad_member_row_is_reported_with_line_and_field(tmp_path: Path) -> None:
    rows = [
        ("M1", ALICE, "", "2026-01-01T08:00:00+08:00"),
        ("M2", "0xnothex", "M1", "2026-02-01T08:00:00+08:00"),           # line 3: address
        ("M3", CAROL, "M9", "2026-02-01T08:00:00+08:00"),               # line 4: unknown referrer
        ("M1", BOB, "", "2026-02-01T08:00:00+08:00"),                   # line 5: duplicate id
        ("M4", "0x" + "1" * 40, "", "2026-02-01 08:00"),                 # line 6: no offset
        ("M5", "0x" + "2" * 40, "M5", "2026-02-01T08:00:00+08:00"),      # line 7: refers themselves
        ("M6", "0x" + "3" * 40, "", "yesterday"),                        # line 8: not a time
        ("M7", ALICE, "", "2026-02-01T08:00:00+08:00"),                  # line 9: address reused
        ("M8", "0x" + "4" * 40, "M9", "2026-02-01T08:00:00+08:00"),      # line 10: unknown referrer
        ("M10", "0x" + "5" * 40, "M11", "2026-02-01T08:00:00+08:00"),    # line 11: referrer joined later
        ("M11", "0x" + "6" * 40, "", "2026-03-01T08:00:00+08:00"),
    ]
    with pytest.raises(BadFile) as exc:
        load_members(members_file(tmp_path, rows))
    assert bad_rows(exc) == [(3, "address"), (4, "referrer_id"), (5, "member_id"), (6, "joined_at"),
                             (7, "referrer_id"), (8, "joined_at"), (9, "address"), (10, "referrer_id"),
                             (11, "referrer_id")]
    assert str(tmp_path / "members.csv") in str(exc.value)
    assert "no UTC offset" in exc.value.rows[3].reason


def test_a_referral_cycle_is_refused(tmp_path: Path) -> None:
    same = "2026-02-01T08:00:00+08:00"
    rows = [("M1", ALICE, "M2", same), ("M2", BOB, "M1", same), ("M3", CAROL, "M1", same)]
    with pytest.raises(BadFile) as exc:
        load_members(members_file(tmp_path, rows))
    assert bad_rows(exc) == [(2, "referrer_id"), (3, "referrer_id")]
    assert "cycle" in exc.value.rows[0].reason


def test_orders_are_checked_row_by_row(tmp_path: Path) -> None:
    members = load_members(members_file(tmp_path))
    rows = [
        order_row("O1"),
        order_row("O2", member="M9"),                                               # line 3
        order_row("O3", amount="0"),                                                # line 4
        order_row("O4", amount="12.50"),                                            # line 5
        order_row("O1"),                                                            # line 6 duplicate
        order_row("O5", status="refunded"),                                         # line 7 no refunded_at
        order_row("O6", status="refunded", refunded="2026-11-01T10:00:00+08:00"),   # line 8 before payment
        order_row("O7", status="shipped"),                                          # line 9
        order_row("O8", refunded="2026-11-03T10:00:00+08:00"),                      # line 10 paid + refund time
        order_row("O9", paid="2026-11-02T10:00:00"),                                # line 11 no offset
        order_row("O10", product=""),                                               # line 12
        order_row("O11", amount="-5"),                                              # line 13
    ]
    with pytest.raises(BadFile) as exc:
        load_orders(write_csv(tmp_path / "orders.csv", ORDER_FIELDS, rows), members)
    assert bad_rows(exc) == [(3, "member_id"), (4, "amount_cents"), (5, "amount_cents"), (6, "order_id"),
                             (7, "refunded_at"), (8, "refunded_at"), (9, "status"), (10, "refunded_at"),
                             (11, "paid_at"), (12, "product_id"), (13, "amount_cents")]
    assert "before payment" in exc.value.rows[5].reason


def test_good_orders_load_with_status_refund_and_optional_group(tmp_path: Path) -> None:
    members = load_members(members_file(tmp_path))
    rows = [order_row("O1", group=""),
            order_row("O2", member="M2", status="refunded", refunded="2026-11-02T12:00:00+08:00")]
    orders = load_orders(write_csv(tmp_path / "orders.csv", ORDER_FIELDS, rows), members)
    assert [o.order_id for o in orders] == ["O1", "O2"]
    assert orders[0].group_id is None and orders[0].amount_cents == 1990
    assert orders[1].status is OrderStatus.REFUNDED
    assert orders[1].refunded_at == datetime(2026, 11, 2, 4, tzinfo=UTC)


def test_activities_check_kind_rating_and_that_a_review_names_the_members_own_order(tmp_path: Path) -> None:
    members = load_members(members_file(tmp_path))
    orders = load_orders(write_csv(tmp_path / "orders.csv", ORDER_FIELDS, [order_row("O1")]), members)
    at = "2026-11-03T09:00:00+08:00"
    rows = [
        ("A1", "M1", "review", at, "O1", "5"),
        ("A2", "M1", "like", at, "", ""),        # line 3 unknown kind
        ("A3", "M2", "review", at, "O1", ""),    # line 4 someone else's order
        ("A4", "M1", "review", at, "O1", "9"),   # line 5 rating outside 1..5
        ("A5", "M1", "review", at, "", ""),      # line 6 no ref
        ("A1", "M1", "checkin", at, "", ""),     # line 7 duplicate id
        ("A6", "M7", "share", at, "", ""),       # line 8 unknown member
    ]
    with pytest.raises(BadFile) as exc:
        load_activities(write_csv(tmp_path / "activities.csv", ACTIVITY_FIELDS, rows), members, orders)
    assert bad_rows(exc) == [(3, "kind"), (4, "ref"), (5, "rating"), (6, "ref"), (7, "activity_id"),
                             (8, "member_id")]


def test_json_lines_use_the_same_field_names_and_count_lines_from_one(tmp_path: Path) -> None:
    members = load_members(members_file(tmp_path))
    lines = [
        {"order_id": "O1", "member_id": "M1", "amount_cents": 1990, "paid_at": "2026-11-02T10:00:00+08:00",
         "status": "paid", "refunded_at": None, "product_id": "P1", "group_id": None},
        {"order_id": "O2", "member_id": "M1", "amount_cents": 19.9, "paid_at": "2026-11-02T10:00:00+08:00",
         "status": "paid", "product_id": "P1"},
        {"order_id": "O3", "member_id": "M1", "amount_cents": 100, "paid_at": "2026-11-02T10:00:00+08:00",
         "status": "paid", "product_id": "P1", "colour": "red"},
    ]
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n", encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_orders(path, members)
    assert bad_rows(exc) == [(2, "amount_cents"), (3, "colour"), (5, "row")]
    path.write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    assert load_orders(path, members)[0].amount_cents == 1990


def test_a_csv_header_with_unknown_or_missing_columns_is_line_one(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("member_id,adress,joined_at\nM1,x,y\n", encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_members(path)
    assert bad_rows(exc) == [(1, "adress"), (1, "address")]


def test_a_short_csv_row_and_a_quoted_multiline_field_keep_line_numbers_right(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(f"member_id,address,referrer_id,joined_at\n\"M\n1\",{ALICE},,2026-01-01T08:00:00+08:00\n"
                    "M2,0x00\n", encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_members(path)
    assert bad_rows(exc) == [(2, "member_id"), (4, "row")]  # a line break is no part of an id


def test_files_that_are_not_utf8_or_missing_say_so(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(f"member_id,address,referrer_id,joined_at\n张三,{ALICE},,2026-01-01T08:00:00+08:00\n"
                     .encode("gbk"))
    with pytest.raises(BadFile, match=r"members.csv:2: member_id: not UTF-8 text \(byte 0xd5 at character 1\)"
                       ) as exc:
        load_members(path)
    assert bad_rows(exc) == [(2, "member_id")]
    with pytest.raises(BadInput, match="cannot read"):
        load_members(tmp_path / "nope.csv")


@pytest.mark.parametrize("member_id", ["M\x001", "M1\x00", "\ufeffM1", "M\u200b1"])
def test_invisible_characters_in_a_field_are_refused_naming_line_and_field(tmp_path: Path, member_id: str) -> None:
    path = tmp_path / "members.csv"
    path.write_text(f"member_id,address,referrer_id,joined_at\n{member_id},{ALICE},,2026-01-01T08:00:00+08:00\n",
                    encoding="utf-8")
    with pytest.raises(BadFile, match=r"members\.csv:2: member_id: invisible character U\+") as exc:
        load_members(path)
    assert bad_rows(exc) == [(2, "member_id")]


def test_a_long_field_is_refused_naming_its_column(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(f"member_id,address,referrer_id,joined_at\n{'m' * 2000},{ALICE},,2026-01-01T08:00:00+08:00\n",
                    encoding="utf-8")
    with pytest.raises(BadFile, match="2000 characters, above the bound of 128") as exc:
        load_members(path)
    assert bad_rows(exc) == [(2, "member_id")]


def test_load_coop_reads_all_three_files(tmp_path: Path) -> None:
    members_file(tmp_path)
    write_csv(tmp_path / "orders.csv", ORDER_FIELDS, [order_row("O1")])
    write_csv(tmp_path / "activities.csv", ACTIVITY_FIELDS,
              [("A1", "M1", "review", "2026-11-03T09:00:00+08:00", "O1", "")])
    data = load_coop(tmp_path / "members.csv", tmp_path / "orders.csv", tmp_path / "activities.csv")
    assert len(data.members) == 3 and len(data.orders) == 1
    assert data.activities[0].kind is ActivityKind.REVIEW and data.activities[0].rating is None


_times = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1),
                      timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0).isoformat())


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(1, 10**7), _times, st.booleans(), st.sampled_from(["M1", "M2", "M3"])),
                min_size=1, max_size=20))
def test_loading_the_same_files_twice_gives_identical_results(rows) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        members = load_members(members_file(base))
        order_rows = [order_row(f"O{i}", member=m, amount=str(a), paid=t, status="refunded" if r else "paid",
                                refunded=t if r else "") for i, (a, t, r, m) in enumerate(rows)]
        path = write_csv(base / "orders.csv", ORDER_FIELDS, order_rows)
        first, second = load_orders(path, members), load_orders(path, load_members(members_file(base)))
        assert first == second
        assert [o.amount_cents for o in first] == [a for a, *_ in rows]


def orders_of(tmp_path: Path, rows: list[tuple[str, ...]], members=None) -> pytest.ExceptionInfo[BadFile]:
    path = write_csv(tmp_path / "orders.csv", ORDER_FIELDS, rows)
    with pytest.raises(BadFile) as exc:
        load_orders(path, members or load_members(members_file(tmp_path)))
    return exc


def test_amounts_above_the_per_order_bound_are_bad_rows_naming_the_bound(tmp_path: Path) -> None:
    huge = [2**62, 2**63, 2**256, 10**40, 10**1000]
    exc = orders_of(tmp_path, [order_row("O0", amount="1000000000")]
                    + [order_row(f"O{i}", amount=str(a)) for i, a in enumerate(huge, start=1)])
    assert bad_rows(exc) == [(line, "amount_cents") for line in range(3, 8)]
    assert str(exc.value.rows[0]) == (f"{tmp_path / 'orders.csv'}:3: amount_cents: 4611686018427387904 is above "
                                      "the bound 1000000000 (¥10,000,000.00 per order)")
    assert exc.value.rows[-1].reason == ("a number of 1001 digits is above the bound 1000000000 "
                                         "(¥10,000,000.00 per order)")
    exc = orders_of(tmp_path, [order_row(amount="9" * 1025)])
    assert bad_rows(exc) == [(2, "amount_cents")]
    assert exc.value.rows[0].reason == "1025 characters, above the bound of 1024"


def test_json_lines_amounts_above_the_bound_are_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    lines = [dict(zip(ORDER_FIELDS, order_row(f"O{i}"), strict=True), amount_cents=a)
             for i, a in enumerate([2**62, 2**256])]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_orders(path, load_members(members_file(tmp_path)))
    assert bad_rows(exc) == [(1, "amount_cents"), (2, "amount_cents")]
    assert "is above the bound 1000000000" in exc.value.rows[1].reason


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                  "1999-12-31T23:59:59+00:00", "2101-01-01T09:00:00+08:00"])
def test_times_outside_2000_to_2100_are_bad_rows_not_overflows(tmp_path: Path, when: str) -> None:
    rows = [*MEMBERS[:2], ("M3", CAROL, "", when)]
    with pytest.raises(BadFile) as exc:
        load_members(members_file(tmp_path, rows))
    assert bad_rows(exc) == [(4, "joined_at")] and "outside the bound" in exc.value.rows[0].reason
    exc = orders_of(tmp_path, [order_row(paid=when)])
    assert bad_rows(exc) == [(2, "paid_at")]


def test_ids_longer_than_the_mirror_columns_are_refused(tmp_path: Path) -> None:
    members_file(tmp_path)
    exc = orders_of(tmp_path, [order_row("O" * 128), order_row("O" * 129), order_row("O2", product="P" * 129),
                               order_row("O3", group="G" * 129),
                               order_row("O4", paid="2026-11-02T10:00:00+08:00" + "0" * 16)])
    assert bad_rows(exc) == [(3, "order_id"), (4, "product_id"), (5, "group_id"), (6, "paid_at")]
    assert exc.value.rows[0].reason == "129 characters, above the bound of 128"
    assert exc.value.rows[3].reason == "41 characters, above the bound of 40"


def test_a_csv_field_above_the_field_limit_is_a_bad_row_with_its_line(tmp_path: Path) -> None:
    members_file(tmp_path)
    exc = orders_of(tmp_path, [order_row("O1"), order_row("O2", product='"' + "x" * 131_073 + '"')])
    assert bad_rows(exc) == [(3, "row")]
    assert "line longer than the bound of 8192 characters" in exc.value.rows[0].reason
    exc = orders_of(tmp_path, [order_row("O1"), order_row("O2", product='"' + "x\n" * 600 + '"')])
    assert bad_rows(exc) == [(3, "product_id")]  # a quoted field over several lines: named, on its first line
    assert exc.value.rows[0].reason == "1199 characters, above the bound of 128"  # stripped of its last line break
    exc = orders_of(tmp_path, [order_row("O1"), order_row("O2", product='"' + "x\n" * 4200 + '"')])
    assert bad_rows(exc) == [(3 + 8192 // 2, "row")]  # where the field passed the csv module's cap
    assert "a field longer than the bound of 8192 characters" in exc.value.rows[0].reason


def test_an_endless_json_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "members.jsonl"
    first = json.dumps(dict(zip(MEMBER_FIELDS, MEMBERS[0], strict=True)))
    path.write_text(first + "\n" + "[" * 10_000_000, encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_members(path)
    assert bad_rows(exc) == [(2, "row")] and "8192" in exc.value.rows[0].reason


def test_deep_or_oversized_json_lines_are_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "members.jsonl"
    good = json.dumps(dict(zip(MEMBER_FIELDS, MEMBERS[0], strict=True)))
    deep = "[" * 65 + "]" * 65
    many_digits = '{"member_id": ' + "9" * 5000 + "}"
    path.write_text("\n".join([good, deep, "[" * 4000, many_digits, '{"member_id": "M9", "address": 1e999}']) + "\n",
                    encoding="utf-8")
    with pytest.raises(BadFile) as exc:
        load_members(path)
    assert [line for line, _ in bad_rows(exc)] == [2, 3, 4, 5]
    assert "nested deeper than 64 levels" in exc.value.rows[0].reason
    assert "4300 digits" in exc.value.rows[2].reason
