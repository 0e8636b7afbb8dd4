"""Admin writes. Every route needs an Ed25519-signed request (api.signing) and is rate-limited."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import queries, schemas
from api.deps import PeriodNumber, RelayerDep, SettingsDep, WriteSessionDep, period_text
from api.imports import ImportCounts, import_members, import_orders
from api.records import RecordRefused, accept_record, publish_record
from api.settings import Settings
from api.signing import AdminDep, AdminRequest
from governance.errors import BadInput

router = APIRouter(prefix="/admin", tags=["admin"])

Responses = dict[int | str, dict[str, Any]]  # FastAPI's `responses=`
SIGNED: Responses = {
    401: {"description": "unsigned, tampered, expired or replayed request"},
    403: {"description": "the key id is not an admin key"},
    429: {"description": "rate-limited (see Retry-After)"},
}
RAW_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}}}
Format = Annotated[Literal["csv", "jsonl"], Query(description="body format: CSV with a header row, or JSON Lines")]
DryRun = Annotated[bool, Query(description="check the file and report the counts; change nothing")]
Importer = Callable[..., ImportCounts]
LIMITED: Responses = {413: {"description": "body over its limit (LINLI_MAX_UPLOAD_BYTES, LINLI_MAX_RECORD_BYTES)"}}
UPLOAD: Responses = {**SIGNED, **LIMITED, 409: {"description": "a concurrent upload changed the same rows"},
          422: {"description": "a bad row, or an address another member id holds"}}


@router.post("/members", response_model=schemas.ImportResult, responses=UPLOAD, openapi_extra=RAW_BODY)
def post_members(admin: AdminDep, session: WriteSessionDep, settings: SettingsDep, format: Format = "csv",
                 dry_run: DryRun = False) -> schemas.ImportResult:
    """Import members (member_id, address, referrer_id, joined_at); a file with a bad row, or giving an address
    that another member id holds, changes nothing. Reports rows inserted and replaced."""
    return _imported("members", import_members, admin, session, settings, format, dry_run)


@router.post("/orders", response_model=schemas.ImportResult, responses=UPLOAD, openapi_extra=RAW_BODY)
def post_orders(admin: AdminDep, session: WriteSessionDep, settings: SettingsDep, format: Format = "csv",
                dry_run: DryRun = False) -> schemas.ImportResult:
    """Import orders (order_id, member_id, amount_cents, paid_at, status, refunded_at, product_id, group_id);
    reports rows inserted and replaced (an order_id imported before is overwritten)."""
    return _imported("orders", import_orders, admin, session, settings, format, dry_run)


def _imported(kind: str, importer: Importer, admin: AdminRequest, session: Session, settings: Settings,
              fmt: str, dry_run: bool) -> schemas.ImportResult:
    try:
        counts = importer(session, admin.body, fmt, dry_run=dry_run, max_depth=settings.max_json_depth)
    except BadInput as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if dry_run:
        session.rollback()
    else:
        try:
            session.commit()
        except IntegrityError:
            raise HTTPException(status_code=409, detail=f"another upload changed the same {kind} meanwhile: "
                                                        "nothing was imported; send the file again") from None
    return schemas.ImportResult(kind=kind, rows=counts.rows, inserted=counts.inserted, replaced=counts.replaced,
                                dry_run=dry_run)


@router.post(
    "/distributions/{period}/record",
    response_model=schemas.RecordAccepted,
    responses={**SIGNED, **LIMITED, 409: {"description": "hash differs from the on-chain record hash"}},
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
        record = accept_record(session, distribution=distribution, body=admin.read(), admin_keys=settings.admin_keys,
                               uploaded_by=admin.key_id, period_text=period_text(period))
    except RecordRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    session.commit()
    return schemas.RecordAccepted(period=period_text(period), record_hash=record.record_hash,
                                  members=len(record.content["members"]))


@router.post(
    "/distributions/{period}/publish",
    response_model=schemas.Published,
    responses={**SIGNED, **LIMITED, 409: {"description": "already published, or refused by the PayoutLedger"},
               503: {"description": "no publisher key"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
def post_publish(period: PeriodNumber, admin: AdminDep, session: WriteSessionDep, settings: SettingsDep,
                 linli: RelayerDep) -> schemas.Published:
    """Publish a month from its admin-signed payout record (as `linli month close` writes it): root, record
    hash and totals go on the PayoutLedger from the API's key (LINLI_PRIVATE_KEY, which needs PUBLISHER_ROLE),
    and the record is kept for the proof route. Points are minted by `linli month close`, not here."""
    try:
        record, tx_hash = publish_record(session, linli, period=period, body=admin.read(),
                                         admin_keys=settings.admin_keys, uploaded_by=admin.key_id,
                                         period_text=period_text(period))
    except RecordRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    session.commit()
    return schemas.Published(period=period_text(period), record_hash=record.record_hash,
                             members=len(record.content["members"]), tx_hash=tx_hash)
