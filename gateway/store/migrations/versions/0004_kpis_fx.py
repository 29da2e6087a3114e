"""KPIs: exchange rates into the base currency

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:20:00

KPIs over several currencies are reported in one base currency; the mirror had no
rates. One row per currency and date the rate applies from; the KPIs use the latest
rate on or before their as-of date. Rates are decimal text (see FxRate).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rate_to_base", sa.String(length=40), nullable=False),
        sa.Column(
            "updated_at",
            gateway.store.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("currency", "as_of", name=op.f("pk_fx_rates")),
    )


def downgrade() -> None:
    op.drop_table("fx_rates")
