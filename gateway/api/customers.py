"""``/customers``: the mirrored customer accounts."""

from __future__ import annotations

from typing import Any

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.queries.customers import CustomerFilter, get_customer, list_customers

READERS = ("admin", "collector", "auditor")


@bp.get("/customers")
@require_roles(*READERS)
def customers_index() -> dict[str, Any]:
    page, per_page = params.paging()
    flt = CustomerFilter(q=params.text("q"), currency=params.currency())
    paged = list_customers(services(), flt, page=page, per_page=per_page)
    return schemas.envelope(paged, [schemas.customer(c) for c in paged.items])


@bp.get("/customers/<int:customer_id>")
@require_roles(*READERS)
def customer_detail(customer_id: int) -> dict[str, Any]:
    view = get_customer(services(), customer_id)
    if view is None:
        raise ApiError(404, f"customer {customer_id} not found")
    return schemas.customer(view)
