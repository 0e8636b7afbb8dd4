"""The public leaderboards: only the places and windows the rules publish, and each entry under a display
name or a masked id (api.member_queries). Admins see every place with ids at GET /admin/leaderboard."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.orm import Session

from api import member_queries, queries, schemas
from api.deps import SessionDep
from api.queries import Metric, Page, Window
from api.sessions import ViewerDep

router = APIRouter(prefix="/leaderboard", tags=["leaderboard"])
RULES = member_queries.BOARD_RULES


def ranking(session: Session, metric: Metric, window: Window, *, limit: int, offset: int
            ) -> tuple[Page[tuple[str | None, str, int]], str, str | None]:
    """(member id, address, value) rows of one board, its window's name and its period (None for points)."""
    if metric is Metric.POINTS:
        return queries.points_leaderboard(session=session, limit=limit, offset=offset), "all", None
    at = datetime.now(UTC)
    since = queries.window_start(window=window, at=at)
    page = queries.order_leaderboard(session=session, metric=metric, since=since, limit=limit, offset=offset)
    return page, window.value, f"{since.date().isoformat()}/{at.date().isoformat()}"


def _within_rules(metric: Metric, window: Window, limit: int, offset: int) -> None:
    if metric is not Metric.POINTS and metric.value not in RULES.metrics:
        raise HTTPException(status_code=422, detail=f"metric {metric.value!r} is not a published leaderboard "
                                                    f"(rules [leaderboards] metrics: {', '.join(RULES.metrics)})")
    if metric is not Metric.POINTS and window.value not in RULES.windows:
        raise HTTPException(status_code=422, detail=f"window {window.value!r} is not published (rules "
                                                    f"[leaderboards] windows: {', '.join(RULES.windows)})")
    if limit + offset > RULES.size:
        raise HTTPException(status_code=422, detail=f"limit + offset = {limit + offset} is above the leaderboard "
                                                    f"size {RULES.size} (rules [leaderboards] size)")


@router.get("", response_model=schemas.PublicLeaderboard,
            responses={422: {"description": "a window, metric or place beyond what the rules publish"}})
def read_leaderboard(
    session: SessionDep,
    viewer: ViewerDep,
    metric: Annotated[Metric, Query(description="points (on chain), or sales/orders/new_customers (imported)")]
    = Metric.POINTS,
    window: Annotated[Window, Query(description="imported metrics: a window the rules publish (day/week/month/"
                                                "year by default)")] = Window.MONTH,
    limit: Annotated[int, Query(ge=1, description="places (limit + offset at most the rules' size)")] = RULES.size,
    offset: Annotated[int, Query(ge=0, description="places to skip")] = 0,
) -> schemas.PublicLeaderboard:
    """The top places of a board the rules publish. Points rank all members on chain; the other metrics come
    from imported orders and members (paid orders only, refunds excluded). Ties go to whoever got there first.
    Entries show a display name or a masked id, never a member id or an address."""
    _within_rules(metric, window, limit, offset)
    page, window_name, period = ranking(session, metric, window, limit=limit, offset=offset)
    addresses = [address for _, address, _ in page.items]
    names = member_queries.public_names(session, addresses)
    entries = [
        schemas.PublicLeaderboardEntry(rank=offset + i + 1, name=name, value=value, you=address == viewer)
        for i, ((_, address, value), name) in enumerate(zip(page.items, names, strict=True))
    ]
    return schemas.PublicLeaderboard(window=window_name, metric=metric.value, period=period, size=RULES.size,
                                     total=page.total, entries=entries)
