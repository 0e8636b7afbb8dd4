"""Alembic environment: migrations run on the connection `api.db.migrate` passes in, or, from alembic's own
CLI, on `-x url=...` else the API's database setting (LINLI_DATABASE_URL, default sqlite:///linli.db)."""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context, util
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from api.db import normalise_url
from api.models import Base
from api.settings import Settings

DATABASE_URL_ENV = "LINLI_DATABASE_URL"
config = context.config
target_metadata = Base.metadata


def database_url() -> URL:
    """The URL the CLI migrates; a malformed one is alembic's one-line `FAILED:` rather than a traceback."""
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(DATABASE_URL_ENV) \
        or Settings.model_fields["database_url"].default
    try:
        return make_url(normalise_url(url))
    except ArgumentError as exc:
        raise util.CommandError(f"{DATABASE_URL_ENV} / -x url: not a database URL: {exc}") from None


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    with create_engine(database_url()).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
