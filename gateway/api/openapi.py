"""``/openapi.json``: a hand-written OpenAPI 3.1 description of this API."""

from __future__ import annotations

from typing import Any

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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
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
        "400": _ok(_ref("Error"), "A query parameter is invalid."),
        "401": _ok(_ref("Error"), "No or an invalid bearer token."),
        "403": _ok(_ref("Error"), "The caller's role may not use this endpoint."),
    }
    if found:
        responses["404"] = _ok(_ref("Error"), "No such record.")
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
            "One customer", _ref("Customer"), [_path_id("customer_id")], found=True
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
            "One invoice", _ref("Invoice"), [_path_id("invoice_id")], found=True
        ),
        "/sync/runs": _operation(
            "Sync runs, newest first", _list_of("SyncRun"), PAGING
        ),
        "/audit": _operation(
            "Audit entries, newest first", _ref("AuditPage"), AUDIT_FILTERS
        ),
    }


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(required: dict[str, Any], optional: dict[str, Any]) -> dict[str, Any]:
    properties = {**required, **{k: _nullable(v) for k, v in optional.items()}}
    return {"type": "object", "required": list(properties), "properties": properties}


REFS = {"refs": {"type": "array", "items": _ref("Ref")}}
MONEY = _ref("Money")


def _components() -> dict[str, Any]:
    return {
        "Money": _object(
            {"amount": {**STR, "pattern": r"^-?\d+\.\d+$"}, "currency": STR}, {}
        ),
        "Ref": _object({"connection": STR, "object_type": STR, "external_id": STR}, {}),
        "Customer": _object(
            {
                "id": INT,
                "is_active": BOOL,
                "created_at": TIME,
                "updated_at": TIME,
                **REFS,
            },
            {
                "number": STR,
                "name": STR,
                "email": STR,
                "phone": STR,
                "currency": STR,
                "credit_limit": MONEY,
                "company": STR,
                "terms": STR,
                "collection_status": STR,
                "risk_score": INT,
            },
        ),
        "Invoice": _object(
            {
                "id": INT,
                "kind": {"type": "string", "enum": ["invoice", "credit_memo"]},
                "status": {"type": "string", "enum": list(STATUSES)},
                "days_overdue": INT,
                "created_at": TIME,
                "updated_at": TIME,
                **REFS,
            },
            {
                "customer_id": INT,
                "number": STR,
                "company": STR,
                "currency": STR,
                "amount": MONEY,
                "open_amount": MONEY,
                "issue_date": DATE,
                "due_date": DATE,
                "memo": STR,
                "collection_status": STR,
                "dunning_level": INT,
                "promise_date": DATE,
                "in_dispute": BOOL,
            },
        ),
        "SyncRun": _object(
            {
                "id": INT,
                "connection": STR,
                "mode": STR,
                "status": STR,
                "started_at": TIME,
                **dict.fromkeys(
                    (
                        "pages",
                        "records_read",
                        "records_created",
                        "records_updated",
                        "records_unchanged",
                        "records_rejected",
                        "records_deleted",
                        "conflicts",
                    ),
                    INT,
                ),
            },
            {"stream": STR, "finished_at": TIME, "error": STR},
        ),
        "AuditEntry": _object(
            {
                "id": INT,
                "at": TIME,
                "tag": STR,
                "direction": STR,
                "object_type": STR,
                "field": STR,
                "actor": STR,
                "prev_hash": STR,
                "hash": STR,
            },
            {
                "connection": STR,
                "external_id": STR,
                "local_id": INT,
                "old": STR,
                "new": STR,
                "rule": STR,
                "run_id": INT,
            },
        ),
        "AuditPage": _object(
            {"items": {"type": "array", "items": _ref("AuditEntry")}},
            {"next_before_id": INT},
        ),
        "Error": _object(
            {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": STR, "message": STR, "field": STR},
                }
            },
            {},
        ),
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
        "paths": _paths(),
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> dict[str, Any]:
    return document()
