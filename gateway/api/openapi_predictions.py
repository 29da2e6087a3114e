"""The OpenAPI path of ``/predictions`` (payment prediction for open invoices)."""

from __future__ import annotations

from typing import Any

from gateway.api.openapi_schemas import DATE, INT, STR, ref

_JSON = "application/json"
_PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
_ITEM = {
    "type": "object",
    "properties": {
        "invoice": {**INT, "description": "Local invoice id."},
        "number": {"type": ["string", "null"]},
        "customer": {"type": ["integer", "null"], "description": "Local customer id."},
        "refs": {"type": "array", "items": ref("Ref")},
        "p_late": {**_PROBABILITY, "description": "Probability of paying after the due date."},
        "p_late_30": {**_PROBABILITY, "description": "Probability of paying more than 30 days late."},
        "expected_days_to_pay": {"type": "number", "description": "Days from issue to payment."},
        "predicted_pay_date": {**DATE, "description": "Never before as_of."},
        "model_version": STR,
    },
}  # fmt: skip
_PAGE = {
    "type": "object",
    "required": ["as_of", "model_version", "items", "page", "per_page", "total"],
    "properties": {
        "as_of": DATE, "model_version": STR, "items": {"type": "array", "items": _ITEM},
        "page": INT, "per_page": INT, "total": INT,
    },
}  # fmt: skip


_CUSTOMER_SET = {
    "type": "object",
    "required": ["customer", "as_of", "model_version", "items", "total"],
    "properties": {
        "customer": INT, "as_of": DATE, "model_version": STR,
        "items": {"type": "array", "items": _ITEM}, "total": INT,
    },
}  # fmt: skip
_CUSTOMER_ID = {
    "name": "customer_id", "in": "path", "required": True,
    "schema": {"type": "integer", "minimum": 1},
}  # fmt: skip


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def paths() -> dict[str, Any]:
    error = ref("Error")
    return {
        "/predictions": {
            "get": {
                "summary": "Payment predictions for the invoices open on a date",
                "parameters": [
                    _query("as_of", DATE, "Predict as of this date (default: today)."),
                    _query("page", {"type": "integer", "minimum": 1}, "Page number."),
                    _query(
                        "per_page",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                        "Items per page.",
                    ),
                ],
                "responses": {
                    "200": _ok(_PAGE, "OK"),
                    "400": _ok(error, "A query parameter is invalid."),
                    "401": _ok(error, "No or an invalid bearer token."),
                    "404": _ok(error, "No prediction model trained yet."),
                },
            }
        },
        "/customers/{customer_id}/predictions": {
            "get": {
                "summary": "Payment predictions for one customer's open invoices",
                "description": "Computed from that customer's own history only.",
                "parameters": [
                    _CUSTOMER_ID,
                    _query("as_of", DATE, "Predict as of this date (default: today)."),
                ],
                "responses": {
                    "200": _ok(_CUSTOMER_SET, "OK"),
                    "400": _ok(error, "A query parameter is invalid."),
                    "401": _ok(error, "No or an invalid bearer token."),
                    "403": _ok(error, "Role not allowed."),
                    "404": _ok(error, "No such customer, or no model trained yet."),
                },
            }
        },
    }
