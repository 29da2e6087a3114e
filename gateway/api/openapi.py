"""``/openapi.json``: a hand-written OpenAPI 3.1 description of this API."""

from __future__ import annotations

from typing import Any

from gateway.api import (
    openapi_collections,
    openapi_kpis,
    openapi_predictions,
    openapi_writes,
)
from gateway.api import openapi_schemas as schemas
from gateway.api.blueprint import bp
from gateway.queries.invoices import STATUSES

_JSON = "application/json"


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
        "Items per page.",
    ),
]
CURRENCY = _query(
    "currency",
    {"type": "string", "pattern": "^[A-Za-z]{3}$"},
    "ISO 4217 currency code.",
)
TEXT = {"type": "string"}
AUDIT_FILTERS = [
    _query(name, TEXT, f"Exact {name.replace('_', ' ')}.")
    for name in ("connection", "object_type", "external_id", "field")
] + [
    _query("run_id", {"type": "integer", "minimum": 1}, "Sync run id."),
    _query(
        "before_id",
        {"type": "integer", "minimum": 1},
        "Return entries with a smaller id (the previous page's next_before_id).",
    ),
    _query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
        "Entries per page.",
    ),
]


def _list_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": schemas.ref(name)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _operation(
    summary: str,
    schema: dict[str, Any],
    parameters: list[dict[str, Any]],
    *,
    found: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": _ok(schema),
        "400": _ok(schemas.ref("Error"), "A query parameter is invalid."),
        "401": _ok(schemas.ref("Error"), "No or an invalid bearer token."),
        "403": _ok(
            schemas.ref("Error"), "The caller's role may not use this endpoint."
        ),
    }
    if found:
        responses["404"] = _ok(schemas.ref("Error"), "No such record.")
    return {
        "get": {"summary": summary, "parameters": parameters, "responses": responses}
    }


def _paths() -> dict[str, Any]:
    return {
        "/customers": _operation(
            "List customers",
            _list_of("Customer"),
            [*PAGING, _query("q", TEXT, "Search in name and number."), CURRENCY],
        ),
        "/customers/{customer_id}": _operation(
            "One customer",
            schemas.ref("Customer"),
            [_path_id("customer_id")],
            found=True,
        ),
        "/invoices": _operation(
            "List invoices and credit memos",
            _list_of("Invoice"),
            [
                *PAGING,
                _query(
                    "customer", {"type": "integer", "minimum": 1}, "Local customer id."
                ),
                _query("status", {"type": "string", "enum": list(STATUSES)}, "Status."),
                _query("overdue", {"type": "boolean"}, "Open and past due today."),
                CURRENCY,
            ],
        ),
        "/invoices/{invoice_id}": _operation(
            "One invoice", schemas.ref("Invoice"), [_path_id("invoice_id")], found=True
        ),
        "/sync/runs": _operation(
            "Sync runs, newest first", _list_of("SyncRun"), PAGING
        ),
        "/audit": _operation(
            "Audit entries, newest first", schemas.ref("AuditPage"), AUDIT_FILTERS
        ),
        **openapi_collections.paths(),
        **openapi_kpis.paths(),
        **openapi_predictions.paths(),
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ARBridge API",
            "version": "1.0.0",
            "description": "Read access to the mirrored receivables, the sync "
            "runs and the audit log. Money is a decimal string.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": openapi_writes.merge(_paths()),
        "components": {
            "schemas": schemas.components(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> dict[str, Any]:
    return document()
