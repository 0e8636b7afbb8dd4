"""What routes get injected: a session, the settings, the chain (for writes), validated path values."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from eth_utils import is_checksum_address, to_checksum_address
from fastapi import Depends, HTTPException, Path, Query, Request, Response
from sqlalchemy.orm import Session

from api.settings import Settings
from api.columns import MAX_UINT256
from chain.system import Linli
from governance.errors import BadInput
from governance.period import Period


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_linli(request: Request) -> Linli:
    """The chain connection for writes; 503 when the API was started without one."""
    linli = request.app.state.linli
    if linli is None:
        raise HTTPException(status_code=503, detail="no chain connection: set LINLI_RPC_URL and LINLI_DEPLOYMENT")
    return linli


def get_relayer(request: Request) -> Linli:
    """The chain connection with the relayer's key; 503 when no LINLI_PRIVATE_KEY was given."""
    linli = get_linli(request)
    if request.app.state.settings.relayer_key is None:
        raise HTTPException(status_code=503, detail="relaying is off: start the API with LINLI_PRIVATE_KEY (the "
                                                    "relayer's key, which pays the gas)")
    return linli


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LinliDep = Annotated[Linli, Depends(get_linli)]
RelayerDep = Annotated[Linli, Depends(get_relayer)]


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=message)


def address_param(
    address: Annotated[str, Path(pattern="^0x[0-9a-fA-F]{40}$", description="0x address, lower-case or EIP-55")],
) -> str:
    """Lower-case or correctly checksummed (EIP-55) -> checksummed; a wrong checksum is a typo, refused."""
    if address[2:] not in (address[2:].lower(), address[2:].upper()) and not is_checksum_address(address):
        raise _unprocessable(f"{address} has a wrong EIP-55 checksum: send it lower-case, or checksummed correctly")
    return to_checksum_address(address)


def proposal_id_param(
    proposal_id: Annotated[str, Path(pattern="^[0-9]{1,78}$", description="proposal id (uint256, decimal)")],
) -> int:
    value = int(proposal_id)
    if value > MAX_UINT256:
        raise _unprocessable(f"proposal id {proposal_id} is larger than a uint256")
    return value


def period_param(period: Annotated[str, Path(pattern="^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]) -> int:
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

    def __init__(
        self,
        response: Response,
        limit: Annotated[int, Query(ge=1, le=500, description="items per page")] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9, description="items to skip")] = 0,
    ) -> None:
        self.limit, self.offset, self._response = limit, offset, response

    def total(self, count: int) -> None:
        self._response.headers["X-Total-Count"] = str(count)


PagingDep = Annotated[Paging, Depends()]


def period_text(period: int) -> str:
    return f"{period // 100:04d}-{period % 100:02d}"
