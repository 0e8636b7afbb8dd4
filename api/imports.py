"""Admin imports of the co-op's off-chain data (DESIGN.md "data the co-op imports"), through the same
loaders as the month close, so a file with any bad row is refused whole and changes nothing."""
from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import ImportedMember, ImportedOrder
from governance.loading import load_members, load_orders
from governance.models import Member, MemberId

SUFFIX = {"csv": ".csv", "jsonl": ".jsonl"}


def _iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601, one fixed format, so text comparison in SQL is time order."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _staged(body: bytes, fmt: str, name: str) -> Path:
    handle = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=SUFFIX[fmt], delete=False)
    with handle:
        handle.write(body)
    return Path(handle.name)


def import_members(session: Session, body: bytes, fmt: str) -> int:
    """Upsert members by member_id; referrers must be in the same file (the loader checks the tree)."""
    path = _staged(body, fmt, "members")
    try:
        members = load_members(path)
    finally:
        path.unlink(missing_ok=True)
    for m in members.values():
        session.merge(ImportedMember(member_id=m.member_id, address=m.address, referrer_id=m.referrer_id,
                                     joined_at=_iso(m.joined_at)))
    return len(members)


def import_orders(session: Session, body: bytes, fmt: str) -> int:
    """Upsert orders by order_id; every buyer must be an imported member."""
    known = {
        MemberId(r.member_id): Member(MemberId(r.member_id), r.address, None, datetime.fromisoformat(r.joined_at))
        for r in session.scalars(select(ImportedMember))
    }
    path = _staged(body, fmt, "orders")
    try:
        orders = load_orders(path, known)
    finally:
        path.unlink(missing_ok=True)
    for o in orders:
        session.merge(ImportedOrder(
            order_id=o.order_id, member_id=o.member_id, amount_cents=o.amount_cents, paid_at=_iso(o.paid_at),
            status=o.status.value, refunded_at=_iso(o.refunded_at), product_id=o.product_id, group_id=o.group_id,
        ))
    return len(orders)
