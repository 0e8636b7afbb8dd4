"""Alembic environment: migrations run on the connection `api.db.migrate` passes in (or on -x url=...)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.db import normalise_url
from api.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///linli.db")
    with create_engine(normalise_url(url)).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
