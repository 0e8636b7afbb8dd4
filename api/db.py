"""Engine and sessions for SQLite or PostgreSQL, and the migrations every process applies on start.

SQLite gets WAL and a busy timeout so the indexer's writes and the routes' reads do not trip over each
other; PostgreSQL URLs are pointed at psycopg 3. Migrations run under a lock on PostgreSQL, so several API
processes starting together do not race on alembic_version.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x4C494E4C49_01  # pg_advisory_lock key of migrations ("LINLI" 01)


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` -> `postgresql+psycopg://` (psycopg 3 is the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    """`autocommit=True` for the read routes' own pool: no BEGIN/ROLLBACK round trips around each request
    (an isolation level switched per checkout would cost a round trip of its own to reset)."""
    url = normalise_url(url)
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # no pool_pre_ping: it is one more round trip per request; a dropped connection is invalidated on error
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800, **options)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # the DB-API connection's type is driver-specific
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
