"""KPI ledger: per-invoice net amounts and open-amount changes, kept by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

A KPI request over a million invoices spent seconds re-joining every invoice to its
payments. The ledger (gateway.store.models.kpi) holds what that join gives, per
invoice, in narrow indexed rows. Triggers queue every invoice whose ledger rows may
have changed in kpi_dirty (any write to invoices, payment_allocations, payments or
customers that touches a column the KPIs read); the KPI queries rebuild the queued
invoices before reading. SQLite has row triggers only; PostgreSQL uses statement
triggers over transition tables, so a bulk COPY costs one INSERT ... SELECT.

Also a partial index for the unapplied credit memos the KPIs report beside.

Upgrading queues every existing invoice: the first KPI request builds the ledger
(or run `arbridge kpis refresh`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Columns whose change can change an invoice's ledger rows.
INVOICE_COLUMNS = (
    "id", "kind", "status", "amount", "open_amount", "issue_date", "due_date",
    "currency", "customer_id", "company",
)  # fmt: skip
ALLOCATION_COLUMNS = ("id", "invoice_id", "payment_id", "amount")
PAYMENT_COLUMNS = ("id", "status", "payment_date")
CUSTOMER_COLUMNS = ("id", "currency", "segment")

MARK = "INSERT INTO kpi_dirty (invoice_id) "


def _tables() -> None:
    where = sa.text("kind = 'credit_memo' AND status = 'open'")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_open_credits", ["issue_date"], unique=False, sqlite_where=where, postgresql_where=where)
    op.create_table(
        "kpi_invoices",
        sa.Column("invoice_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("issue", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("open_final", sa.BigInteger(), nullable=False),
        sa.Column("last_paid", sa.Date(), nullable=True),
        sa.Column("last_event", sa.Date(), nullable=False),
        sa.Column("pay_days", sa.Integer(), nullable=True),
        sa.Column("late_days", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_kpi_invoices")),
    )
    with op.batch_alter_table("kpi_invoices", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_invoices_issue", ["issue", "currency", "company", "segment", "net"], unique=False)
        batch_op.create_index("ix_kpi_invoices_due", ["due", "currency", "company", "segment", "open_final", "net"], unique=False)
        batch_op.create_index("ix_kpi_invoices_paid", ["last_paid", "last_event", "open_final", "net", "currency", "company", "segment", "pay_days", "late_days"], unique=False)
        batch_op.create_index("ix_kpi_invoices_last_event", ["last_event"], unique=False)
        batch_op.create_index("ix_kpi_invoices_customer", ["customer_id", "currency", "open_final"], unique=False)

    op.create_table(
        "kpi_changes",
        sa.Column("invoice_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("open_delta", sa.BigInteger(), nullable=False),
        sa.Column("count_delta", sa.SmallInteger(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", "day", name=op.f("pk_kpi_changes")),
    )
    with op.batch_alter_table("kpi_changes", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_changes_day", ["day", "currency", "company", "segment", "due", "open_delta", "count_delta", "customer_id"], unique=False)

    op.create_table(
        "kpi_dirty",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_dirty")),
    )
    with op.batch_alter_table("kpi_dirty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_dirty_invoice_id"), ["invoice_id"], unique=False)


def _changed(columns: tuple[str, ...], old: str = "OLD", new: str = "NEW") -> str:
    return " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in columns)


# SQLite: (name, timing and event, table, WHEN condition or None, marking statement).
SQLITE_TRIGGERS = (
    ("kpi_invoice_insert", "AFTER INSERT", "invoices", None,
     MARK + "VALUES (NEW.id)"),
    ("kpi_invoice_update", "AFTER UPDATE", "invoices", _changed(INVOICE_COLUMNS),
     MARK + "SELECT NEW.id UNION SELECT OLD.id"),
    ("kpi_invoice_delete", "AFTER DELETE", "invoices", None,
     MARK + "VALUES (OLD.id)"),
    ("kpi_allocation_insert", "AFTER INSERT", "payment_allocations",
     "NEW.invoice_id IS NOT NULL", MARK + "VALUES (NEW.invoice_id)"),
    ("kpi_allocation_update", "AFTER UPDATE", "payment_allocations",
     _changed(ALLOCATION_COLUMNS),
     MARK + "SELECT NEW.invoice_id WHERE NEW.invoice_id IS NOT NULL "
     "UNION SELECT OLD.invoice_id WHERE OLD.invoice_id IS NOT NULL"),
    ("kpi_allocation_delete", "AFTER DELETE", "payment_allocations",
     "OLD.invoice_id IS NOT NULL", MARK + "VALUES (OLD.invoice_id)"),
    # An allocation may be written before its payment when foreign keys are off.
    ("kpi_payment_insert", "AFTER INSERT", "payments", None,
     MARK + "SELECT invoice_id FROM payment_allocations "
     "WHERE payment_id = NEW.id AND invoice_id IS NOT NULL"),
    ("kpi_payment_update", "AFTER UPDATE", "payments", _changed(PAYMENT_COLUMNS),
     MARK + "SELECT invoice_id FROM payment_allocations "
     "WHERE payment_id IN (OLD.id, NEW.id) AND invoice_id IS NOT NULL"),
    # Before: with foreign keys off nothing cascades, and the allocations stay.
    ("kpi_payment_delete", "BEFORE DELETE", "payments", None,
     MARK + "SELECT invoice_id FROM payment_allocations "
     "WHERE payment_id = OLD.id AND invoice_id IS NOT NULL"),
    ("kpi_customer_insert", "AFTER INSERT", "customers", None,
     MARK + "SELECT id FROM invoices WHERE customer_id = NEW.id"),
    ("kpi_customer_update", "AFTER UPDATE", "customers", _changed(CUSTOMER_COLUMNS),
     MARK + "SELECT id FROM invoices WHERE customer_id IN (OLD.id, NEW.id)"),
    ("kpi_customer_delete", "AFTER DELETE", "customers", None,
     MARK + "SELECT id FROM invoices WHERE customer_id = OLD.id"),
)  # fmt: skip


def _distinct(columns: tuple[str, ...]) -> str:
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    return f"({old}) IS DISTINCT FROM ({new})"


def _touched(columns: tuple[str, ...], key: str = "id") -> str:
    """Keys of updated rows where a column changed (old and new keys)."""
    return (
        f"SELECT n.{key} AS k FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id "
        f"WHERE o.id IS NULL OR {_distinct(columns)} "
        f"UNION SELECT o.{key} FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id "
        f"WHERE n.id IS NULL OR {_distinct(columns)}"
    )


# PostgreSQL: (name, event, table, marking statement over new_rows/old_rows).
PG_TRIGGERS = (
    ("kpi_invoice_insert", "INSERT", "invoices", MARK + "SELECT id FROM new_rows"),
    ("kpi_invoice_update", "UPDATE", "invoices",
     MARK + f"SELECT k FROM ({_touched(INVOICE_COLUMNS)}) t"),
    ("kpi_invoice_delete", "DELETE", "invoices", MARK + "SELECT id FROM old_rows"),
    ("kpi_allocation_insert", "INSERT", "payment_allocations",
     MARK + "SELECT invoice_id FROM new_rows WHERE invoice_id IS NOT NULL"),
    ("kpi_allocation_update", "UPDATE", "payment_allocations",
     MARK + f"SELECT k FROM ({_touched(ALLOCATION_COLUMNS, 'invoice_id')}) t "
     "WHERE k IS NOT NULL"),
    ("kpi_allocation_delete", "DELETE", "payment_allocations",
     MARK + "SELECT invoice_id FROM old_rows WHERE invoice_id IS NOT NULL"),
    ("kpi_payment_insert", "INSERT", "payments",
     MARK + "SELECT a.invoice_id FROM new_rows n JOIN payment_allocations a "
     "ON a.payment_id = n.id WHERE a.invoice_id IS NOT NULL"),
    ("kpi_payment_update", "UPDATE", "payments",
     MARK + "SELECT a.invoice_id FROM payment_allocations a WHERE a.payment_id IN "
     f"({_touched(PAYMENT_COLUMNS)}) AND a.invoice_id IS NOT NULL"),
    ("kpi_customer_insert", "INSERT", "customers",
     MARK + "SELECT i.id FROM new_rows n JOIN invoices i ON i.customer_id = n.id"),
    ("kpi_customer_update", "UPDATE", "customers",
     MARK + f"SELECT i.id FROM invoices i WHERE i.customer_id IN "
     f"({_touched(CUSTOMER_COLUMNS)})"),
    ("kpi_customer_delete", "DELETE", "customers",
     MARK + "SELECT i.id FROM old_rows o JOIN invoices i ON i.customer_id = o.id"),
)  # fmt: skip

# Deleting a payment cascades to its allocations, whose trigger marks the invoices;
# this row trigger runs first, while the allocations are still there.
PG_PAYMENT_DELETE = (
    "CREATE FUNCTION kpi_payment_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN " + MARK + "SELECT invoice_id FROM payment_allocations "
    "WHERE payment_id = OLD.id AND invoice_id IS NOT NULL; RETURN OLD; END $$"
)


def _sqlite_up() -> None:
    for name, when, table, condition, statement in SQLITE_TRIGGERS:
        guard = f" WHEN {condition}" if condition else ""
        op.execute(
            f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW{guard} "
            f"BEGIN {statement}; END"
        )


def _pg_up() -> None:
    for name, event, table, statement in PG_TRIGGERS:
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {statement}; RETURN NULL; END $$"
        )
        tables = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    op.execute(PG_PAYMENT_DELETE)
    op.execute(
        "CREATE TRIGGER kpi_payment_delete BEFORE DELETE ON payments "
        "FOR EACH ROW EXECUTE FUNCTION kpi_payment_delete()"
    )


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == "postgresql":
        _pg_up()
    else:
        _sqlite_up()
    op.execute(MARK + "SELECT id FROM invoices")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        names = [(name, table) for name, _, table, _ in PG_TRIGGERS]
        for name, table in [*names, ("kpi_payment_delete", "payments")]:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name, *_ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("kpi_dirty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_dirty_invoice_id"))
    op.drop_table("kpi_dirty")
    with op.batch_alter_table("kpi_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_changes_day")
    op.drop_table("kpi_changes")
    with op.batch_alter_table("kpi_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_invoices_customer")
        batch_op.drop_index("ix_kpi_invoices_last_event")
        batch_op.drop_index("ix_kpi_invoices_paid")
        batch_op.drop_index("ix_kpi_invoices_due")
        batch_op.drop_index("ix_kpi_invoices_issue")
    op.drop_table("kpi_invoices")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_open_credits")
