"""A member's growth over the month close's rolling window (docs/mechanisms.md "Levels"), from the mirror.

The month close judges levels on growth earned in the last `levels.window_days`; on chain each month's net
points land as one award or revocation when its month is closed, so the mirror's growth is the sum of the
member's awards minus revocations indexed in the last `window_days` before its clock, month nets counted
from their close. Decay steps (batch ids beginning with `DECAY_MARK`) are weight, not growth: left out.
"""
from __future__ import annotations

from sqlalchemy import Connection, select

from api.models import PointsEntry
from governance.decay import DECAY_MARK

SECONDS_PER_DAY = 86_400
DECAY_BATCH_PREFIX = "0x" + DECAY_MARK.hex()


def window_growth(*, connection: Connection, address: str, now: int, window_days: int) -> int:
    """Awards minus revocations of `address` in (now - window_days, now], decay steps left out; summed in
    Python, since SQLite keeps uint256 as text (api.columns)."""
    rows = connection.execute(
        select(PointsEntry.kind, PointsEntry.amount).where(
            PointsEntry.member == address,
            PointsEntry.timestamp > now - window_days * SECONDS_PER_DAY,
            PointsEntry.timestamp <= now,
            ~PointsEntry.batch_id.startswith(DECAY_BATCH_PREFIX),
        )
    )
    return sum(amount if kind == "awarded" else -amount for kind, amount in rows)
