"""The ``components.schemas`` of the OpenAPI document: the JSON the API returns."""

from __future__ import annotations

from typing import Any

from gateway.queries.invoices import STATUSES

Schema = dict[str, Any]
STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
TIME: Schema = {"type": "string", "format": "date-time"}
RUN_COUNTERS = (
    "pages", "records_read", "records_created", "records_updated",
    "records_unchanged", "records_rejected", "records_deleted", "conflicts",
)  # fmt: skip


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(required: Schema, nullable: Schema | None = None) -> Schema:
    """Every property is always present; ``nullable`` ones may be null."""
    nulls = {key: _nullable(value) for key, value in (nullable or {}).items()}
    properties = {**required, **nulls}
    return {"type": "object", "required": list(properties), "properties": properties}


def _refs() -> Schema:
    return {"refs": {"type": "array", "items": ref("Ref")}}


def _customer() -> Schema:
    return _object(
        {"id": INT, "is_active": BOOL, "created_at": TIME, "updated_at": TIME,
         **_refs()},
        {"number": STR, "name": STR, "email": STR, "phone": STR, "currency": STR,
         "credit_limit": ref("Money"), "company": STR, "terms": STR,
         "segment": STR, "collection_status": STR, "risk_score": INT},
    )  # fmt: skip


def _invoice() -> Schema:
    return _object(
        {"id": INT, "kind": {"type": "string", "enum": ["invoice", "credit_memo"]},
         "status": {"type": "string", "enum": list(STATUSES)},
         "days_overdue": INT, "created_at": TIME, "updated_at": TIME, **_refs()},
        {"customer_id": INT, "number": STR, "company": STR, "currency": STR,
         "amount": ref("Money"), "open_amount": ref("Money"), "issue_date": DATE,
         "due_date": DATE, "memo": STR, "collection_status": STR,
         "dunning_level": INT, "promise_date": DATE, "in_dispute": BOOL},
    )  # fmt: skip


def _sync_run() -> Schema:
    return _object(
        {"id": INT, "connection": STR, "mode": STR, "status": STR,
         "started_at": TIME, **dict.fromkeys(RUN_COUNTERS, INT)},
        {"stream": STR, "finished_at": TIME, "error": STR},
    )  # fmt: skip


def _audit_entry() -> Schema:
    return _object(
        {"id": INT, "at": TIME, "tag": STR, "direction": STR, "object_type": STR,
         "field": STR, "actor": STR, "prev_hash": STR, "hash": STR},
        {"connection": STR, "external_id": STR, "local_id": INT, "old": STR,
         "new": STR, "rule": STR, "run_id": INT},
    )  # fmt: skip


def _error() -> Schema:
    body = {"type": "object", "required": ["code", "message"],
            "properties": {"code": STR, "message": STR, "field": STR}}  # fmt: skip
    return _object({"error": body})


def components() -> Schema:
    return {
        "Money": _object(
            {"amount": {**STR, "pattern": r"^-?\d+\.\d+$"}, "currency": STR}
        ),
        "Ref": _object({"connection": STR, "object_type": STR, "external_id": STR}),
        "Customer": _customer(),
        "Invoice": _invoice(),
        "SyncRun": _sync_run(),
        "AuditEntry": _audit_entry(),
        "AuditPage": _object(
            {"items": {"type": "array", "items": ref("AuditEntry")}},
            {"next_before_id": INT},
        ),
        "Error": _error(),
    }
