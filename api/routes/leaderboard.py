from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api import queries, schemas
from api.deps import PagingDep, SessionDep
from api.queries import Metric, Window

router = APIRouter(prefix="/leaderboard", tags=["leaderboard"])


@router.get("", response_model=schemas.Leaderboard)
def read_leaderboard(
    session: SessionDep,
    paging: PagingDep,
    metric: Annotated[Metric, Query(description="points (on chain), or sales/orders/new_customers (imported)")]
    = Metric.POINTS,
    window: Annotated[Window, Query(description="imported metrics: the last day/week/month/year, or all")]
    = Window.MONTH,
) -> schemas.Leaderboard:
    """Points rank all members on chain; the other metrics come from imported orders and members (paid orders
    only, refunds excluded). Ties go to whoever got there first."""
    if metric is Metric.POINTS:
        page = queries.points_leaderboard(session=session, limit=paging.limit, offset=paging.offset)
        window_name, period = "all", None
    else:
        at = datetime.now(UTC)
        since = queries.window_start(window=window, at=at)
        page = queries.order_leaderboard(session=session, metric=metric, since=since, limit=paging.limit,
                                         offset=paging.offset)
        window_name, period = window.value, f"{since.date().isoformat()}/{at.date().isoformat()}"
    paging.total(page.total)
    entries = [
        schemas.LeaderboardEntry(rank=paging.offset + i + 1, address=address, member_id=member_id, value=value)
        for i, (member_id, address, value) in enumerate(page.items)
    ]
    return schemas.Leaderboard(window=window_name, metric=metric.value, period=period, total=page.total,
                               entries=entries)
