from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException

from api import queries, schemas
from api.deps import Address, PagingDep, PeriodNumber, SessionDep, period_text
from api.models import Distribution

router = APIRouter(prefix="/distributions", tags=["distributions"])


def _public(session: SessionDep, row: Distribution) -> schemas.DistributionPublic:
    record = queries.payout_record(session=session, period=row.period)
    return schemas.DistributionPublic(
        period=period_text(row.period), merkle_root=row.merkle_root, record_hash=row.record_hash,
        gmv_cents=row.gmv_cents, target_cents=row.target_cents, pool_rate_bps=row.pool_rate_bps,
        pool_cents=row.pool_cents, member_count=row.member_count, block_number=row.block_number,
        timestamp=row.timestamp, tx_hash=row.tx_hash,
        record_available=record is not None and record.record_hash == row.record_hash,
    )


@router.get("", response_model=list[schemas.DistributionPublic])
def read_distributions(session: SessionDep, paging: PagingDep) -> list[schemas.DistributionPublic]:
    """Published months, newest first."""
    page = queries.distributions(session=session, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return [_public(session, d) for d in page.items]


@router.get("/{period}", response_model=schemas.DistributionPublic)
def read_distribution(period: PeriodNumber, session: SessionDep) -> schemas.DistributionPublic:
    found = queries.distribution(session=session, period=period)
    if found is None:
        raise HTTPException(status_code=404, detail=f"{period_text(period)} is not published on chain (or not "
                                                    "indexed yet)")
    return _public(session, found)


@router.get("/{period}/proofs/{address}", response_model=schemas.ProofPublic)
def read_proof(period: PeriodNumber, address: Address, session: SessionDep) -> schemas.ProofPublic:
    """A member's payout and Merkle proof, from the signed record whose hash is on chain; check it with
    PayoutLedger.verify(period, address, payout_cents, proof) or `linli verify`."""
    found = queries.distribution(session=session, period=period)
    if found is None:
        raise HTTPException(status_code=404, detail=f"{period_text(period)} is not published on chain (or not "
                                                    "indexed yet)")
    record = queries.payout_record(session=session, period=period)
    if record is None or record.record_hash != found.record_hash:
        raise HTTPException(status_code=404, detail=f"the signed payout record of {period_text(period)} has not "
                                                    "been uploaded yet")
    proof = queries.payout_proof(session=session, period=period, address=address)
    if proof is None:
        raise HTTPException(status_code=404, detail=f"{address} has no payout in {period_text(period)}")
    return schemas.ProofPublic(
        period=period_text(period), address=address, member_id=proof.member_id, payout_cents=proof.payout_cents,
        proof=json.loads(proof.proof), merkle_root=found.merkle_root, record_hash=found.record_hash,
    )
