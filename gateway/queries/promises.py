"""Promises to pay of a customer, with its kept rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.store.models import Promise, PromiseInvoice

if TYPE_CHECKING:
    from datetime import date, datetime

    from gateway.bootstrap import Services

JUDGED = ("kept", "partially_kept", "broken")


@dataclass(frozen=True, slots=True)
class PromiseView:
    id: int
    customer: int
    amount: Decimal
    currency: str
    promised_date: date
    tolerance_days: int
    invoices: tuple[int, ...]
    state: str
    paid_amount: Decimal | None
    evaluated_on: date | None
    created_by: str | None
    created_at: datetime


def kept_rate(states: list[str]) -> Decimal | None:
    """Kept promises over judged ones (partially kept counts as not kept)."""
    judged = [s for s in states if s in JUDGED]
    if not judged:
        return None
    return (Decimal(judged.count("kept")) / len(judged)).quantize(Decimal("0.01"))


def customer_promises(services: Services, customer_id: int) -> list[PromiseView]:
    with services.read_uow() as uow:
        promises = uow.session.scalars(
            select(Promise)
            .where(Promise.customer_id == customer_id)
            .order_by(Promise.id)
        ).all()
        links = uow.session.execute(
            select(PromiseInvoice.promise_id, PromiseInvoice.invoice_id)
            .join(Promise, Promise.id == PromiseInvoice.promise_id)
            .where(Promise.customer_id == customer_id)
        ).all()
        invoices: dict[int, list[int]] = {}
        for promise_id, invoice_id in links:
            invoices.setdefault(promise_id, []).append(invoice_id)
        return [
            PromiseView(
                p.id,
                p.customer_id,
                p.amount,
                p.currency,
                p.promised_date,
                p.tolerance_days,
                tuple(sorted(invoices.get(p.id, []))),
                p.state,
                p.paid_amount,
                p.evaluated_on,
                p.created_by,
                p.created_at,
            )
            for p in promises
        ]
