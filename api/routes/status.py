from __future__ import annotations

from fastapi import APIRouter

from api import queries, schemas
from api.deps import SessionDep

router = APIRouter(prefix="/status", tags=["status"])


@router.get("", response_model=schemas.Status)
def read_status(session: SessionDep) -> schemas.Status:
    """How far the mirror has read the chain."""
    state = queries.sync_state(session=session)
    if state is None:
        return schemas.Status(chain_id=None, block_number=None, block_hash=None, as_of=None)
    return schemas.Status(chain_id=state.chain_id, block_number=state.block_number, block_hash=state.block_hash,
                          as_of=state.block_timestamp)
