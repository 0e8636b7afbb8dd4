"""product polls mirrored

ProductPoll's events get their tables (polls, their options with tallies, approvals) and a product records
the transaction and the poll that listed it. Polls already in the event log have no rows yet and products
no poll, so the chain-derived tables are emptied: the next sync reads them again from the deployment block
(admin data is kept).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.columns

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


CHAIN_DERIVED = ("members", "points_entries", "supply_checkpoints", "vote_checkpoints", "votes", "parameter_changes",
                 "products", "distributions", "proposals", "chain_events", "blocks", "sync_state")


def _forget_chain() -> None:
    for table in CHAIN_DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade() -> None:
    _forget_chain()
    op.create_table(
        "polls",
        sa.Column("id", api.columns.Uint256(), nullable=False),
        sa.Column("creator", sa.String(length=42), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("top_n", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("quorum_numerator", sa.Integer(), nullable=False),
        sa.Column("turnout", api.columns.Uint256(), nullable=False),
        sa.Column("created_block", sa.BigInteger(), nullable=False),
        sa.Column("created_log", sa.Integer(), nullable=False),
        sa.Column("created_tx", sa.String(length=66), nullable=False),
        sa.Column("enacted_state", sa.Integer(), nullable=True),
        sa.Column("winners", sa.Text(), nullable=True),
        sa.Column("added", sa.Integer(), nullable=True),
        sa.Column("enacted_block", sa.BigInteger(), nullable=True),
        sa.Column("enacted_tx", sa.String(length=66), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_created_block"), ["created_block"], unique=False)
    op.create_table(
        "poll_options",
        sa.Column("poll_id", api.columns.Uint256(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=66), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("weight", api.columns.Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("poll_id", "position"),
    )
    op.create_table(
        "poll_approvals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("poll_id", api.columns.Uint256(), nullable=False),
        sa.Column("voter", sa.String(length=42), nullable=False),
        sa.Column("selection", api.columns.Uint256(), nullable=False),
        sa.Column("weight", api.columns.Uint256(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "voter"),
    )
    with op.batch_alter_table("poll_approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_approvals_poll_id"), ["poll_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_approvals_voter"), ["voter"], unique=False)
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_tx", sa.String(length=66), nullable=True))
        batch_op.add_column(sa.Column("added_by_poll", api.columns.Uint256(), nullable=True))


def downgrade() -> None:
    _forget_chain()
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("added_by_poll")
        batch_op.drop_column("added_tx")
    op.drop_table("poll_approvals")
    op.drop_table("poll_options")
    op.drop_table("polls")
