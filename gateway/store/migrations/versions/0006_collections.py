"""collections: risk scores, strategy priorities, promise evaluation

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("components", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("computed_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_customer_scores_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_scores")),
    )
    # One score per customer and day: a re-run of the same day replaces it.
    op.create_index("ix_customer_scores_customer_as_of", "customer_scores", ["customer_id", "as_of"], unique=True)
    op.create_table(
        "customer_priorities",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("group", sa.String(length=64), nullable=False),
        sa.Column("collector", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("risk_score", sa.Integer(), nullable=True),
        sa.Column("computed_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_customer_priorities_customer_id_customers")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_priorities")),
    )
    # The worklist reads these backwards (highest score first) and stops at a page.
    op.create_index("ix_customer_priorities_score", "customer_priorities", ["score", "customer_id"])
    op.create_index("ix_customer_priorities_collector", "customer_priorities", ["collector", "score", "customer_id"])
    op.create_index("ix_customer_priorities_currency", "customer_priorities", ["currency", "score", "customer_id"])
    op.create_table(
        "promise_invoices",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], name=op.f("fk_promise_invoices_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["promise_id"], ["promises.id"], name=op.f("fk_promise_invoices_promise_id_promises"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("promise_id", "invoice_id", name=op.f("pk_promise_invoices")),
    )
    op.create_index(op.f("ix_promise_invoices_invoice_id"), "promise_invoices", ["invoice_id"])
    with op.batch_alter_table("promises") as batch_op:
        batch_op.add_column(sa.Column("tolerance_days", sa.Integer(), server_default="3", nullable=False))
        batch_op.add_column(sa.Column("paid_amount", gateway.store.types.MoneyAmount(), nullable=True))
        batch_op.add_column(sa.Column("evaluated_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promises") as batch_op:
        batch_op.drop_column("evaluated_on")
        batch_op.drop_column("paid_amount")
        batch_op.drop_column("tolerance_days")
    op.drop_index(op.f("ix_promise_invoices_invoice_id"), table_name="promise_invoices")
    op.drop_table("promise_invoices")
    op.drop_index("ix_customer_priorities_currency", table_name="customer_priorities")
    op.drop_index("ix_customer_priorities_collector", table_name="customer_priorities")
    op.drop_index("ix_customer_priorities_score", table_name="customer_priorities")
    op.drop_table("customer_priorities")
    op.drop_index("ix_customer_scores_customer_as_of", table_name="customer_scores")
    op.drop_table("customer_scores")
