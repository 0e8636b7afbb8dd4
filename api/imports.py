"""Admin imports of the co-op's off-chain data (docs/data-formats.md "Members, orders and activities"), through the same
loaders as the month close, so a file with any bad row is refused whole and changes nothing.

An import reports what it changes: rows `inserted` (a new id) and `replaced` (an id already imported, whose
row the file overwrites); a dry run checks and counts exactly the same way, then changes nothing. A member
address belongs to one member id for good: a file giving an address another member id already holds is
refused, naming the row and both ids.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.models import ImportedMember, ImportedOrder
from governance.bounded_json import MAX_DEPTH, check_depth
from governance.errors import BadInput
from governance.loading import load_members, load_orders
from governance.models import Member, MemberId

SUFFIX = {"csv": ".csv", "jsonl": ".jsonl"}
IN_CHUNK = 500  # ids per `IN (...)` query: far below every backend's bound on bound parameters


@dataclass(frozen=True, slots=True)
class ImportCounts:
    inserted: int
    replaced: int

    @property
    def rows(self) -> int:
        return self.inserted + self.replaced


def _iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601, one fixed format, so text comparison in SQL is time order."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _staged(body: IO[bytes], fmt: str, name: str, max_depth: int) -> Path:
    """The body as a named file for the loaders (which read paths), copied in chunks, never whole in memory.
    Each JSON line's nesting is checked on the way, before any decoder sees it."""
    # closed by the `with handle` below; opened first so the path is known to the cleanup on failure
    handle = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=SUFFIX[fmt], delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle:
            if fmt == "jsonl":
                for number, line in enumerate(body, start=1):
                    check_depth(line, max_depth=max_depth, what=f"{name} line {number}")
                    handle.write(line)
            else:
                shutil.copyfileobj(body, handle)
    except BadInput:
        path.unlink(missing_ok=True)
        raise
    return path


def _existing(session: Session, column: InstrumentedAttribute[str], ids: Iterable[str]) -> set[str]:
    """The ids among `ids` that are already stored in `column`."""
    wanted, found = list(ids), set[str]()
    for start in range(0, len(wanted), IN_CHUNK):
        found.update(session.scalars(select(column).where(column.in_(wanted[start:start + IN_CHUNK]))))
    return found


def _holders(session: Session, addresses: list[str]) -> Iterator[tuple[str, str]]:
    """(address, member_id) of stored members holding any of `addresses`."""
    for start in range(0, len(addresses), IN_CHUNK):
        chunk = addresses[start:start + IN_CHUNK]
        yield from session.execute(select(ImportedMember.address, ImportedMember.member_id)
                                   .where(ImportedMember.address.in_(chunk))).all()


def import_members(session: Session, body: IO[bytes], fmt: str, *, dry_run: bool = False,
                   max_depth: int = MAX_DEPTH) -> ImportCounts:
    """Upsert members by member_id; referrers must be in the same file (the loader checks the tree)."""
    path = _staged(body, fmt, "members", max_depth)
    try:
        members = load_members(path, name=f"members upload ({fmt})")
    finally:
        path.unlink(missing_ok=True)
    rows = {m.address: (number, m) for number, m in enumerate(members.values(), start=1)}
    for address, held_by in _holders(session, list(rows)):
        number, member = rows[address]
        if held_by != member.member_id:
            raise BadInput(f"members row {number} (member_id {member.member_id!r}): address {address} already "
                           f"belongs to member_id {held_by!r}; an address stays with one member id")
    known = _existing(session, ImportedMember.member_id, members)
    if not dry_run:
        for m in members.values():
            row = ImportedMember(member_id=m.member_id, address=m.address, referrer_id=m.referrer_id,
                                 joined_at=_iso(m.joined_at))
            if m.member_id in known:
                session.merge(row)
            else:
                session.add(row)
    return ImportCounts(inserted=len(members) - len(known), replaced=len(known))


def import_orders(session: Session, body: IO[bytes], fmt: str, *, dry_run: bool = False,
                  max_depth: int = MAX_DEPTH) -> ImportCounts:
    """Upsert orders by order_id; every buyer must be an imported member."""
    known_members = {
        MemberId(r.member_id): Member(MemberId(r.member_id), r.address, None, datetime.fromisoformat(r.joined_at))
        for r in session.scalars(select(ImportedMember))
    }
    path = _staged(body, fmt, "orders", max_depth)
    try:
        orders = load_orders(path, known_members, name=f"orders upload ({fmt})")
    finally:
        path.unlink(missing_ok=True)
    known = _existing(session, ImportedOrder.order_id, (o.order_id for o in orders))
    if not dry_run:
        for o in orders:
            row = ImportedOrder(
                order_id=o.order_id, member_id=o.member_id, amount_cents=o.amount_cents, paid_at=_iso(o.paid_at),
                status=o.status.value, refunded_at=_iso(o.refunded_at), product_id=o.product_id,
                group_id=o.group_id)
            if o.order_id in known:
                session.merge(row)
            else:
                session.add(row)
    return ImportCounts(inserted=len(orders) - len(known), replaced=len(known))
