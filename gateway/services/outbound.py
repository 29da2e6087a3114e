"""What an outbox row sends, computed at send time from the mirror's current values.

Building the write when it is sent (not when it is queued) is what makes ten quick
changes of a status one write of the latest value. Field write-backs go through the
connection's outbound mapping. A payment is built here instead: its body needs the
remote ids of its customer and invoices, which only the gateway's external refs know,
and a sublist the mapping language (flat fields, closed transforms) does not express.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.base import WriteOp
from adapters.errors import RejectedError, RetryLaterError
from gateway.store.mirror import MirrorRepository
from gateway.store.outbox_repo import OutboxRepository
from rules.canonical import FIELDS, Allocation
from rules.encoding import Encoded, encode_decimal, encode_fields

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from sqlalchemy.orm import Session

    from gateway.store.models import OutboxItem
    from mappings.compiler import CompiledMapping

PAYMENT_RECORD_TYPE = "customerPayment"


@dataclass(frozen=True, slots=True)
class PreparedWrite:
    """The remote call and the canonical values it writes (for shadow and audit)."""

    op: WriteOp
    object_type: str
    local_id: int
    written: dict[str, Encoded]


def prepare(
    session: Session, mapping: CompiledMapping, item: OutboxItem
) -> PreparedWrite | None:
    """Build the write for ``item``; None when nothing is left to write.

    Raises:
        RetryLaterError: a record it refers to has no remote id yet.
        RejectedError: the row cannot be written at all (unknown operation, gone).
        OutboundMappingError: a value cannot be put in the remote's terms.
    """
    if item.local_id is None:
        raise _rejected(item, "the row names no local record")
    if item.operation == "update" and item.object_type in FIELDS:
        return _prepare_update(session, mapping, item, item.local_id)
    if item.operation == "create_payment" and item.object_type == "payment":
        return _prepare_payment(session, item, item.local_id)
    raise _rejected(item, f"unknown operation {item.operation} {item.object_type}")


def _rejected(item: OutboxItem, message: str) -> RejectedError:
    return RejectedError("gateway", f"outbox {item.id}", message)


def _waiting(item: OutboxItem, message: str) -> RetryLaterError:
    return RetryLaterError("gateway", f"outbox {item.id}", message)


def _prepare_update(
    session: Session, mapping: CompiledMapping, item: OutboxItem, local_id: int
) -> PreparedWrite | None:
    mirror, object_type = MirrorRepository(session), item.object_type
    row = mirror.current_values(object_type, [local_id]).get(local_id)
    if row is None:
        raise _rejected(item, f"{object_type} {local_id} is not in the mirror")
    remote = mirror.external_ids_for(item.connection, object_type, [local_id])
    if local_id not in remote:
        raise _waiting(item, f"{object_type} {local_id} has no id in {item.connection}")
    wanted = set(json.loads(item.fields)) & mapping.outbound_fields(object_type)
    if not wanted:
        return None
    values = {name: row[name] for name in FIELDS[object_type] if name in row}
    record_type, payload = mapping.outbound(object_type, values, fields=wanted)
    op = WriteOp(record_type, "update", payload, item.idempotency_key, remote[local_id])
    written = encode_fields(object_type, {name: values[name] for name in wanted})
    return PreparedWrite(op, object_type, local_id, written)


def _prepare_payment(
    session: Session, item: OutboxItem, local_id: int
) -> PreparedWrite:
    mirror = MirrorRepository(session)
    payment = mirror.current_values("payment", [local_id]).get(local_id)
    if payment is None:
        raise _rejected(item, f"payment {local_id} is not in the mirror")
    customer = _payment_customer(mirror, item, payment)
    lines = _apply_lines(session, mirror, item, local_id)
    values: dict[str, object] = {
        "customer": customer,
        "currency": payment["currency"],
        "amount": payment["amount"],
        "payment_date": payment["payment_date"],
        "memo": payment["memo"],
        "status": "posted",
        "allocations": lines,
    }
    # The portal's or bank's reference is the document number NetSuite shows.
    number = payment["number"] or payment.get("reference")
    if number:
        values["number"] = number
    body = payment_body(
        customer,
        payment["amount"],
        payment["payment_date"],
        lines,
        memo=payment["memo"],
        number=number,
    )
    op = WriteOp(PAYMENT_RECORD_TYPE, "upsert", body, item.idempotency_key)
    return PreparedWrite(op, "payment", local_id, encode_fields("payment", values))


def _payment_customer(
    mirror: MirrorRepository, item: OutboxItem, payment: dict[str, Any]
) -> str:
    """The customer's remote id; the payment must be in the customer's currency."""
    customer_id = payment["customer_id"]
    customer = mirror.current_values("customer", [customer_id]).get(customer_id)
    if customer is None:
        raise _rejected(item, f"payment {item.local_id} names no mirrored customer")
    if customer["currency"] != payment["currency"]:
        # The mirror knows currencies by ISO code only, not NetSuite's currency ids,
        # so the payment is posted in the customer's (NetSuite's default) currency.
        raise _rejected(item, "payment currency differs from the customer's currency")
    remote = mirror.external_ids_for(item.connection, "customer", [customer_id])
    if customer_id not in remote:
        raise _waiting(item, f"customer {customer_id} has no id in {item.connection}")
    return remote[customer_id]


def _apply_lines(
    session: Session, mirror: MirrorRepository, item: OutboxItem, local_id: int
) -> tuple[Allocation, ...]:
    """The allocations by the invoices' remote ids; waits for unbound invoices."""
    rows = OutboxRepository(session).allocation_rows(local_id)
    ids = [invoice_id for invoice_id, _ in rows if invoice_id is not None]
    if len(ids) != len(rows):
        raise _rejected(item, "an allocation names no invoice")
    remote = mirror.external_ids_for(item.connection, "invoice", ids)
    missing = sorted(set(ids) - set(remote))
    if missing:
        raise _waiting(item, f"invoice {missing[0]} has no id in {item.connection}")
    return tuple(Allocation(remote[i], amount) for i, amount in rows if i is not None)


def payment_body(
    customer: str,
    amount: Decimal,
    tran_date: date,
    lines: tuple[Allocation, ...],
    *,
    memo: str | None,
    number: str | None,
) -> dict[str, object]:
    """A NetSuite customerPayment body; amounts as exact decimal strings, never floats."""
    items = [
        {
            "doc": {"id": line.invoice},
            "apply": True,
            "amount": encode_decimal(line.amount),
        }
        for line in lines
    ]
    body: dict[str, object] = {
        "customer": {"id": customer},
        "payment": encode_decimal(amount),
        "tranDate": tran_date.isoformat(),
        "apply": {"items": items},
    }
    if memo:
        body["memo"] = memo
    if number:
        body["tranId"] = number
    return body
