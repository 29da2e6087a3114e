"""``/predictions`` and ``/customers/<id>/predictions``: payment predictions for the
invoices open on a date (the whole book, or one customer's)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import request

from gateway.api import params, schemas
from gateway.api.auth import require_roles, services
from gateway.api.blueprint import bp
from gateway.api.errors import ApiError
from gateway.queries.customers import get_customer
from gateway.queries.prediction_facts import invoice_labels
from gateway.services.account import customer_predictions
from gateway.services.prediction import PredictionError, predictions

if TYPE_CHECKING:
    from gateway.services.prediction import InvoicePrediction


def _as_of(today: date) -> date:
    raw = request.args.get("as_of")
    if not raw:
        return today
    try:
        return date.fromisoformat(raw)
    except ValueError:
        msg = f"query parameter 'as_of' must be a date (YYYY-MM-DD), not {raw!r}"
        raise ApiError(400, msg, field="as_of") from None


def _item(p: InvoicePrediction, version: str, labels: dict[int, Any]) -> dict[str, Any]:
    number, customer_id, refs = labels.get(int(p.invoice.key), (None, None, ()))
    return {
        "invoice": int(p.invoice.key),
        "number": number,
        "customer": customer_id,
        "refs": schemas.refs(refs),
        "p_late": round(p.p_late, 4),
        "p_late_30": round(p.p_late_30, 4),
        "expected_days_to_pay": round(p.expected_days_to_pay, 1),
        "predicted_pay_date": p.predicted_pay_date.isoformat(),
        "model_version": version,
    }


@bp.get("/predictions")
@require_roles("admin", "collector", "auditor")
def predictions_index() -> dict[str, Any]:
    container = services()
    as_of = _as_of(container.clock.now().date())
    page, per_page = params.paging()
    try:
        found = predictions(container, as_of)
    except PredictionError as exc:
        raise ApiError(404, str(exc)) from None
    start = (page - 1) * per_page
    chosen = found.items[start : start + per_page]
    labels = invoice_labels(container, [int(p.invoice.key) for p in chosen])
    return {
        "as_of": as_of.isoformat(),
        "model_version": found.model_version,
        "items": [_item(p, found.model_version, labels) for p in chosen],
        "page": page,
        "per_page": per_page,
        "total": len(found.items),
    }


@bp.get("/customers/<int:customer_id>/predictions")
@require_roles("admin", "collector", "auditor")
def customer_predictions_index(customer_id: int) -> dict[str, Any]:
    container = services()
    as_of = _as_of(container.clock.now().date())
    if get_customer(container, customer_id) is None:
        raise ApiError(404, f"customer {customer_id} not found")
    try:
        found = customer_predictions(container, customer_id, as_of)
    except PredictionError as exc:
        raise ApiError(404, str(exc)) from None
    labels = invoice_labels(container, [int(p.invoice.key) for p in found.items])
    return {
        "customer": customer_id,
        "as_of": as_of.isoformat(),
        "model_version": found.model_version,
        "items": [_item(p, found.model_version, labels) for p in found.items],
        "total": len(found.items),
    }
