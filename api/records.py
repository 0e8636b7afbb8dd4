"""Accepting a signed payout record: only the exact file whose hash the PayoutLedger published.

Checked before anything is stored: canonical form, the Ed25519 signature by one of the admin keys, the
record hash against the on-chain one, every Merkle proof and the root against the on-chain root, and the
pool arithmetic against the figures of the DistributionPublished event (governance.payout_record).
"""
from __future__ import annotations

import json
import time

from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.models import Distribution, PayoutProof, PayoutRecord
from governance.errors import VerificationError
from governance.payout_record import SignedRecord, verify_record


class RecordRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def accept_record(session: Session, *, distribution: Distribution, body: bytes, admin_keys: dict[str, str],
                  uploaded_by: str, period_text: str) -> SignedRecord:
    try:
        record = SignedRecord.from_bytes(body)
    except VerificationError as exc:
        raise RecordRefused(422, str(exc)) from None
    if record.content.get("period") != period_text:
        raise RecordRefused(422, f"the record is for period {record.content.get('period')!r}, not {period_text}")
    if record.public_key.removeprefix("0x") not in admin_keys.values():
        raise RecordRefused(422, f"the record is signed by {record.public_key}, which is not an admin key")
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
    session.execute(delete(PayoutProof).where(PayoutProof.period == distribution.period))
    session.execute(delete(PayoutRecord).where(PayoutRecord.period == distribution.period))
    session.flush()
    session.add(PayoutRecord(period=distribution.period, record_hash=record.record_hash, body=body.decode("utf-8"),
                             uploaded_by=uploaded_by, uploaded_at=int(time.time())))
    session.flush()
    session.add_all(
        PayoutProof(period=distribution.period, address=m["address"], member_id=m["member_id"],
                    payout_cents=m["payout_cents"], proof=json.dumps(m["proof"]))
        for m in content["members"]
    )
    return record
