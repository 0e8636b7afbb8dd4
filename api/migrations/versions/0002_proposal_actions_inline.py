"""proposal actions inline, payout proofs by address

A proposal's decoded actions move into the proposal row (read in the same statement); payout proofs get an
index by address. Actions of proposals already mirrored are not in the old rows' shape, so the chain-derived
tables are emptied: the next sync reads them again from the deployment block (admin data is kept).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:33:03.814156
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.columns

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


CHAIN_DERIVED = ("members", "points_entries", "supply_checkpoints", "vote_checkpoints", "votes", "parameter_changes",
                 "products", "distributions", "proposals", "chain_events", "blocks", "sync_state")


def upgrade() -> None:
    op.drop_table("proposal_actions")
    for table in CHAIN_DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))
    with op.batch_alter_table("payout_proofs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payout_proofs_address"), ["address"], unique=False)
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actions", sa.Text(), nullable=False))


def downgrade() -> None:
    for table in CHAIN_DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("actions")
    with op.batch_alter_table("payout_proofs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_proofs_address"))
    op.create_table(
        "proposal_actions",
        sa.Column("proposal_id", api.columns.Uint256(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=42), nullable=False),
        sa.Column("value", api.columns.Uint256(), nullable=False),
        sa.Column("calldata", sa.Text(), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=True),
        sa.Column("function", sa.String(length=128), nullable=True),
        sa.Column("arguments", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id", "position"),
    )
