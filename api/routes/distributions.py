from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from api import member_queries, queries, schemas
from api.deps import Address, PagingDep, PeriodNumber, SessionDep, period_text
from api.models import Distribution
from api.sessions import MemberDep

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


@router.get("/{period}/record", response_class=Response,
            responses={200: {"description": "the public record file (linli-public-record/1)",
                             "content": {"application/json": {"schema": {"type": "object"}}}},
                       404: {"description": "not published, or no record with a sum tree uploaded"}})
def read_public_record(period: PeriodNumber, session: SessionDep) -> Response:
    """The month's public record, byte for byte as the admin signed it: totals, roots (Merkle and sum) and the
    record hash, no member's line. Check it with `linli verify --member M --line FILE --record FILE`."""
    found = queries.distribution(session=session, period=period)
    record = queries.payout_record(session=session, period=period)
    if found is None or record is None or record.record_hash != found.record_hash or not record.public_body:
        raise HTTPException(status_code=404, detail=f"no public record of {period_text(period)}: not published, "
                                                    "or its signed record (with a sum tree) is not uploaded yet")
    return Response(content=record.public_body, media_type="application/json")


@router.get("/{period}/proofs/{address}", response_model=schemas.ProofPublic,
            responses={401: {"description": "not signed in"}, 403: {"description": "another member's payout"}})
def read_proof(period: PeriodNumber, address: Address, session: SessionDep, viewer: MemberDep) -> schemas.ProofPublic:
    """The signed-in member's own payout and Merkle proof, from the signed record whose hash is on chain;
    check it with PayoutLedger.verify(period, address, payout_cents, proof) or `linli verify`. Admins read
    anyone's at GET /admin/distributions/{period}/proofs/{address}."""
    if address != viewer:
        raise HTTPException(status_code=403, detail="a payout is shown only to its own member (signed in as "
                                                    f"{viewer})")
    try:
        return member_queries.proof(session, period=period, address=address)
    except member_queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
