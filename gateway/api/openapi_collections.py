"""The OpenAPI paths of the collections endpoints (promises, priorities, scores)."""

from __future__ import annotations

from typing import Any

from gateway.api.openapi_schemas import DATE, INT, STR, TIME, ref
from gateway.queries.worklist import NO_SEGMENT

_JSON = "application/json"
_MONEY = {"oneOf": [ref("Money"), {"type": "null"}]}
_PROMISE = {
    "type": "object",
    "properties": {
        "id": INT, "customer": INT, "amount": ref("Money"), "date": DATE,
        "tolerance_days": INT, "invoices": {"type": "array", "items": INT},
        "state": {"type": "string", "enum": ["open", "kept", "partially_kept", "broken"]},
        "paid_amount": _MONEY, "evaluated_on": {"type": ["string", "null"], "format": "date"},
        "created_by": {"type": ["string", "null"]}, "created_at": TIME,
    },
}  # fmt: skip
_NEW_PROMISE = {
    "type": "object",
    "required": ["customer", "amount", "currency", "date"],
    "properties": {
        "customer": {**INT, "description": "Local customer id."},
        "amount": {**STR, "description": "Decimal string, e.g. \"1250.00\"."},
        "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "date": {**DATE, "description": "Promised payment date (today or later)."},
        "invoices": {"type": "array", "items": INT, "description": "Promised invoice ids."},
        "tolerance_days": {"type": "integer", "minimum": 0, "maximum": 60, "default": 3},
    },
}  # fmt: skip
_PRIORITY = {
    "type": "object",
    "properties": {
        "customer": INT, "as_of": DATE, "score": INT,
        "reasons": {"type": "array", "items": STR}, "group": STR,
        "collector": {"type": ["string", "null"]}, "risk_score": {"type": ["integer", "null"]},
    },
}  # fmt: skip
_SCORE = {
    "type": "object",
    "properties": {
        "customer": INT, "as_of": DATE, "total": INT, "version": STR,
        "components": {"type": "array", "items": {"type": "object", "properties": {
            "name": STR, "weight": INT, "value": STR, "points": STR, "detail": STR}}},
    },
}  # fmt: skip


def _resp(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    text = {"400": "Invalid input; `field` names it.", "401": "Not authenticated.",
            "403": "Role not allowed.", "404": "Not found."}  # fmt: skip
    return {code: _resp(ref("Error"), text[code]) for code in codes}


def _q(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


_SEGMENT = {
    **_q("segment", {"type": "string", "maxLength": 64}),
    "description": "Only customers of this segment (the ERP's customer category, "
    f"matched exactly); {NO_SEGMENT!r} for customers without one. A segment no "
    "customer has gives an empty list.",
}


def paths() -> dict[str, Any]:
    paged = {"type": "object", "properties": {"items": {"type": "array", "items": _PRIORITY},
             "page": INT, "per_page": INT, "total": INT}}  # fmt: skip
    listed = {"type": "object", "properties": {"items": {"type": "array", "items": _PROMISE},
              "kept_rate": {"type": ["string", "null"]}}}  # fmt: skip
    return {
        "/promises": {
            "post": {
                "summary": "Record a promise to pay (admin, collector; audited)",
                "requestBody": {"required": True, "content": {_JSON: {"schema": _NEW_PROMISE}}},
                "responses": {"201": _resp(_PROMISE, "Created."), **_errors("400", "401", "403")},
            },
            "get": {
                "summary": "A customer's promises and kept rate",
                "parameters": [_q("customer", {"type": "integer", "minimum": 1}, True)],
                "responses": {"200": _resp(listed), **_errors("400", "401", "403")},
            },
        },
        "/priorities": {
            "get": {
                "summary": "Worklist priorities, highest first (from arbridge score)",
                "parameters": [_q("page", INT), _q("per_page", INT), _q("collector", STR),
                               _SEGMENT],
                "responses": {"200": _resp(paged), **_errors("400", "401", "403")},
            }
        },
        "/customers/{customer_id}/score": {
            "get": {
                "summary": "A customer's latest risk score with its components",
                "parameters": [{"name": "customer_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": _resp(_SCORE), **_errors("401", "403", "404")},
            }
        },
    }  # fmt: skip
