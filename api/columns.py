"""Column types the mirror needs beyond SQLAlchemy's: uint256.

uint256 does not fit BIGINT. PostgreSQL stores it as NUMERIC(78, 0). SQLite has no exact decimal (a NUMERIC
column silently turns big integers into floats), so there it is text, zero-padded to 78 digits so that
ORDER BY and comparisons stay numeric. Python always sees `int`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

DIGITS = 78
MAX_UINT256 = 2**256 - 1


class Uint256(TypeDecorator[int]):
    impl = Numeric(DIGITS, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(DIGITS))
        return dialect.type_descriptor(Numeric(DIGITS, 0))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = int(value)
        if not 0 <= value <= MAX_UINT256:
            raise ValueError(f"{value} is not a uint256")
        return str(value).zfill(DIGITS) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)
