from __future__ import annotations

from fastapi import APIRouter

from api import queries, schemas, views
from api.deps import PagingDep, SessionDep

router = APIRouter(prefix="/rules", tags=["rules"])


@router.get("", response_model=schemas.Rules)
def read_rules(session: SessionDep) -> schemas.Rules:
    """The rule book in force at the last indexed block."""
    rules = queries.rules_in_force(session=session)
    return schemas.Rules(**rules, total_bps=rules["level1_bps"] + rules["level2_bps"],
                         as_of=queries.now(session=session))


@router.get("/history", response_model=list[schemas.RuleChange])
def read_rule_history(session: SessionDep, paging: PagingDep) -> list[schemas.RuleChange]:
    """Every rule book write, oldest first (the constructor's initial values too), with the proposal behind it."""
    page = queries.rule_history(session=session, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return views.rule_changes(session, page.items)
