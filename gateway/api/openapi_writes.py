"""The OpenAPI paths of the write API: payments, invoice collection fields, and the
sync monitor (streams, conflicts, outbox)."""

from __future__ import annotations

from typing import Any

from gateway.api.openapi_schemas import BOOL, DATE, INT, STR, TIME, ref
from gateway.queries.outbox import STATUSES as OUTBOX_STATUSES
from gateway.services.invoice_edits import COLLECTION_STATUSES, MAX_DUNNING_LEVEL

_JSON = "application/json"
_NULL_STR = {"type": ["string", "null"]}
_NULL_INT = {"type": ["integer", "null"]}
_NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
_DECIMAL = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$",
            "description": 'Decimal string, more than zero, at most 2 places: "125.50".'}  # fmt: skip
_TARGET = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "description": "Local id."},
        {"type": "object", "required": ["connection", "external_id"],
         "properties": {"connection": STR, "external_id": STR},
         "description": "The record's id in a connection."},
    ]
}  # fmt: skip
_NEW_PAYMENT = {
    "type": "object",
    "required": ["customer", "amount", "currency", "date"],
    "properties": {
        "customer": _TARGET, "amount": _DECIMAL,
        "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "date": DATE, "reference": {"type": "string", "maxLength": 200},
        "idempotency_key": {
            "type": "string", "pattern": "^[A-Za-z0-9._:-]{1,120}$",
            "description": "Required here or in the Idempotency-Key header.",
        },
        "allocations": {"type": "array", "maxItems": 500, "items": {
            "type": "object", "required": ["invoice", "amount"],
            "properties": {"invoice": _TARGET, "amount": _DECIMAL}}},
    },
}  # fmt: skip
_PAYMENT = {
    "type": "object",
    "properties": {
        "id": INT, "customer_id": INT,
        "status": {"type": "string", "description": "pending until posted to the ERP"},
        "currency": STR, "amount": ref("Money"), "unapplied_amount": ref("Money"),
        "payment_date": DATE, "reference": _NULL_STR, "idempotency_key": STR,
        "created_at": TIME, "updated_at": TIME,
        "allocations": {"type": "array", "items": {"type": "object", "properties": {
            "invoice_id": INT, "invoice_ref": STR, "amount": ref("Money")}}},
    },
}  # fmt: skip
_INVOICE_PATCH = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "dunning_level": {"type": "integer", "minimum": 0, "maximum": MAX_DUNNING_LEVEL},
        "in_dispute": BOOL,
        "promise_date": {"type": ["string", "null"], "format": "date"},
        "collection_status": {"type": "string", "enum": list(COLLECTION_STATUSES)},
    },
}  # fmt: skip
_RUN = {"oneOf": [ref("SyncRun"), {"type": "null"}]}
_STREAMS = {"type": "object", "properties": {"as_of": TIME, "items": {
    "type": "array", "items": {"type": "object", "properties": {
        "connection": STR, "last_run": _RUN, "streams": {"type": "array", "items": {
            "type": "object", "properties": {
                "stream": STR, "watermark": _NULL_STR, "tiebreak": _NULL_STR,
                "cursor_updated_at": TIME, "last_run": _RUN,
                "lag_seconds": {**_NULL_INT, "description": "now - watermark"}}}}}}}}}  # fmt: skip
_CONFLICT = {"type": "object", "properties": {
    "id": INT, "kind": {"type": "string", "enum": ["conflict", "flag"]},
    "connection": STR, "object_type": STR, "local_id": INT, "external_id": STR,
    "field": STR, "mirror_value": _NULL_STR, "remote_value": _NULL_STR, "rule": STR,
    "status": {"type": "string", "enum": ["open", "resolved"]}, "run_id": _NULL_INT,
    "created_at": TIME, "resolved_at": _NULL_TIME, "resolved_by": _NULL_STR}}  # fmt: skip
_OUTBOX_ITEM = {"type": "object", "properties": {
    "id": INT, "connection": STR, "operation": STR, "object_type": STR,
    "local_id": _NULL_INT, "external_id": _NULL_STR, "idempotency_key": STR,
    "fields": {**STR, "description": "JSON list of field names"},
    "status": {"type": "string", "enum": list(OUTBOX_STATUSES)}, "retrying": BOOL,
    "attempts": INT, "next_attempt_at": TIME, "claimed_by": _NULL_STR,
    "claimed_until": _NULL_TIME, "last_error": _NULL_STR, "created_at": TIME,
    "updated_at": TIME}}  # fmt: skip
_OUTBOX = {"type": "object", "properties": {
    "counts": {"type": "object", "additionalProperties": INT,
               "description": "Rows per status; retrying = pending after a failure."},
    "items": {"type": "array", "items": _OUTBOX_ITEM}}}  # fmt: skip
_ERRORS = {
    "400": "Malformed JSON or an invalid field; `field` names it.",
    "401": "Not authenticated.",
    "403": "Role not allowed.",
    "404": "No such record.",
    "409": "Refused: a field owned by another system, a reused idempotency key, "
    "or a record not in a state that allows it.",
    "415": "The body is not JSON.",
    "422": "The input does not fit the data (unknown customer or invoice, currency "
    "mismatch, over-allocation); `field` names it.",
}


def _resp(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _op(
    summary: str, ok: dict[str, Any], errors: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            **ok,
            **{c: _resp(ref("Error"), _ERRORS[c]) for c in errors.split()},
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {_JSON: {"schema": body}}}
    return op


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1}}  # fmt: skip


def _q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _payment_paths() -> dict[str, Any]:
    key = {"name": "Idempotency-Key", "in": "header", "required": False,
           "schema": {"type": "string"}}  # fmt: skip
    create = _op(
        "Record a payment to post to the customer's ERP (admin, collector; audited)",
        {"201": _resp(_PAYMENT, "Created; Location names it."),
         "200": _resp(_PAYMENT, "The payment first stored under this idempotency key.")},
        "400 401 403 409 415 422", _NEW_PAYMENT,
    )  # fmt: skip
    create["parameters"] = [key]
    one = _op("One payment", {"200": _resp(_PAYMENT)}, "401 403 404")
    one["parameters"] = [_id("payment_id")]
    return {"/payments": {"post": create}, "/payments/{payment_id}": {"get": one}}


def _monitor_paths() -> dict[str, Any]:
    resolve_body = {"type": "object", "required": ["resolution"], "properties": {
        "resolution": {"type": "string", "enum": ["keep_mirror", "take_remote"]}}}  # fmt: skip
    resolve = _op("Resolve a conflict (admin; audited)", {"200": _resp(_CONFLICT)},
                  "400 401 403 404 409 415 422", resolve_body)  # fmt: skip
    resolve["parameters"] = [_id("conflict_id")]
    conflicts = _op("Conflicts and flags, oldest first (admin)",
                    {"200": _resp({"type": "object", "properties": {
                        "items": {"type": "array", "items": _CONFLICT}}})}, "400 401 403")  # fmt: skip
    conflicts["parameters"] = [
        _q("status", {"type": "string", "enum": ["open", "resolved", "all"]}),
        _q("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
    ]
    outbox = _op("Outbox counts and rows, newest first (admin)",
                 {"200": _resp(_OUTBOX)}, "400 401 403")  # fmt: skip
    outbox["parameters"] = [
        _q("status", {"type": "string", "enum": list(OUTBOX_STATUSES)}),
        _q("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
    ]
    paths = {
        "/sync/streams": {"get": _op("Per connection and stream: last run, cursor, lag "
                                     "(admin)", {"200": _resp(_STREAMS)}, "401 403")},
        "/sync/conflicts": {"get": conflicts},
        "/sync/conflicts/{conflict_id}/resolve": {"post": resolve},
        "/sync/outbox": {"get": outbox},
    }  # fmt: skip
    for action in ("retry", "discard"):
        op = _op(f"{action.capitalize()} an outbox row (admin; audited)",
                 {"200": _resp(_OUTBOX_ITEM)}, "401 403 404 409")  # fmt: skip
        op["parameters"] = [_id("item_id")]
        paths[f"/sync/outbox/{{item_id}}/{action}"] = {"post": op}
    return paths


def merge(paths: dict[str, Any]) -> dict[str, Any]:
    """``paths`` with the write API's operations added (a path may gain a method)."""
    patch = _op(
        "Set gateway-owned collection fields (admin, collector; audited, written back)",
        {"200": _resp(ref("Invoice"))}, "400 401 403 404 409 415", _INVOICE_PATCH,
    )  # fmt: skip
    patch["parameters"] = [_id("invoice_id")]
    merged = {path: dict(ops) for path, ops in paths.items()}
    extra = {**_payment_paths(), **_monitor_paths(),
             "/invoices/{invoice_id}": {"patch": patch}}  # fmt: skip
    for path, ops in extra.items():
        merged.setdefault(path, {}).update(ops)
    return merged
