"""Admin writes. Every route needs an Ed25519-signed request (api.signing) and is rate-limited."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from api import queries, schemas
from api.deps import PeriodNumber, RelayerDep, SettingsDep, WriteSessionDep, period_text
from api.imports import import_members, import_orders
from api.records import RecordRefused, accept_record, publish_record
from api.signing import AdminDep
from governance.errors import BadInput

router = APIRouter(prefix="/admin", tags=["admin"])

SIGNED = {
    401: {"description": "unsigned, tampered, expired or replayed request"},
    403: {"description": "the key id is not an admin key"},
    429: {"description": "rate-limited (see Retry-After)"},
}
RAW_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}}}
Format = Annotated[Literal["csv", "jsonl"], Query(description="body format: CSV with a header row, or JSON Lines")]


@router.post("/members", response_model=schemas.ImportResult, responses=SIGNED, openapi_extra=RAW_BODY)
def post_members(admin: AdminDep, session: WriteSessionDep, format: Format = "csv") -> schemas.ImportResult:
    """Import members (member_id, address, referrer_id, joined_at); a file with a bad row changes nothing."""
    try:
        rows = import_members(session, admin.body, format)
    except BadInput as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    session.commit()
    return schemas.ImportResult(kind="members", rows=rows)


@router.post("/orders", response_model=schemas.ImportResult, responses=SIGNED, openapi_extra=RAW_BODY)
def post_orders(admin: AdminDep, session: WriteSessionDep, format: Format = "csv") -> schemas.ImportResult:
    """Import orders (order_id, member_id, amount_cents, paid_at, status, refunded_at, product_id, group_id)."""
    try:
        rows = import_orders(session, admin.body, format)
    except BadInput as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    session.commit()
    return schemas.ImportResult(kind="orders", rows=rows)


@router.post(
    "/distributions/{period}/record",
    response_model=schemas.RecordAccepted,
    responses={**SIGNED, 409: {"description": "hash differs from the on-chain record hash"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
def post_record(period: PeriodNumber, admin: AdminDep, session: WriteSessionDep, settings: SettingsDep
                ) -> schemas.RecordAccepted:
    """Upload the signed payout record file of a published month (byte for byte, as `linli month close` wrote
    it); accepted only if its hash is the one on chain and every check of `linli verify` passes."""
    distribution = queries.distribution(session=session, period=period)
    if distribution is None:
        raise HTTPException(status_code=404, detail=f"{period_text(period)} is not published on chain (or not "
                                                    "indexed yet): publish first, then upload its record")
    try:
        record = accept_record(session, distribution=distribution, body=admin.body, admin_keys=settings.admin_keys,
                               uploaded_by=admin.key_id, period_text=period_text(period))
    except RecordRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    session.commit()
    return schemas.RecordAccepted(period=period_text(period), record_hash=record.record_hash,
                                  members=len(record.content["members"]))


@router.post(
    "/distributions/{period}/publish",
    response_model=schemas.Published,
    responses={**SIGNED, 409: {"description": "already published, or refused by the PayoutLedger"},
               503: {"description": "no publisher key"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
def post_publish(period: PeriodNumber, admin: AdminDep, session: WriteSessionDep, settings: SettingsDep,
                 linli: RelayerDep) -> schemas.Published:
    """Publish a month from its admin-signed payout record (as `linli month close` writes it): root, record
    hash and totals go on the PayoutLedger from the API's key (LINLI_PRIVATE_KEY, which needs PUBLISHER_ROLE),
    and the record is kept for the proof route. Points are minted by `linli month close`, not here."""
    try:
        record, tx_hash = publish_record(session, linli, period=period, body=admin.body,
                                         admin_keys=settings.admin_keys, uploaded_by=admin.key_id,
                                         period_text=period_text(period))
    except RecordRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    session.commit()
    return schemas.Published(period=period_text(period), record_hash=record.record_hash,
                             members=len(record.content["members"]), tx_hash=tx_hash)
