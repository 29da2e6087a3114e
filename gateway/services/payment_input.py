"""What a payment request says, and the checks it must pass before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gateway.services.write_errors import InvalidInput
from gateway.store import payments_repo

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from gateway.store.models import Customer, Invoice


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record named by the system that holds it."""

    connection: str
    external_id: str


Target = int | RecordRef


@dataclass(frozen=True, slots=True)
class AllocationInput:
    invoice: Target
    amount: Decimal
    field: str  # where it was in the request, for messages: allocations[0]


@dataclass(frozen=True, slots=True)
class NewPayment:
    customer: Target
    amount: Decimal
    currency: str
    payment_date: date
    reference: str | None
    idempotency_key: str
    allocations: tuple[AllocationInput, ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    invoice: Invoice
    external_id: str
    amount: Decimal
    field: str


def local_id(session: Session, object_type: str, target: Target) -> int | None:
    if isinstance(target, int):
        return target
    return payments_repo.local_id(
        session, target.connection, object_type, target.external_id
    )


def customer(session: Session, target: Target) -> Customer:
    local = local_id(session, "customer", target)
    found = None if local is None else payments_repo.customer(session, local)
    if found is None:
        raise InvalidInput(
            f"customer {describe(target)} is not known", field="customer"
        )
    return found


def describe(target: Target) -> str:
    if isinstance(target, int):
        return str(target)
    return f"{target.external_id!r} of connection {target.connection!r}"


def line(
    session: Session,
    customer: Customer,
    command: NewPayment,
    connection: str,
    item: AllocationInput,
) -> Line:
    field = f"{item.field}.invoice"
    local = local_id(session, "invoice", item.invoice)
    invoice = (
        None if local is None else payments_repo.invoices(session, [local]).get(local)
    )
    if invoice is None:
        raise InvalidInput(
            f"invoice {describe(item.invoice)} is not known", field=field
        )
    _check_invoice(invoice, customer, command.currency, field)
    refs = payments_repo.refs_of(session, "invoice", invoice.id)
    if connection not in refs:
        raise InvalidInput(
            f"invoice {invoice.id} is not in connection {connection!r}, where the "
            "payment is posted",
            field=field,
        )
    return Line(invoice, refs[connection], item.amount, item.field)


def _check_invoice(
    invoice: Invoice, customer: Customer, currency: str, field: str
) -> None:
    if invoice.customer_id != customer.id:
        raise InvalidInput(
            f"invoice {invoice.id} belongs to customer {invoice.customer_id}, "
            f"not to customer {customer.id}",
            field=field,
        )
    if invoice.kind != "invoice" or invoice.status != "open":
        what = "a credit memo" if invoice.kind != "invoice" else invoice.status
        raise InvalidInput(
            f"invoice {invoice.id} is {what}; a payment can only pay open invoices",
            field=field,
        )
    if invoice.currency and invoice.currency != currency:
        raise InvalidInput(
            f"invoice {invoice.id} is in {invoice.currency}, the payment in {currency}",
            field=field,
        )


def check_totals(session: Session, command: NewPayment, lines: list[Line]) -> None:
    seen: set[int] = set()
    for line in lines:
        if line.invoice.id in seen:
            raise InvalidInput(
                f"invoice {line.invoice.id} is allocated more than once",
                field=f"{line.field}.invoice",
            )
        seen.add(line.invoice.id)
    total = sum((line.amount for line in lines), Decimal(0))
    if total > command.amount:
        raise InvalidInput(
            f"allocations add up to {total}, more than the payment amount "
            f"{command.amount}",
            field="allocations",
        )
    taken = payments_repo.pending_allocated(session, sorted(seen))
    for line in lines:
        _check_open_amount(line, taken.get(line.invoice.id, Decimal(0)))


def _check_open_amount(line: Line, taken: Decimal) -> None:
    # Payments not yet posted will lower the open amount: count them already, so
    # two quick payments cannot both pay the same balance.
    available = (line.invoice.open_amount or Decimal(0)) - taken
    if line.amount > available:
        pending = f" ({taken} is already allocated by payments not yet posted)"
        raise InvalidInput(
            f"{line.amount} is more than invoice {line.invoice.id}'s open amount "
            f"{available} {line.invoice.currency or ''}".rstrip()
            + (pending if taken else ""),
            field=f"{line.field}.amount",
        )
