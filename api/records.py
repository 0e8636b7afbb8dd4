"""Signed payout records: accepting the exact file whose hash the PayoutLedger published, or publishing one.

Checked before anything is stored: canonical form, the Ed25519 signature by one of the admin keys, the
record hash against the on-chain one, every Merkle proof and the root against the on-chain root, the Merkle
sum tree, and the pool arithmetic against the figures of the DistributionPublished event
(governance.payout_record). Each member's row keeps their salt and sum proof, the record its public record.
"""
from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.models import Distribution, PayoutProof, PayoutRecord
from chain.errors import TransactionReverted
from chain.ledger import Ledger
from chain.system import Linli
from governance.bounded_json import check_depth
from governance.errors import BadInput, VerificationError
from governance.payout_record import SignedRecord, verify_record
from governance.public_record import PublicRecord
from governance.record_sum import sum_proofs


class RecordRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def parse_record(body: bytes, *, admin_keys: dict[str, str], period_text: str) -> SignedRecord:
    """The record file, in canonical form, for `period_text`, signed by one of the admin keys. Its nesting is
    bounded before it is decoded, whatever Content-Type it came with (api.limits checks only JSON ones)."""
    try:
        check_depth(body, what="payout record")
        record = SignedRecord.from_bytes(body)
    except (BadInput, VerificationError) as exc:
        raise RecordRefused(422, str(exc)) from None
    if record.content.get("period") != period_text:
        raise RecordRefused(422, f"the record is for period {record.content.get('period')!r}, not {period_text}")
    if record.public_key.removeprefix("0x") not in admin_keys.values():
        raise RecordRefused(422, f"the record is signed by {record.public_key}, which is not an admin key")
    return record


def accept_record(session: Session, *, distribution: Distribution, body: bytes, admin_keys: dict[str, str],
                  uploaded_by: str, period_text: str) -> SignedRecord:
    record = parse_record(body, admin_keys=admin_keys, period_text=period_text)
    if record.record_hash != distribution.record_hash:
        raise RecordRefused(409, f"record hash {record.record_hash} differs from the hash published on chain "
                                 f"{distribution.record_hash}")
    try:
        verify_record(record, onchain_root=distribution.merkle_root, onchain_record_hash=distribution.record_hash,
                      rate_bps=distribution.pool_rate_bps, target_cents=distribution.target_cents)
    except VerificationError as exc:
        raise RecordRefused(422, str(exc)) from None
    content = record.content
    if content["gmv_cents"] != distribution.gmv_cents or content["pool_cents"] != distribution.pool_cents:
        raise RecordRefused(422, "the record's GMV or pool differs from the published figures")
    store_record(session, period=distribution.period, record=record, body=body, uploaded_by=uploaded_by)
    return record


def publish_record(session: Session, linli: Linli, *, period: int, body: bytes, admin_keys: dict[str, str],
                   uploaded_by: str, period_text: str) -> tuple[SignedRecord, str]:
    """Publish an admin-signed record's root, hash and totals on the PayoutLedger (the API's key must hold
    PUBLISHER_ROLE), then keep the record; the chain checks the pool against the rule book in force."""
    record = parse_record(body, admin_keys=admin_keys, period_text=period_text)
    try:
        verify_record(record)
    except VerificationError as exc:
        raise RecordRefused(422, str(exc)) from None
    ledger, content = Ledger(linli), record.content
    if ledger.is_published(period_text):
        raise RecordRefused(409, f"{period_text} is already published on chain (the ledger is append-only)")
    try:
        receipt = ledger.publish(
            period_text, gmv_cents=content["gmv_cents"], pool_cents=content["pool_cents"],
            member_count=len(content["members"]), merkle_root=bytes.fromhex(content["merkle_root"][2:]),
            record_hash=bytes.fromhex(record.record_hash[2:]),
        )
    except TransactionReverted as exc:
        raise RecordRefused(409, f"the PayoutLedger refused the publication: {exc}") from None
    store_record(session, period=period, record=record, body=body, uploaded_by=uploaded_by)
    return record, receipt["transactionHash"].to_0x_hex()


def store_record(session: Session, *, period: int, record: SignedRecord, body: bytes, uploaded_by: str) -> None:
    """Keep the file byte for byte, its public record, and one row per member with both proofs and the salt
    (replacing an earlier upload). The record was verified, its sum tree included, before it gets here."""
    content = record.content
    has_sums = "sum_root" in content
    sums: list[list[dict[str, Any]] | None] = [*sum_proofs(content)] if has_sums else [None] * len(content["members"])
    session.execute(delete(PayoutProof).where(PayoutProof.period == period))
    session.execute(delete(PayoutRecord).where(PayoutRecord.period == period))
    session.flush()
    session.add(PayoutRecord(period=period, record_hash=record.record_hash, body=body.decode("utf-8"),
                             uploaded_by=uploaded_by, uploaded_at=int(time.time()),
                             public_body=PublicRecord.of(record).to_bytes().decode() if has_sums else None))
    session.flush()
    session.add_all(
        PayoutProof(period=period, address=m["address"], member_id=m["member_id"], payout_cents=m["payout_cents"],
                    proof=json.dumps(m["proof"]), salt=m.get("salt"),
                    sum_proof=None if steps is None else json.dumps(steps))
        for m, steps in zip(content["members"], sums, strict=True)
    )
