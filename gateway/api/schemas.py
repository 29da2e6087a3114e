"""JSON shapes: canonical field names, ISO dates, money as decimal strings."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.queries.audit_log import AuditView
    from gateway.queries.customers import CustomerView
    from gateway.queries.invoices import InvoiceView
    from gateway.queries.paging import Paged
    from gateway.queries.refs import Ref
    from gateway.queries.sync_runs import SyncRunView

CUSTOMER_MONEY = ("credit_limit",)
INVOICE_MONEY = ("amount", "open_amount")


def money(amount: Decimal | None, currency: str | None) -> dict[str, str | None] | None:
    """``{"amount": "1250.00", "currency": "EUR"}``; never a float, never 1E+3."""
    if amount is None:
        return None
    return {"amount": f"{amount:f}", "currency": currency}


def scalar(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def refs(items: tuple[Ref, ...]) -> list[dict[str, str]]:
    return [
        {
            "connection": ref.connection,
            "object_type": ref.object_type,
            "external_id": ref.external_id,
        }
        for ref in items
    ]


def _record(view: Any, money_fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(view):
        value = getattr(view, item.name)
        if item.name == "refs":
            out["refs"] = refs(value)
        elif item.name in money_fields:
            out[item.name] = money(value, view.currency)
        else:
            out[item.name] = scalar(value)
    return out


def customer(view: CustomerView) -> dict[str, Any]:
    return _record(view, CUSTOMER_MONEY)


def invoice(view: InvoiceView, today: date) -> dict[str, Any]:
    out = _record(view, INVOICE_MONEY)
    out["days_overdue"] = view.days_overdue(today)
    return out


def sync_run(view: SyncRunView) -> dict[str, Any]:
    return _record(view, ())


def audit_entry(view: AuditView) -> dict[str, Any]:
    return _record(view, ())


def envelope(paged: Paged[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "page": paged.page,
        "per_page": paged.per_page,
        "total": paged.total,
    }
