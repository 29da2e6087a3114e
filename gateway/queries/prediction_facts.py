"""The mirror's invoices as prediction facts: invoice facts plus when each was settled.

An invoice counts as settled on the latest date of the posted payments allocated to
it, once those allocations cover its amount. A paid invoice without such payments
(settled by a credit memo, say, or paid before the mirror began) has no date to
place it in time, so the model leaves it out rather than guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from gateway.queries.paging import chunks, unique
from gateway.queries.refs import Ref, refs_for
from gateway.store.models import Invoice, Payment, PaymentAllocation
from rules.prediction import InvoiceFacts
from rules.prediction_columns import ColumnsBuilder, InvoiceColumns

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import date
    from decimal import Decimal

    from sqlalchemy.orm import Session

    from gateway.bootstrap import Services

_GONE = ("void", "deleted")


def _settlements(
    session: Session, customer_id: int | None
) -> dict[int, tuple[Decimal, date]]:
    query = (
        select(
            PaymentAllocation.invoice_id,
            func.sum(PaymentAllocation.amount),
            func.max(Payment.payment_date),
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            PaymentAllocation.invoice_id.is_not(None),
            Payment.status == "posted",
            Payment.payment_date.is_not(None),
        )
        .group_by(PaymentAllocation.invoice_id)
    )
    if customer_id is not None:
        # By the invoice's customer, not the payment's: a parent company may pay
        # its subsidiary's invoices. Both sides read an index (customer, allocation).
        invoices = select(Invoice.id).where(Invoice.customer_id == customer_id)
        query = query.where(PaymentAllocation.invoice_id.in_(invoices))
    rows = session.execute(query)
    return {
        invoice_id: (paid, when)
        for invoice_id, paid, when in rows
        if invoice_id is not None and when is not None
    }


def _placed(
    session: Session, customer_id: int | None
) -> Iterator[tuple[Any, date | None]]:
    """Each invoice that can be placed in time, with its settlement date if settled."""
    settled = _settlements(session, customer_id)
    query = select(
        Invoice.id,
        Invoice.customer_id,
        Invoice.issue_date,
        Invoice.due_date,
        Invoice.amount,
        Invoice.currency,
        Invoice.channel,
        Invoice.in_dispute,
        Invoice.status,
    ).where(
        Invoice.kind == "invoice",
        Invoice.status.not_in(_GONE),
        Invoice.issue_date.is_not(None),
        Invoice.amount.is_not(None),
        Invoice.customer_id.is_not(None),
    )
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    for row in session.execute(query):
        paid, when = settled.get(row.id, (None, None))
        covered = paid is not None and paid >= row.amount
        if row.status == "paid" and not covered:
            continue  # paid, but we cannot say when
        yield row, when if covered else None


def load_facts(session: Session, customer_id: int | None = None) -> list[InvoiceFacts]:
    """Every invoice that can be placed in time, with its settlement date if settled.

    ``customer_id`` narrows it to one customer's invoices: a customer's features come
    from their own invoices only (``rules.prediction``), so that is all it takes to
    predict their open invoices.
    """
    return [
        InvoiceFacts(
            key=str(row.id),
            customer=str(row.customer_id),
            issue_date=row.issue_date,
            due_date=row.due_date or row.issue_date,
            amount=row.amount,
            currency=row.currency or "XXX",
            channel=row.channel,
            disputed=bool(row.in_dispute),
            settled_date=settled,
        )
        for row, settled in _placed(session, customer_id)
    ]


def load_fact_columns(session: Session) -> InvoiceColumns:
    """The same invoices as :func:`load_facts`, straight into columns: what
    predicting the whole open book reads (no object per invoice)."""
    builder = ColumnsBuilder()
    for row, settled in _placed(session, None):
        builder.add(
            str(row.customer_id), row.issue_date, row.due_date or row.issue_date,
            settled, row.amount, electronic=row.channel == "electronic",
            disputed=bool(row.in_dispute),
        )  # fmt: skip
    return builder.build()


def invoice_labels(
    services: Services, invoice_ids: Sequence[int]
) -> dict[int, tuple[str | None, int | None, tuple[Ref, ...]]]:
    """Number, customer id and external refs of each invoice, for display."""
    with services.read_uow() as uow:
        refs = refs_for(uow.session, "invoice", invoice_ids)
        found: dict[int, tuple[str | None, int | None, tuple[Ref, ...]]] = {}
        for chunk in chunks(unique(invoice_ids)):
            rows = uow.session.execute(
                select(Invoice.id, Invoice.number, Invoice.customer_id).where(
                    Invoice.id.in_(chunk)
                )
            )
            for invoice_id, number, customer_id in rows:
                found[invoice_id] = (number, customer_id, refs.get(invoice_id, ()))
    return found
