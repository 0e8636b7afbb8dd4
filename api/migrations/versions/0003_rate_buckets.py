"""rate buckets shared by the API processes

The write routes' token buckets, one row per (kind of write, client), so that several API processes on one
PostgreSQL database limit a client together (SQLite keeps them in its one process; the table is there too,
unused, so both schemas stay one).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:12:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
