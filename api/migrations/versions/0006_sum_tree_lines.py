"""the Merkle sum tree: each member's salt and sum proof, and the month's public record

A member's line now carries the salt of their sum-tree leaf and its sum proof (computed from the whole record
when it is uploaded), and each accepted record keeps its public record (totals, roots, hashes, the admin's
signature) for GET /distributions/{period}/record. Nullable: records uploaded before, or without a sum tree,
have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payout_proofs") as batch:
        batch.add_column(sa.Column("salt", sa.String(length=66), nullable=True))
        batch.add_column(sa.Column("sum_proof", sa.Text(), nullable=True))
    with op.batch_alter_table("payout_records") as batch:
        batch.add_column(sa.Column("public_body", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payout_records") as batch:
        batch.drop_column("public_body")
    with op.batch_alter_table("payout_proofs") as batch:
        batch.drop_column("sum_proof")
        batch.drop_column("salt")
