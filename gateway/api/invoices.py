"""``/invoices``: invoices and credit memos."""

from __future__ import annotations

from typing import Any

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.queries.invoices import STATUSES, InvoiceFilter, get_invoice, list_invoices

READERS = ("admin", "collector", "auditor")


@bp.get("/invoices")
@require_roles(*READERS)
def invoices_index() -> dict[str, Any]:
    page, per_page = params.paging()
    flt = InvoiceFilter(
        customer_id=params.optional_integer("customer"),
        status=params.choice("status", STATUSES),
        overdue=params.boolean("overdue"),
        currency=params.currency(),
    )
    container = services()
    today = container.clock.now().date()
    paged = list_invoices(container, flt, today=today, page=page, per_page=per_page)
    return schemas.envelope(paged, [schemas.invoice(i, today) for i in paged.items])


@bp.get("/invoices/<int:invoice_id>")
@require_roles(*READERS)
def invoice_detail(invoice_id: int) -> dict[str, Any]:
    container = services()
    view = get_invoice(container, invoice_id)
    if view is None:
        raise ApiError(404, f"invoice {invoice_id} not found")
    return schemas.invoice(view, container.clock.now().date())
