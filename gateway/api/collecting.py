"""``/promises``, ``/priorities`` and ``/customers/<id>/score``: collections decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import g, request

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.errors import ValidationFailed
from gateway.queries.priorities import latest_score, list_priorities
from gateway.queries.promises import customer_promises, kept_rate
from gateway.services.promises import parse_promise, record_promise

if TYPE_CHECKING:
    from gateway.queries.priorities import PriorityView
    from gateway.queries.promises import PromiseView

READERS = ("admin", "collector", "auditor")
WORKERS = ("admin", "collector")


def _promise(view: PromiseView) -> dict[str, Any]:
    return {
        "id": view.id, "customer": view.customer,
        "amount": schemas.money(view.amount, view.currency),
        "date": view.promised_date.isoformat(), "tolerance_days": view.tolerance_days,
        "invoices": list(view.invoices), "state": view.state,
        "paid_amount": schemas.money(view.paid_amount, view.currency),
        "evaluated_on": schemas.scalar(view.evaluated_on),
        "created_by": view.created_by, "created_at": view.created_at.isoformat(),
    }  # fmt: skip


def _priority(view: PriorityView) -> dict[str, Any]:
    return {
        "customer": view.customer_id, "as_of": view.as_of.isoformat(),
        "score": view.score, "reasons": list(view.reasons), "group": view.group,
        "collector": view.collector, "risk_score": view.risk_score,
    }  # fmt: skip


@bp.post("/promises")
@require_roles(*WORKERS)
def promises_create() -> tuple[dict[str, Any], int]:
    # JSON only: a cross-site form cannot send it without a CORS preflight, which
    # keeps session-authenticated callers safe without a CSRF token.
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise ApiError(
            400, "the body must be a JSON object (Content-Type: application/json)"
        )
    try:
        new = parse_promise(body)
        promise_id = record_promise(services(), new, g.principal.name)
    except ValidationFailed as exc:
        raise ApiError(400, str(exc), field=exc.field) from exc
    found = next(
        p for p in customer_promises(services(), new.customer_id) if p.id == promise_id
    )
    return _promise(found), 201


@bp.get("/promises")
@require_roles(*READERS)
def promises_index() -> dict[str, Any]:
    customer = params.optional_integer("customer")
    if customer is None:
        raise ApiError(400, "query parameter 'customer' is required", field="customer")
    views = customer_promises(services(), customer)
    rate = kept_rate([v.state for v in views])
    return {
        "items": [_promise(v) for v in views],
        "kept_rate": None if rate is None else f"{rate:f}",
    }


@bp.get("/priorities")
@require_roles(*READERS)
def priorities_index() -> dict[str, Any]:
    page, per_page = params.paging()
    paged = list_priorities(
        services(),
        page=page,
        per_page=per_page,
        collector=params.text("collector", max_length=64),
        segment=params.text("segment", max_length=64),
    )
    return schemas.envelope(paged, [_priority(p) for p in paged.items])


@bp.get("/customers/<int:customer_id>/score")
@require_roles(*READERS)
def customer_score(customer_id: int) -> dict[str, Any]:
    found = latest_score(services(), customer_id)
    if found is None:
        raise ApiError(404, f"no score for customer {customer_id} (run arbridge score)")
    return found
