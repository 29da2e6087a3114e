"""Writes of the collections results: scores, priorities, promises and their judgement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, select

from gateway.store.bulk import bulk_insert
from gateway.store.models import (
    Customer,
    CustomerPriority,
    CustomerScore,
    Invoice,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date

    from sqlalchemy.orm import Session

_SCORES: Table = CustomerScore.__table__  # type: ignore[assignment]
_PRIORITIES: Table = CustomerPriority.__table__  # type: ignore[assignment]


def replace_scores(
    session: Session, as_of: date, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Store the scores of ``as_of``, replacing an earlier run of the same day."""
    session.execute(delete(CustomerScore).where(CustomerScore.as_of == as_of))
    bulk_insert(session, _SCORES, rows)


def replace_priorities(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Replace the whole worklist order: a customer without a row is not actionable."""
    session.execute(delete(CustomerPriority))
    bulk_insert(session, _PRIORITIES, rows)


def customer_exists(session: Session, customer_id: int) -> bool:
    found = session.scalar(
        select(Customer.id).where(
            Customer.id == customer_id, Customer.deleted.is_(False)
        )
    )
    return found is not None


def invoices_of(session: Session, customer_id: int, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that are invoices of the customer (credit memos excluded)."""
    rows = session.scalars(
        select(Invoice.id).where(
            Invoice.id.in_(list(ids)),
            Invoice.customer_id == customer_id,
            Invoice.kind == "invoice",
        )
    )
    return set(rows)


def add_promise(session: Session, promise: Promise, invoice_ids: Sequence[int]) -> int:
    session.add(promise)
    session.flush()
    session.add_all(
        PromiseInvoice(promise_id=promise.id, invoice_id=i) for i in invoice_ids
    )
    return promise.id


def open_promises(session: Session, as_of: date) -> list[Promise]:
    """Promises not judged yet, made on or before ``as_of``."""
    rows = session.scalars(
        select(Promise).where(Promise.state == "open").order_by(Promise.id)
    )
    return [p for p in rows if p.created_at.date() <= as_of]


def promised_invoices(
    session: Session, promise_ids: Sequence[int]
) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    rows = session.execute(
        select(PromiseInvoice.promise_id, PromiseInvoice.invoice_id).where(
            PromiseInvoice.promise_id.in_(list(promise_ids))
        )
    )
    for promise_id, invoice_id in rows:
        out.setdefault(promise_id, set()).add(invoice_id)
    return out


def payment_parts(
    session: Session, customer_ids: Sequence[int]
) -> dict[int, list[tuple[date, Any, str, int | None]]]:
    """Posted payments and their allocations, per customer: (date, amount, currency,
    invoice id or None for the payment itself)."""
    out: dict[int, list[tuple[date, Any, str, int | None]]] = {}
    posted = (Payment.customer_id.in_(list(customer_ids)), Payment.status == "posted")
    # Any: the customer id filter excludes NULLs, which the column type cannot show.
    payments: Any = session.execute(
        select(Payment.customer_id, Payment.payment_date, Payment.amount, Payment.currency)
        .where(*posted)
    )  # fmt: skip
    for cid, day, amount, currency in payments:
        if day is not None and amount is not None:
            out.setdefault(cid, []).append((day, amount, currency or "", None))
    allocations: Any = session.execute(
        select(Payment.customer_id, Payment.payment_date, PaymentAllocation.amount,
               Payment.currency, PaymentAllocation.invoice_id)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(*posted, PaymentAllocation.invoice_id.is_not(None))
    )  # fmt: skip
    for cid, day, amount, currency, inv in allocations:
        if day is not None:
            out.setdefault(cid, []).append((day, amount, currency or "", inv))
    return out
