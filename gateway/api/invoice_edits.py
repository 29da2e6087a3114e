"""``PATCH /invoices/<id>``: set the gateway-owned collection fields of an invoice."""

from __future__ import annotations

from typing import Any

from gateway.api import body, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.api.write_support import actor, refusals
from gateway.errors import ValidationFailed
from gateway.queries.invoices import get_invoice
from gateway.services.invoice_edits import EDITABLE, edit_invoice, parse_edit
from rules.canonical import FIELDS


@bp.patch("/invoices/<int:invoice_id>")
@require_roles("admin", "collector")
def invoice_update(invoice_id: int) -> dict[str, Any]:
    data = body.json_object()
    # Canonical fields outside EDITABLE are let through to be refused by ownership
    # (naming their owner); anything else is a typo or an unsupported field.
    body.reject_unknown(data, [*EDITABLE, *FIELDS["invoice"]])
    if not data:
        raise ApiError(400, f"name at least one field to set: {', '.join(EDITABLE)}")
    values = {name: _parse(name, value) for name, value in data.items()}
    container = services()
    with refusals():
        edit_invoice(container, invoice_id, values, actor())
    view = get_invoice(container, invoice_id)
    if view is None:  # pragma: no cover - edit_invoice found it a moment ago
        raise ApiError(404, f"invoice {invoice_id} not found")
    return schemas.invoice(view, container.clock.now().date())


def _parse(name: str, value: object) -> object:
    try:
        return parse_edit(name, value)
    except ValidationFailed as exc:
        raise body.refused(exc, name) from None
