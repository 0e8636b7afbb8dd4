"""Import the co-op's members, orders and activities (docs/data-formats.md "Members, orders and activities").

Each file is CSV with a header row or JSON Lines with the same field names, UTF-8. Every row is checked
and every bad row is collected; a file with any bad row raises `BadFile` and nothing from it is used.
Line numbers are the ones a person sees in an editor (a CSV header is line 1).

Times must carry an offset and are stored in UTC (one shared tzinfo keeps a million orders small);
addresses are stored EIP-55 checksummed. Every value is held to `governance.bounds` (amounts, years, lengths
of ids, fields and lines), so what is loaded fits the mirror's columns and the contracts.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO, TypeVar

from cchecksum import to_checksum_address as _eip55

from governance import bounded_json
from governance.bounds import (
    MAX_ID_CHARS, MAX_LINE_CHARS, MAX_NUMBER_CHARS, MAX_TIME_CHARS, OutOfBounds, check_field, check_order_cents,
    check_time,
)
from governance.errors import BadFile, BadInput, BadRow
from governance.gcpause import paused_gc
from governance.models import Activity, ActivityKind, Cents, Member, MemberId, Order, OrderStatus

MEMBER_FIELDS = ("member_id", "address", "referrer_id", "joined_at")
ORDER_FIELDS = ("order_id", "member_id", "amount_cents", "paid_at", "status", "refunded_at", "product_id",
                "group_id")
ACTIVITY_FIELDS = ("activity_id", "member_id", "kind", "at", "ref", "rating")
_OPTIONAL = {"referrer_id", "refunded_at", "group_id", "ref", "rating"}
_CHARS = {"joined_at": MAX_TIME_CHARS, "paid_at": MAX_TIME_CHARS, "refunded_at": MAX_TIME_CHARS,
          "at": MAX_TIME_CHARS, "amount_cents": MAX_NUMBER_CHARS, "rating": MAX_NUMBER_CHARS}
"""Longest text of each field; every other field (ids, ref, address, status, kind) has MAX_ID_CHARS."""

_WHOLE = re.compile(r"-?[0-9]+\Z")
_HEX = frozenset("0123456789abcdefABCDEF")
_STATUSES = {s.value: s for s in OrderStatus}
_KINDS = {k.value: k for k in ActivityKind}

Row = dict[str, object]
T = TypeVar("T")

csv.field_size_limit(MAX_LINE_CHARS)  # process-wide: every CSV Linli reads is one of these files


@dataclass(frozen=True, slots=True)
class CoopData:
    """Everything one month close reads: members by id (file order), orders and activities (file order)."""

    members: Mapping[MemberId, Member]
    orders: tuple[Order, ...]
    activities: tuple[Activity, ...]


class _Bad(Exception):
    """One field of one row is unusable; turned into a BadRow with the file and line."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def load_coop(members: Path | str, orders: Path | str, activities: Path | str) -> CoopData:
    """Load all three files; the first file with a bad row stops the import."""
    with paused_gc():
        by_id = load_members(members)
        order_rows = load_orders(orders, by_id)
        return CoopData(by_id, order_rows, load_activities(activities, by_id, order_rows))


def load_members(path: Path | str, *, name: str | None = None) -> dict[MemberId, Member]:
    """Members by id, checking ids, addresses, join times and referrers (known, not oneself, joined
    earlier, no cycles). Errors name the file as `name` (default: its path)."""
    name = name or str(path)
    bad: list[BadRow] = []
    parsed: list[tuple[int, Member]] = []
    for line, row in _rows(path, MEMBER_FIELDS, bad, name):
        try:
            parsed.append((line, Member(
                member_id=MemberId(_required(row, "member_id")),
                address=_address(row),
                referrer_id=MemberId(_text(row, "referrer_id")) or None,
                joined_at=_time(row, "joined_at"),
            )))
        except _Bad as exc:
            bad.append(BadRow(name, line, exc.field, exc.reason))
    members: dict[MemberId, Member] = {}
    lines: dict[MemberId, int] = {}
    owner_of_address: dict[str, MemberId] = {}
    for line, member in parsed:
        if member.member_id in members:
            bad.append(BadRow(name, line, "member_id",
                              f"duplicate member_id {member.member_id!r} (first on line {lines[member.member_id]})"))
            continue
        if member.address in owner_of_address:
            owner = owner_of_address[member.address]
            bad.append(BadRow(name, line, "address", f"address {member.address} of member {member.member_id!r} "
                                                      f"already belongs to member {owner!r}"))
            continue
        members[member.member_id] = member
        lines[member.member_id] = line
        owner_of_address[member.address] = member.member_id
    for member_id, member in members.items():
        if member.referrer_id is None:
            continue
        if member.referrer_id == member_id:
            bad.append(BadRow(name, lines[member_id], "referrer_id", "a member cannot refer themselves"))
        elif member.referrer_id not in members:
            bad.append(BadRow(name, lines[member_id], "referrer_id",
                              f"unknown referrer {member.referrer_id!r}: add that member or leave it empty"))
        elif members[member.referrer_id].joined_at > member.joined_at:
            bad.append(BadRow(name, lines[member_id], "referrer_id",
                              f"referrer {member.referrer_id!r} joined after this member: a referrer joins first"))
    for member_id in _referral_cycles(members):
        if members[member_id].referrer_id != member_id:  # a self-referral is reported above
            bad.append(BadRow(name, lines[member_id], "referrer_id",
                              f"referral cycle through {member_id!r}: a referrer must have joined before"))
    _refuse_if_bad(name, bad)
    return members


def load_orders(path: Path | str, members: Mapping[MemberId, Member], *, name: str | None = None
                ) -> tuple[Order, ...]:
    """Orders, checking buyer, amount, times, status and refund consistency, and unique order ids. Errors name
    the file as `name` (default: its path)."""
    name = name or str(path)
    bad: list[BadRow] = []
    orders: list[Order] = []
    first_line: dict[str, int] = {}
    interned: dict[str, str] = {}
    for line, row in _rows(path, ORDER_FIELDS, bad, name):
        try:
            order_id = _required(row, "order_id")
            if order_id in first_line:
                raise _Bad("order_id", f"duplicate order_id {order_id!r} (first on line {first_line[order_id]})")
            buyer = _member(row, members)
            amount = _amount(row, "amount_cents")
            paid_at = _time(row, "paid_at")
            status = _choice(row, "status", _STATUSES)
            refunded_at = _time(row, "refunded_at") if _text(row, "refunded_at") else None
            if status is OrderStatus.REFUNDED and refunded_at is None:
                raise _Bad("refunded_at", "a refunded order needs refunded_at (when the money went back)")
            if status is OrderStatus.PAID and refunded_at is not None:
                raise _Bad("refunded_at", "a paid order has no refunded_at: set status to 'refunded' or clear it")
            if refunded_at is not None and refunded_at < paid_at:
                raise _Bad("refunded_at", f"refund at {refunded_at.isoformat()} is before payment at "
                                          f"{paid_at.isoformat()}")
            product = _required(row, "product_id")
            group = _text(row, "group_id")
            first_line[order_id] = line
            orders.append(Order(
                order_id=order_id, member_id=buyer, amount_cents=Cents(amount), paid_at=paid_at, status=status,
                refunded_at=refunded_at, product_id=interned.setdefault(product, product),
                group_id=interned.setdefault(group, group) if group else None,
            ))
        except _Bad as exc:
            bad.append(BadRow(name, line, exc.field, exc.reason))
    _refuse_if_bad(name, bad)
    return tuple(orders)


def load_activities(path: Path | str, members: Mapping[MemberId, Member],
                    orders: tuple[Order, ...] | None = None) -> tuple[Activity, ...]:
    """Activities, checking member, kind, time, rating 1..5, and (given orders) that a review's `ref`
    names an order of the same member."""
    name = str(path)
    buyer_of = {o.order_id: o.member_id for o in orders} if orders is not None else None
    bad: list[BadRow] = []
    activities: list[Activity] = []
    first_line: dict[str, int] = {}
    for line, row in _rows(path, ACTIVITY_FIELDS, bad, name):
        try:
            activity_id = _required(row, "activity_id")
            if activity_id in first_line:
                raise _Bad("activity_id",
                           f"duplicate activity_id {activity_id!r} (first on line {first_line[activity_id]})")
            member_id = _member(row, members)
            kind = _choice(row, "kind", _KINDS)
            at = _time(row, "at")
            ref = _text(row, "ref") or None
            if kind is ActivityKind.REVIEW and buyer_of is not None:
                if ref is None:
                    raise _Bad("ref", "a review needs ref = the reviewed order_id")
                if buyer_of.get(ref) != member_id:
                    raise _Bad("ref", f"review of order {ref!r}, which is not an order of {member_id!r}")
            rating_text = _text(row, "rating")
            rating = None
            if rating_text:
                rating = _int(rating_text, "rating")
                if not 1 <= rating <= 5:
                    raise _Bad("rating", f"rating {rating} is outside 1..5")
            first_line[activity_id] = line
            activities.append(Activity(activity_id, member_id, kind, at, ref, rating))
        except _Bad as exc:
            bad.append(BadRow(name, line, exc.field, exc.reason))
    _refuse_if_bad(name, bad)
    return tuple(activities)


def checksum_address(text: str) -> str:
    """EIP-55 form of `0x` + 40 hex digits given lower-case (or upper-case) or already checksummed.

    The checksum comes from cchecksum, the C implementation brownie already installs (no web3): loading
    100,000 members spends most of its time here, and hashing and recasing each address in Python made
    that load about 2.9x slower (benchmarks/member_loading.py)."""
    if len(text) != 42 or not text.startswith("0x") or not _HEX.issuperset(text[2:]):
        raise BadInput(f"{text!r} is not an address: expected 0x followed by 40 hex digits")
    checksummed = _eip55(text)
    body = text[2:]
    if body != checksummed[2:] and body not in (body.lower(), body.upper()):
        raise BadInput(f"{text!r} has a wrong EIP-55 checksum: re-copy it or write it in lower case")
    return checksummed


def _rows(path: Path | str, fields: tuple[str, ...], bad: list[BadRow], name: str) -> Iterator[tuple[int, Row]]:
    """Rows as dicts with the user-visible line number; structural problems are appended to `bad`, the file
    named `name`. Undecodable bytes become surrogates (`surrogateescape`), so the field holding them is
    refused naming its line and column (`check_field`) instead of the whole file at a byte offset."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    reader = _jsonl_rows if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else _csv_rows
    try:
        with handle:
            yield from reader(_lines(handle), name, fields, bad)
    except _LongLine as exc:
        bad.append(BadRow(name, exc.line, "row", f"line longer than the bound of {MAX_LINE_CHARS} "
                                                      "characters (reading stopped there)"))


class _LongLine(Exception):
    """A physical line above MAX_LINE_CHARS; the file is not read further."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _lines(handle: TextIO) -> Iterator[str]:
    """The file's physical lines, each read at most MAX_LINE_CHARS (+ its line break) at a time, so a file
    that is one endless line never sits in memory whole."""
    readline = handle.readline
    number = 0
    while text := readline(MAX_LINE_CHARS + 2):
        number += 1
        if len(text.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise _LongLine(number)
        yield text


def _csv_rows(lines: Iterator[str], name: str, fields: tuple[str, ...], bad: list[BadRow]
              ) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            bad.append(BadRow(name, 1, "header", f"empty file: expected a header row {','.join(fields)}"))
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        if not _header_ok(name, header, fields, bad):
            return
        width = len(header)
        end = reader.line_num
        for values in reader:
            line, end = end + 1, reader.line_num
            if not values:
                continue
            if len(values) != width:
                bad.append(BadRow(name, line, "row", f"expected {width} fields, found {len(values)}"))
                continue
            yield line, dict(zip(header, values, strict=True))
    except csv.Error as exc:  # the csv module stops at the first such error: so does the import
        reason = (f"a field longer than the bound of {MAX_LINE_CHARS} characters" if "field limit" in str(exc)
                  else f"not CSV: {exc}")
        bad.append(BadRow(name, reader.line_num, "row", f"{reason} (reading stopped there)"))


def _jsonl_rows(lines: Iterator[str], name: str, fields: tuple[str, ...], bad: list[BadRow]
                ) -> Iterator[tuple[int, Row]]:
    allowed = set(fields)
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = bounded_json.loads(text, what="line")
        except ValueError as exc:  # BadInput, or int()'s digit limit, which json.loads raises as ValueError
            bad.append(BadRow(name, line, "row", str(exc) if isinstance(exc, BadInput) else f"line: {exc}"))
            continue
        if not isinstance(row, dict):
            bad.append(BadRow(name, line, "row", "each line must be one JSON object"))
            continue
        unknown = sorted(set(row) - allowed)
        if unknown:
            bad.append(BadRow(name, line, unknown[0][:MAX_ID_CHARS],
                              f"unknown field; expected only {', '.join(fields)}"))
            continue
        yield line, row


def _header_ok(name: str, header: list[str], fields: tuple[str, ...], bad: list[BadRow]) -> bool:
    found = len(bad)
    for column in header:
        if column not in fields:
            bad.append(BadRow(name, 1, column[:MAX_ID_CHARS] or "header",
                              f"unknown column; expected {', '.join(fields)}"))
    for column in fields:
        if column not in header and column not in _OPTIONAL:
            bad.append(BadRow(name, 1, column, "missing column"))
    if len(set(header)) != len(header):
        bad.append(BadRow(name, 1, "header", "a column appears twice"))
    return len(bad) == found


def _text(row: Row, field: str) -> str:
    value = row.get(field)
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        raise _Bad(field, f"expected text, found {type(value).__name__}")
    try:
        return check_field(text, _CHARS.get(field, MAX_ID_CHARS))
    except OutOfBounds as exc:
        raise _Bad(field, str(exc)) from None


def _required(row: Row, field: str) -> str:
    value = _text(row, field)
    if not value:
        raise _Bad(field, "required, but empty")
    return value


def _address(row: Row) -> str:
    try:
        return checksum_address(_required(row, "address"))
    except BadInput as exc:
        raise _Bad("address", str(exc)) from None


def _member(row: Row, members: Mapping[MemberId, Member]) -> MemberId:
    member_id = _required(row, "member_id")
    member = members.get(MemberId(member_id))
    if member is None:
        raise _Bad("member_id", f"unknown member {member_id!r}: add them to the members file first")
    return member.member_id


def _int(text: str, field: str) -> int:
    if _WHOLE.match(text) is None:
        raise _Bad(field, f"{text!r} is not a whole number")
    return int(text)  # at most MAX_NUMBER_CHARS digits (`_text`): within int()'s own limit


def _amount(row: Row, field: str) -> int:
    """An order amount in whole cents, within `governance.bounds.check_order_cents`."""
    value = row.get(field)
    if isinstance(value, float):
        raise _Bad(field, f"{value!r} is not a whole number of cents")
    number = value if type(value) is int else _int(_text(row, field), field)
    try:
        return check_order_cents(number)
    except OutOfBounds as exc:
        raise _Bad(field, str(exc)) from None


def _choice(row: Row, field: str, options: Mapping[str, T]) -> T:
    value = _text(row, field)
    try:
        return options[value]
    except KeyError:
        raise _Bad(field, f"{value!r} is not one of {', '.join(options)}") from None


def _time(row: Row, field: str) -> datetime:
    text = _text(row, field)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(field, f"{text!r} is not an ISO 8601 time, e.g. 2026-11-03T18:30:00+08:00") from None
    if when.tzinfo is None:
        raise _Bad(field, f"{text!r} has no UTC offset: add one, e.g. +08:00")
    try:
        return check_time(when)
    except OutOfBounds as exc:
        raise _Bad(field, str(exc)) from None


def _referral_cycles(members: Mapping[MemberId, Member]) -> list[MemberId]:
    """Members on a referral cycle (each member has one referrer, so cycles are found by walking up)."""
    state: dict[MemberId, int] = {}  # 1 = on the current walk, 2 = done
    cyclic: list[MemberId] = []
    for start in members:
        walk: list[MemberId] = []
        node: MemberId | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            parent = members[node].referrer_id
            node = parent if parent in members else None
        if node is not None and state[node] == 1:
            cyclic.extend(walk[walk.index(node):])
        for seen in walk:
            state[seen] = 2
    return cyclic


def _refuse_if_bad(name: str, bad: list[BadRow]) -> None:
    if bad:
        raise BadFile(name, sorted(bad, key=lambda r: r.line))
