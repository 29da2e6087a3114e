"""The KPI ledger: each invoice's net amount and the changes of its open amount.

Derived from invoices, customers, payments and allocations (rules.kpi_ledger) so a
KPI request reads narrow, indexed rows instead of re-joining every invoice to its
payments. It is never the source of truth: triggers on those tables (migration
0008) queue every invoice whose facts may have changed in ``kpi_dirty``, and
:func:`gateway.store.kpi_ledger.refresh` rebuilds the queued invoices before any KPI
is read. Money is in scaled units (x10^4), as in the mirror.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base

_ID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: the rowid alias
_KEYS = ("currency", "company", "segment")  # grouped by, in this order
_PAID = ("last_event", "open_final", "net")
_DAYS = ("pay_days", "late_days")
_DELTAS = ("open_delta", "count_delta")


class KpiInvoice(Base):
    """One invoice the KPIs count (kind invoice, open or paid, with amount and date).

    The grouping keys (``customer_id``, ``company``, the customer's ``segment``) and
    ``currency`` (the invoice's, else the customer's) are copied here and onto each
    change, so every KPI sum is one scan of one index. ``pay_days``/``late_days``:
    ``last_paid`` minus the issue/due date.
    """

    __tablename__ = "kpi_invoices"
    __table_args__ = (
        # Each index leads with the column a KPI query ranges over or groups by,
        # then holds every column that query reads: SQLite groups in index order
        # instead of sorting a million rows.
        Index("ix_kpi_invoices_issue", "issue", *_KEYS, "net"),
        Index("ix_kpi_invoices_due", "due", *_KEYS, "open_final", "net"),
        Index("ix_kpi_invoices_paid", "last_paid", *_PAID, *_KEYS, *_DAYS),
        Index("ix_kpi_invoices_last_event", "last_event"),
        Index("ix_kpi_invoices_customer", "customer_id", "currency", "open_final"),
    )

    invoice_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    customer_id: Mapped[int | None]
    company: Mapped[str | None]
    segment: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    issue: Mapped[date]
    due: Mapped[date]
    net: Mapped[int] = mapped_column(BigInteger)
    open_final: Mapped[int] = mapped_column(BigInteger)
    last_paid: Mapped[date | None]
    last_event: Mapped[date]
    pay_days: Mapped[int | None]
    late_days: Mapped[int | None]


class KpiChange(Base):
    """A day on which an invoice's open amount changed or a payment was applied."""

    __tablename__ = "kpi_changes"
    __table_args__ = (
        # customer_id last: a page of customers filters this index, no other.
        Index("ix_kpi_changes_day", "day", *_KEYS, "due", *_DELTAS, "customer_id"),
    )

    invoice_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    open_delta: Mapped[int] = mapped_column(BigInteger)
    count_delta: Mapped[int] = mapped_column(SmallInteger)
    paid: Mapped[bool]
    customer_id: Mapped[int | None]
    company: Mapped[str | None]
    segment: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str | None] = mapped_column(String(3))
    due: Mapped[date]


class KpiDirty(Base):
    """An invoice whose ledger rows may be out of date (written by triggers)."""

    __tablename__ = "kpi_dirty"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    # Indexed: a refresh takes the lowest invoice ids with all their entries.
    invoice_id: Mapped[int] = mapped_column(index=True)
