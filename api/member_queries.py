"""Reads and deletes about one member's personal data: public names on the leaderboards, a member's own
payouts and proofs, erasure from the mirror. (api.queries holds the rest of the SQL.)

What the public boards may show comes from the rules' `[leaderboards]` (how many places, which windows). The
API reads its rules in force from the chain's RuleBook, which holds no leaderboard settings, so these are
the defaults of governance.rules, the same as examples/rules.toml: 10 places, day/week/month/year.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from api import queries, schemas
from api.deps import period_text
from api.models import (
    DisplayName, Distribution, ImportedMember, ImportedOrder, MemberSession, PayoutProof, PayoutRecord, SyncState,
)
from governance.rules import LeaderboardRules

BOARD_RULES = LeaderboardRules()
MASK = "邻居·"
"""A member without a display name shows as this and the last four hex digits of their address: derived
from what the chain already shows, never from the member id."""


class NotFound(Exception):
    """One line for a 404."""


def masked_name(address: str) -> str:
    return MASK + address[-4:].lower()


def display_names(session: Session, addresses: Iterable[str]) -> dict[str, str]:
    wanted = list(set(addresses))
    if not wanted:
        return {}
    rows = session.execute(select(DisplayName.address, DisplayName.name).where(DisplayName.address.in_(wanted)))
    return {row.address: row.name for row in rows}


def public_names(session: Session, addresses: list[str]) -> list[str]:
    """Each address's chosen name, else its mask."""
    chosen = display_names(session, addresses)
    return [chosen.get(a, masked_name(a)) for a in addresses]


def set_display_name(session: Session, *, address: str, name: str | None) -> None:
    """`name` None (or empty) goes back to the mask."""
    session.execute(delete(DisplayName).where(DisplayName.address == address))
    if name:
        session.add(DisplayName(address=address, name=name))


def member_id_of(connection: Connection, address: str) -> str | None:
    return connection.scalar(select(ImportedMember.member_id).where(ImportedMember.address == address).limit(1))


def own_row(connection: Connection, address: str) -> queries.MemberRow:
    """The member's row; an address that never held points still has its imported id and payouts."""
    row = queries.member_by_address(connection=connection, address=address)
    if row is not None:
        return row
    payouts = connection.execute(select(PayoutProof.period, PayoutProof.payout_cents)
                                 .where(PayoutProof.address == address).order_by(PayoutProof.period)).tuples()
    now = connection.scalar(select(SyncState.block_timestamp).where(SyncState.id == 1)) or 0
    return queries.MemberRow(address, 0, 0, 0, 0, None, member_id_of(connection, address), now,
                             [(int(p), int(c)) for p, c in payouts])


def proof(session: Session, *, period: int, address: str) -> schemas.ProofPublic:
    """The member's payout and Merkle proof from the signed record whose hash is on chain, or NotFound."""
    found = queries.distribution(session=session, period=period)
    if found is None:
        raise NotFound(f"{period_text(period)} is not published on chain (or not indexed yet)")
    record = queries.payout_record(session=session, period=period)
    if record is None or record.record_hash != found.record_hash:
        raise NotFound(f"the signed payout record of {period_text(period)} has not been uploaded yet")
    line = queries.payout_proof(session=session, period=period, address=address)
    if line is None:
        raise NotFound(f"{address} has no payout in {period_text(period)}")
    public = json.loads(record.public_body)["content"] if record.public_body else {}
    return schemas.ProofPublic(
        period=period_text(period), address=address, member_id=line.member_id, payout_cents=line.payout_cents,
        proof=json.loads(line.proof), merkle_root=found.merkle_root, record_hash=found.record_hash,
        salt=line.salt, sum_proof=json.loads(line.sum_proof) if line.sum_proof else None,
        sum_root=public.get("sum_root"), sum_total_cents=public.get("sum_total_cents"),
    )


def own_proofs(session: Session, address: str) -> list[schemas.ProofPublic]:
    """Every published month whose uploaded record matches the chain and has a line for the address."""
    periods = session.scalars(
        select(PayoutProof.period).join(Distribution, Distribution.period == PayoutProof.period)
        .join(PayoutRecord, PayoutRecord.period == PayoutProof.period)
        .where(PayoutProof.address == address, PayoutRecord.record_hash == Distribution.record_hash)
        .order_by(PayoutProof.period))
    return [proof(session, period=period, address=address) for period in periods]


def commissions(session: Session, address: str, periods: Iterable[int]) -> dict[int, int]:
    """period -> the member's net commission in cents, where the month's record file carries it (records of
    `linli month close` do; hand-made ones may not)."""
    found: dict[int, int] = {}
    for period in periods:
        record = session.get(PayoutRecord, period)
        if record is None:
            continue
        line = _line(json.loads(record.body)["content"], address)
        if line is not None and isinstance(line.get("commission_cents"), int):
            found[period] = line["commission_cents"]
    return found


def _line(content: dict[str, Any], address: str) -> dict[str, Any] | None:
    return next((m for m in content.get("members", []) if m.get("address") == address), None)


def erase(session: Session, member_id: str) -> schemas.Erased:
    """Delete a member's admin data from the mirror: the imported member row, their orders, the link from
    the members they referred, their payout lines (proofs), display name and sessions. Nothing on chain
    changes, nor does the stored signed record file (its hash is on chain)."""
    address = session.scalar(select(ImportedMember.address).where(ImportedMember.member_id == member_id))
    if address is None and session.scalar(select(ImportedOrder.order_id).where(
            ImportedOrder.member_id == member_id).limit(1)) is None and session.scalar(select(PayoutProof.period)
            .where(PayoutProof.member_id == member_id).limit(1)) is None:
        raise NotFound(f"no member with id {member_id!r} in the mirror")
    owned = [PayoutProof.member_id == member_id] + ([PayoutProof.address == address] if address else [])
    counts = {
        "orders": _count(session, delete(ImportedOrder).where(ImportedOrder.member_id == member_id)),
        "payout_lines": sum(_count(session, delete(PayoutProof).where(c)) for c in owned),
        "referrals_unlinked": _count(session, update(ImportedMember).where(ImportedMember.referrer_id == member_id)
                                     .values(referrer_id=None)),
        "sessions": _count(session, delete(MemberSession).where(MemberSession.address == address)) if address else 0,
    }
    named = bool(address) and _count(session, delete(DisplayName).where(DisplayName.address == address)) > 0
    session.execute(delete(ImportedMember).where(ImportedMember.member_id == member_id))
    return schemas.Erased(member_id=member_id, address=address, display_name=named, **counts)


def _count(session: Session, statement: Any) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)
