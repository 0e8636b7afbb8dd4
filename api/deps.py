"""What routes get injected: a session or the read pool, the settings, the chain (for writes), validated path
values."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from eth_utils import to_checksum_address
from fastapi import Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.settings import Settings
from api.columns import MAX_UINT256
from chain.system import Linli
from governance.errors import BadInput
from governance.period import Period


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A read session in autocommit: no BEGIN/ROLLBACK round trips per request (reads only).

    `async` on purpose, like the other cheap dependencies here: FastAPI runs a sync dependency in the
    thread pool, and each such hop costs more than the work (opening a Session does no I/O; closing an
    autocommit one sends nothing). The route bodies, which query, stay sync and run in the pool."""
    with request.app.state.read_sessions() as session:
        yield session


async def get_read_engine(request: Request) -> Engine:
    """The autocommit read pool, for the hottest routes, which take a Core `Connection` from it in their own
    body (`with engine.connect()`, in the route's thread): a generator dependency costs an exit stack and a
    shielded cancel scope per request, more than the connection checkout itself."""
    return request.app.state.read_engine


def get_write_db(request: Request) -> Iterator[Session]:
    """A transactional session: what a write route adds is committed together, or not at all."""
    with request.app.state.sessions() as session:
        yield session


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_linli(request: Request) -> Linli:
    """The chain connection for writes; 503 when the API was started without one."""
    linli = request.app.state.linli
    if linli is None:
        raise HTTPException(status_code=503, detail="no chain connection: set LINLI_RPC_URL and LINLI_DEPLOYMENT")
    return linli


async def get_relayer(request: Request) -> Linli:
    """The chain connection with the relayer's key; 503 when no LINLI_PRIVATE_KEY was given."""
    linli = await get_linli(request)
    if request.app.state.settings.relayer_key is None:
        raise HTTPException(status_code=503, detail="relaying is off: start the API with LINLI_PRIVATE_KEY (the "
                                                    "relayer's key, which pays the gas)")
    return linli


SessionDep = Annotated[Session, Depends(get_db)]
ReadEngineDep = Annotated[Engine, Depends(get_read_engine)]
WriteSessionDep = Annotated[Session, Depends(get_write_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LinliDep = Annotated[Linli, Depends(get_linli)]
RelayerDep = Annotated[Linli, Depends(get_relayer)]


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=message)


async def address_param(
    address: Annotated[str, Path(pattern="^0x[0-9a-fA-F]{40}$", description="0x address, lower-case or EIP-55")],
) -> str:
    return checked_address(address)


def checked_address(address: str) -> str:
    """Lower-case or correctly checksummed (EIP-55) -> checksummed; a wrong checksum is a typo, refused.
    (One keccak: the checksummed form is both the answer and the check.)"""
    checksummed = to_checksum_address(address)
    if address != checksummed and address[2:] not in (address[2:].lower(), address[2:].upper()):
        raise _unprocessable(f"{address} has a wrong EIP-55 checksum: send it lower-case, or checksummed correctly")
    return checksummed


def parse_proposal_id(text: str) -> int:
    """A decimal proposal id (digits only, checked by the route's pattern) as an int; 422 past uint256."""
    value = int(text)
    if value > MAX_UINT256:
        raise _unprocessable(f"proposal id {text} is larger than a uint256")
    return value


async def proposal_id_param(
    proposal_id: Annotated[str, Path(pattern="^[0-9]{1,78}$", description="proposal id (uint256, decimal)")],
) -> int:
    return parse_proposal_id(proposal_id)


async def period_param(period: Annotated[str, Path(pattern="^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]) -> int:
    try:
        parsed = Period.parse(period)
    except (BadInput, ValueError) as exc:
        raise _unprocessable(f"period {period!r}: expected YYYY-MM ({exc})") from None
    return parsed.year * 100 + parsed.month


Address = Annotated[str, Depends(address_param)]
ProposalId = Annotated[int, Depends(proposal_id_param)]
PeriodNumber = Annotated[int, Depends(period_param)]


class Paging:
    """?limit=&offset= on every list; the total goes in the X-Total-Count header (bodies stay plain lists)."""

    def __init__(self, response: Response, limit: int, offset: int) -> None:
        self.limit, self.offset, self._response = limit, offset, response

    def total(self, count: int) -> None:
        self._response.headers["X-Total-Count"] = str(count)


async def paging(
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500, description="items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="items to skip")] = 0,
) -> Paging:
    return Paging(response, limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]


def period_text(period: int) -> str:
    return f"{period // 100:04d}-{period % 100:02d}"
