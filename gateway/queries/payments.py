"""Payments as the API shows them, with their allocations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.store import payments_repo

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from decimal import Decimal

    from gateway.bootstrap import Services
    from gateway.store.models import Payment, PaymentAllocation


@dataclass(frozen=True, slots=True)
class AllocationView:
    invoice_id: int | None
    invoice_ref: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    customer_id: int | None
    status: str
    currency: str | None
    amount: Decimal | None
    unapplied_amount: Decimal | None
    payment_date: date | None
    reference: str | None
    idempotency_key: str | None
    created_at: datetime
    updated_at: datetime
    allocations: tuple[AllocationView, ...] = ()


def payment_view(row: Payment, allocations: Sequence[PaymentAllocation]) -> PaymentView:
    return PaymentView(
        id=row.id,
        customer_id=row.customer_id,
        status=row.status,
        currency=row.currency,
        amount=row.amount,
        unapplied_amount=row.unapplied_amount,
        payment_date=row.payment_date,
        reference=row.reference,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        allocations=tuple(
            AllocationView(a.invoice_id, a.invoice_ref, a.amount) for a in allocations
        ),
    )


def get_payment(services: Services, payment_id: int) -> PaymentView | None:
    with services.read_uow() as uow:
        row = payments_repo.payment(uow.session, payment_id)
        if row is None:
            return None
        return payment_view(row, payments_repo.allocations_of(uow.session, row.id))
