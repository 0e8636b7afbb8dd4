from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import queries, schemas
from api.deps import PagingDep, SessionDep

router = APIRouter(prefix="/products", tags=["products"])


@router.get("", response_model=list[schemas.ProductPublic])
def read_products(
    session: SessionDep, paging: PagingDep, include_removed: Annotated[bool, Query()] = False
) -> list[schemas.ProductPublic]:
    """The rule book's product catalogue (ids and metadata hashes), in the order products were added."""
    page = queries.products(session=session, include_removed=include_removed, limit=paging.limit,
                            offset=paging.offset)
    paging.total(page.total)
    return [schemas.ProductPublic.model_validate(p) for p in page.items]
