"""sign-in nonces, member sessions and display names

Sign-In with Ethereum (EIP-4361): the nonces the API issued (each accepted once) and the sessions it opened
live in the database, so several API processes share them; a member's display name for the leaderboards.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_index("ix_sign_in_nonces_expires", "sign_in_nonces", ["expires"])
    op.create_table(
        "member_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_member_sessions_address", "member_sessions", ["address"])
    op.create_index("ix_member_sessions_expires", "member_sessions", ["expires"])
    op.create_table(
        "display_names",
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )


def downgrade() -> None:
    op.drop_table("display_names")
    op.drop_index("ix_member_sessions_expires", table_name="member_sessions")
    op.drop_index("ix_member_sessions_address", table_name="member_sessions")
    op.drop_table("member_sessions")
    op.drop_index("ix_sign_in_nonces_expires", table_name="sign_in_nonces")
    op.drop_table("sign_in_nonces")
