"""Keep the KPI ledger (gateway.store.models.kpi) in step with the mirror.

Triggers (migration 0008) queue in ``kpi_dirty`` every invoice whose ledger rows a
write may have changed; :func:`refresh` takes the queue and rebuilds those invoices
from the mirror, using :func:`rules.kpi_ledger.ledger`. The KPI queries call it
before they read, so they always see the mirror as it is.

Concurrency: a refresh deletes the queue entries of the invoices it takes, which
removes only entries committed before that statement; the invoices are then read
by later statements, which see at least those commits. An entry committed
meanwhile stays queued for the next refresh. On PostgreSQL refreshes are
serialised by a transaction-level advisory lock (two refreshes of one invoice must
not commit out of order); on SQLite the writer's ``BEGIN IMMEDIATE`` does it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Table,
    and_,
    delete,
    func,
    select,
    text,
    type_coerce,
)

from gateway.store.bulk import bulk_insert_values
from gateway.store.mirror import one_of
from gateway.store.models import (
    Customer,
    Invoice,
    KpiChange,
    KpiDirty,
    KpiInvoice,
    Payment,
    PaymentAllocation,
)
from rules.kpi_ledger import ledger

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sqlalchemy.orm import Session

BATCH = 20_000
LOCK = 0x4B50494C  # pg_advisory_xact_lock key of the ledger refresh ("KPIL")
_INVOICES: Table = KpiInvoice.__table__  # type: ignore[assignment]
_CHANGES: Table = KpiChange.__table__  # type: ignore[assignment]
_DIRTY: Table = KpiDirty.__table__  # type: ignore[assignment]
_INVOICE_KEYS = (
    "invoice_id", "customer_id", "company", "segment", "currency", "issue", "due",
    "net", "open_final", "last_paid", "last_event", "pay_days", "late_days",
)  # fmt: skip
_CHANGE_KEYS = (
    "invoice_id", "day", "open_delta", "count_delta", "paid", "customer_id",
    "company", "segment", "currency", "due",
)  # fmt: skip


def pending(session: Session) -> bool:
    """Whether some invoice waits to be rebuilt."""
    return session.scalar(select(_DIRTY.c.id).limit(1)) is not None


def refresh(session: Session, limit: int = BATCH) -> int:
    """Rebuild the ledger rows of up to ``limit`` queued invoices; return how many.

    The caller commits; calling again until it returns 0 empties the queue. Each
    call is its own transaction so that a long backlog (after an upgrade or a
    bulk load) is worked off in steps that each stay done.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK)))
    queued = _DIRTY.c.invoice_id
    ids = list(session.scalars(select(queued).distinct().order_by(queued).limit(limit)))
    if ids:
        session.connection().execute(delete(_DIRTY).where(one_of(session, queued, ids)))
        rebuild(session, ids)
    return len(ids)


def analyze(session: Session) -> None:
    """Refresh PostgreSQL's statistics of the ledger after a large rebuild.

    Until autovacuum came by, they would describe the ledger before it (after an
    upgrade: an empty one), and the planner would scan where it should seek.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE kpi_invoices, kpi_changes"))


def rebuild(session: Session, ids: Sequence[int]) -> None:
    """Replace the ledger rows of invoices ``ids`` by what the mirror says now."""
    run = session.connection().execute  # Core: nothing for the ORM to synchronise
    run(delete(_CHANGES).where(one_of(session, _CHANGES.c.invoice_id, ids)))
    run(delete(_INVOICES).where(one_of(session, _INVOICES.c.invoice_id, ids)))
    paid = _payments(session, ids)
    facts: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    for row in _invoices(session, ids):
        fact, steps = _rows(row, paid.get(row.id, {}))
        facts.append(fact)
        changes.extend(steps)
    bulk_insert_values(session, _INVOICES, _INVOICE_KEYS, facts)
    bulk_insert_values(session, _CHANGES, _CHANGE_KEYS, changes)


def _units(column: Any) -> Any:
    return type_coerce(column, BigInteger())


def _invoices(session: Session, ids: Sequence[int]) -> Iterator[Any]:
    """The invoices the KPIs count, with their customer's currency and segment."""
    query = (
        select(
            Invoice.id,
            Invoice.customer_id,
            Invoice.company,
            func.coalesce(Invoice.currency, Customer.currency).label("currency"),
            Customer.segment,
            Invoice.issue_date,
            func.coalesce(Invoice.due_date, Invoice.issue_date).label("due"),
            _units(Invoice.amount).label("amount"),
            _units(Invoice.open_amount).label("open_amount"),
            Invoice.status,
        )
        .outerjoin(Customer, Customer.id == Invoice.customer_id)
        .where(
            one_of(session, Invoice.id, ids),
            Invoice.kind == "invoice",
            Invoice.status.in_(("open", "paid")),
            Invoice.issue_date.is_not(None),
            Invoice.amount.is_not(None),
        )
    )
    return iter(session.connection().execute(query).all())


def _payments(session: Session, ids: Sequence[int]) -> dict[int, dict[date, int]]:
    """Per invoice, per payment date: the sum applied by posted payments."""
    query = (
        select(
            PaymentAllocation.invoice_id,
            Payment.payment_date,
            func.sum(_units(PaymentAllocation.amount)),
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            one_of(session, PaymentAllocation.invoice_id, ids),
            and_(Payment.status == "posted", Payment.payment_date.is_not(None)),
        )
        .group_by(PaymentAllocation.invoice_id, Payment.payment_date)
    )
    found: dict[int, dict[date, int]] = defaultdict(dict)
    for invoice_id, day, amount in session.connection().execute(query).all():
        found[invoice_id][day] = int(amount)
    return found


def _rows(
    row: Any, payments: dict[date, int]
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    amount = int(row.amount)
    if row.open_amount is not None:
        open_now = int(row.open_amount)
    else:
        open_now = 0 if row.status == "paid" else amount
    book = ledger(amount, open_now, row.issue_date, payments)
    keys = (row.customer_id, row.company, row.segment, row.currency)
    last = book.last_paid
    fact = (
        row.id, *keys, row.issue_date, row.due, book.net, book.open_final, last,
        book.last_event,
        None if last is None else (last - row.issue_date).days,
        None if last is None else (last - row.due).days,
    )  # fmt: skip
    steps = [
        (row.id, c.day, c.open_delta, c.count_delta, c.paid, *keys, row.due)
        for c in book.changes
    ]
    return fact, steps
