"""Admin writes, and the reads of personal data only admins may make (the full leaderboard, any member's
record and proofs). Every route needs an Ed25519-signed request (api.signing) and is rate-limited."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import member_queries, queries, schemas
from api.deps import Address, PagingDep, PeriodNumber, RelayerDep, SessionDep, SettingsDep, WriteSessionDep, period_text
from api.queries import Metric, Window
from api.routes.auth import own_data
from api.routes.leaderboard import ranking
from api.routes.members import Member, located
from api.imports import ImportCounts, import_members, import_orders
from api.records import RecordRefused, accept_record, publish_record
from api.settings import Settings
from api.signing import AdminDep, AdminRequest
from governance.bounds import MAX_ID_CHARS
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


@router.get("/leaderboard", response_model=schemas.Leaderboard, responses=SIGNED)
def read_full_leaderboard(
    _admin: AdminDep,
    session: SessionDep,
    paging: PagingDep,
    metric: Annotated[Metric, Query(description="points, sales, orders or new_customers")] = Metric.POINTS,
    window: Annotated[Window, Query(description="imported metrics: day/week/month/year, or all")] = Window.MONTH,
) -> schemas.Leaderboard:
    """Every place of a board with member ids and addresses, any window (the public one stops at the rules'
    size, under display names)."""
    page, window_name, period = ranking(session, metric, window, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    entries = [
        schemas.LeaderboardEntry(rank=paging.offset + i + 1, address=address, member_id=member_id, value=value)
        for i, (member_id, address, value) in enumerate(page.items)
    ]
    return schemas.Leaderboard(window=window_name, metric=metric.value, period=period, total=page.total,
                               entries=entries)


@router.get("/members/{member}", response_model=schemas.Me, responses=SIGNED)
def read_any_member(member: Member, _admin: AdminDep, session: SessionDep) -> schemas.Me:
    """A member's whole record (as GET /me shows it to the member), by address or member id."""
    address = located(session.connection(), member, None, viewer=None, admin=True)[0].address
    return own_data(session, address)


@router.get("/distributions/{period}/proofs/{address}", response_model=schemas.ProofPublic, responses=SIGNED)
def read_any_proof(period: PeriodNumber, address: Address, _admin: AdminDep, session: SessionDep
                   ) -> schemas.ProofPublic:
    """Any member's payout and Merkle proof."""
    try:
        return member_queries.proof(session, period=period, address=address)
    except member_queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.delete("/members/{member_id}", response_model=schemas.Erased,
               responses={**SIGNED, 404: {"description": "the mirror holds nothing under this member id"}})
def erase_member(member_id: Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS)], _admin: AdminDep,
                 session: WriteSessionDep) -> schemas.Erased:
    """Erase a member from the mirror: the imported member, their orders, payout lines (proofs), display name
    and sessions, and the referral links to them. What is on chain (address, points, votes, each month's
    root and record hash) stays: a public chain cannot forget, by design."""
    try:
        erased = member_queries.erase(session, member_id)
    except member_queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    session.commit()
    return erased
