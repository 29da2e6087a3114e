"""``/payments``: payments handed in by a portal or bank feed, posted to the ERP.

``POST`` stores the payment as ``pending`` with its allocations and a write-back to
the customer's ERP in one transaction; the same idempotency key again returns the
first payment (200) instead of a second one (201).
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from gateway.api import body, write_schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.api.write_support import actor, refusals
from gateway.queries.payments import get_payment
from gateway.services.payment_input import (
    AllocationInput,
    NewPayment,
    RecordRef,
    Target,
)
from gateway.services.payments import record_payment

FIELDS = ("customer", "amount", "currency", "date", "reference", "idempotency_key",
          "allocations")  # fmt: skip
ALLOCATION_FIELDS = ("invoice", "amount")
KEY_PATTERN = r"^[A-Za-z0-9._:-]+$"
MAX_ALLOCATIONS = 500


@bp.post("/payments")
@require_roles("admin", "collector")
def payments_create() -> tuple[dict[str, Any], int, dict[str, str]]:
    command = _command(body.json_object())
    with refusals():
        recorded = record_payment(services(), command, actor())
    payment = recorded.payment
    location = url_for("api.payment_detail", payment_id=payment.id)
    return (
        write_schemas.payment(payment),
        201 if recorded.created else 200,
        {"Location": location},
    )


@bp.get("/payments/<int:payment_id>")
@require_roles("admin", "collector", "auditor")
def payment_detail(payment_id: int) -> dict[str, Any]:
    view = get_payment(services(), payment_id)
    if view is None:
        raise ApiError(404, f"payment {payment_id} not found")
    return write_schemas.payment(view)


def _command(data: dict[str, Any]) -> NewPayment:
    body.reject_unknown(data, FIELDS)
    currency = body.text(data.get("currency"), "currency", max_length=3,
                         pattern=r"^[A-Za-z]{3}$").upper()  # fmt: skip
    reference = data.get("reference")
    return NewPayment(
        customer=_target(data.get("customer"), "customer"),
        amount=body.money(data.get("amount"), "amount"),
        currency=currency,
        payment_date=body.iso_date(data.get("date"), "date"),
        reference=None
        if reference is None
        else body.text(reference, "reference", max_length=200),
        idempotency_key=_key(data.get("idempotency_key")),
        allocations=_allocations(data.get("allocations", [])),
    )


def _key(in_body: object) -> str:
    header = request.headers.get("Idempotency-Key")
    if in_body is None and header is None:
        raise body.bad(
            "idempotency_key", "is required (in the body or an Idempotency-Key header)"
        )
    if in_body is not None and header is not None and in_body != header:
        raise body.bad(
            "idempotency_key", "differs from the Idempotency-Key header; send one"
        )
    value = in_body if in_body is not None else header
    return body.text(value, "idempotency_key", max_length=120, pattern=KEY_PATTERN)


def _target(value: object, field: str) -> Target:
    """A local id, or ``{"connection": ..., "external_id": ...}``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, dict):
        body.reject_unknown(value, ("connection", "external_id"), f"{field}.")
        return RecordRef(
            body.text(value.get("connection"), f"{field}.connection", max_length=64),
            body.text(value.get("external_id"), f"{field}.external_id", max_length=64),
        )
    raise body.bad(
        field, f'must be a local id or {{"connection", "external_id"}}, not {value!r}'
    )


def _allocations(value: object) -> tuple[AllocationInput, ...]:
    if not isinstance(value, list):
        raise body.bad("allocations", "must be a list of {invoice, amount}")
    if len(value) > MAX_ALLOCATIONS:
        raise body.bad("allocations", f"must have at most {MAX_ALLOCATIONS} items")
    items = []
    for index, item in enumerate(value):
        where = f"allocations[{index}]"
        if not isinstance(item, dict):
            raise body.bad(where, "must be an object {invoice, amount}")
        body.reject_unknown(item, ALLOCATION_FIELDS, f"{where}.")
        items.append(
            AllocationInput(
                invoice=_target(item.get("invoice"), f"{where}.invoice"),
                amount=body.money(item.get("amount"), f"{where}.amount"),
                field=where,
            )
        )
    return tuple(items)
