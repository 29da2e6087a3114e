"""JSON shapes of the write API's answers (payments, sync monitor)."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from gateway.api.schemas import money, scalar

if TYPE_CHECKING:
    from gateway.queries.payments import PaymentView


def plain(view: Any) -> dict[str, Any]:
    """A dataclass view with ISO dates and decimal strings."""
    return {item.name: scalar(getattr(view, item.name)) for item in fields(view)}


def payment(view: PaymentView) -> dict[str, Any]:
    out = plain(view)
    out["amount"] = money(view.amount, view.currency)
    out["unapplied_amount"] = money(view.unapplied_amount, view.currency)
    out["allocations"] = [
        {
            "invoice_id": item.invoice_id,
            "invoice_ref": item.invoice_ref,
            "amount": money(item.amount, view.currency),
        }
        for item in view.allocations
    ]
    return out
