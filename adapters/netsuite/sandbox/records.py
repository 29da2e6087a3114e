"""Record API: GET, PATCH and DELETE of customers, invoices, credit memos, payments."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox import deletion, ledger
from adapters.netsuite.sandbox.fields import (
    CUSTOMER_FIELDS,
    TRANSACTION_FIELDS,
    RecordKind,
    iso_timestamp,
    record_kind,
)
from adapters.netsuite.sandbox.responses import SandboxError, json_response, no_content

if TYPE_CHECKING:
    import sqlite3

    from werkzeug.wrappers import Request, Response

    from adapters.netsuite.sandbox.schema import Database

RECORD_PATH: Final = "/services/rest/record/v1"
STATUS_NAMES: Final = {
    ("CustInvc", "A"): "Open",
    ("CustInvc", "B"): "Paid In Full",
    ("CustInvc", "V"): "Voided",
    ("CustCred", "A"): "Open",
    ("CustCred", "B"): "Fully Applied",
    ("CustCred", "V"): "Voided",
    ("CustPymt", "C"): "Deposited",
    ("CustPymt", "V"): "Voided",
}


def location(base_url: str, kind: RecordKind, record_id: int) -> str:
    """Return the ``Location`` of a record as NetSuite sends it after a write."""
    return f"{base_url}{RECORD_PATH}/{kind.name}/{record_id}"


def read_json_object(request: Request) -> dict[str, object]:
    """Parse the body as a JSON object, numbers with a fraction as ``Decimal``.

    Raises:
        SandboxError: 400 ``INVALID_CONTENT`` when the body is not a JSON object.
    """
    try:
        body = json.loads(request.get_data(as_text=True) or "{}", parse_float=Decimal)
    except ValueError as exc:
        raise SandboxError(
            400, "INVALID_CONTENT", "The request body is not valid JSON."
        ) from exc
    if not isinstance(body, dict):
        raise SandboxError(
            400, "INVALID_CONTENT", "The request body must be a JSON object."
        )
    return body


def handle_get(db: Database, type_name: str, ref: str) -> Response:
    """Answer ``GET /record/v1/<type>/<id | eid:key>`` with typed JSON."""
    kind = record_kind(type_name)
    with db.read() as conn:
        record_id = ledger.resolve(conn, kind, ref)
        body = serialize(conn, kind, record_id)
    return json_response(body, "singular-resource")


def handle_patch(
    request: Request, db: Database, type_name: str, ref: str, base_url: str
) -> Response:
    """Partially update a record; unknown properties are 400 when validation is on.

    Raises:
        SandboxError: 400 ``INVALID_FIELD`` / ``INVALID_FLD_VALUE``, 404.
    """
    kind = record_kind(type_name)
    body = read_json_object(request)
    strict = (
        request.headers.get("X-NetSuite-PropertyNameValidation", "").lower() == "error"
    )
    fields = CUSTOMER_FIELDS if kind.table == "customer" else TRANSACTION_FIELDS
    updates: dict[str, object] = {}
    for prop, value in body.items():
        if prop not in fields:
            if strict:
                raise SandboxError(
                    400,
                    "INVALID_FIELD",
                    f"Invalid field '{prop}' for record '{kind.name}'.",
                    errorPath=prop,
                )
            continue
        column, convert = fields[prop]
        updates[column] = convert(prop, value)
    with db.write() as conn:
        record_id = ledger.resolve(conn, kind, ref)
        ledger.set_columns(conn, kind.table, record_id, updates, db.now_text())
    return no_content(location(base_url, kind, record_id))


def handle_delete(db: Database, type_name: str, ref: str) -> Response:
    """Delete a record; a ``DeletedRecord`` row remembers it.

    Raises:
        SandboxError: 404; 400 ``deletion.DEPENDENT_RECORDS`` when something is
            applied to it or, for a customer, it has transactions (nothing changes).
    """
    kind = record_kind(type_name)
    with db.write() as conn:
        record_id = ledger.resolve(conn, kind, ref)
        deletion.delete(conn, kind, record_id, db.now_text())
    return no_content("")


def serialize(
    conn: sqlite3.Connection, kind: RecordKind, record_id: int
) -> dict[str, object]:
    """Render one stored record as the Record API's typed JSON (nulls omitted)."""
    row = dict(
        conn.execute(
            f'SELECT * FROM "{kind.table}" WHERE id = ?', [record_id]
        ).fetchone()
    )
    currency = conn.execute(
        "SELECT symbol FROM currency WHERE id = ?", [row["currency"]]
    )
    ref_currency = {"id": str(row["currency"]), "refName": currency.fetchone()[0]}
    if kind.table == "customer":
        body = _customer(conn, row)
    else:
        body = _transaction(conn, kind, row)
    body["currency"] = ref_currency
    return {key: value for key, value in body.items() if value is not None}


def _ref(value: object) -> dict[str, str] | None:
    return None if value is None else {"id": str(value)}


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _customer(conn: sqlite3.Connection, row: dict[str, object]) -> dict[str, object]:
    names = {
        "subsidiary": conn.execute(
            "SELECT name FROM subsidiary WHERE id = ?", [row["subsidiary"]]
        ),
        "terms": conn.execute("SELECT name FROM term WHERE id = ?", [row["terms"]]),
        "category": conn.execute(
            "SELECT name FROM customercategory WHERE id = ?", [row["category"]]
        ),
    }
    refs = {
        k: (
            {"id": str(row[k]), "refName": c.fetchone()[0]}
            if row[k] is not None
            else None
        )
        for k, c in names.items()
    }
    return {
        "id": str(row["id"]),
        "entityId": row["entityid"],
        "companyName": row["companyname"],
        "email": row["email"],
        "phone": row["phone"],
        "creditLimit": _decimal(row["creditlimit"]),
        "isInactive": row["isinactive"] == "T",
        "externalId": row["externalid"],
        "dateCreated": iso_timestamp(_str(row["datecreated"])),
        "lastModifiedDate": iso_timestamp(_str(row["lastmodifieddate"])),
        "custentity_arb_collection_status": row["custentity_arb_collection_status"],
        "custentity_arb_risk_score": row["custentity_arb_risk_score"],
        **refs,
    }


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _transaction(
    conn: sqlite3.Connection, kind: RecordKind, row: dict[str, object]
) -> dict[str, object]:
    letter = str(row["status"])
    body: dict[str, object] = {
        "id": str(row["id"]),
        "tranId": row["tranid"],
        "externalId": row["externalid"],
        "entity": _ref(row["entity"]),
        "tranDate": row["trandate"],
        "dueDate": row["duedate"],
        "total": _decimal(row["foreigntotal"]),
        "exchangeRate": _decimal(row["exchangerate"]),
        "status": {
            "id": letter,
            "refName": STATUS_NAMES.get((str(row["type"]), letter), letter),
        },
        "memo": row["memo"],
        "voided": row["voided"] == "T",
        "createdDate": iso_timestamp(_str(row["createddate"])),
        "lastModifiedDate": iso_timestamp(_str(row["lastmodifieddate"])),
        "terms": _ref(row["terms"]),
        "custbody_arb_collection_status": row["custbody_arb_collection_status"],
        "custbody_arb_dunning_level": row["custbody_arb_dunning_level"],
        "custbody_arb_promise_date": row["custbody_arb_promise_date"],
        "custbody_arb_in_dispute": row["custbody_arb_in_dispute"] == "T",
    }
    main = conn.execute(
        'SELECT subsidiary FROM transactionline WHERE "transaction" = ? AND id = 0',
        [row["id"]],
    ).fetchone()
    body["subsidiary"] = _ref(main[0] if main is not None else None)
    if kind.tran_type == "CustPymt":
        body.update(_payment_parts(conn, row))
    else:
        body["amountRemaining"] = _decimal(row["foreignamountunpaid"])
        body["amountPaid"] = _decimal(row["foreignamountpaid"])
        body["toBeEmailed"] = row["tobeemailed"] == "T"
    return body


def _payment_parts(
    conn: sqlite3.Connection, row: dict[str, object]
) -> dict[str, object]:
    links = conn.execute(
        "SELECT previousdoc, foreignamount FROM NextTransactionLineLink "
        "WHERE nextdoc = ? ORDER BY previousdoc",
        [row["id"]],
    ).fetchall()
    total = Decimal(str(row["foreigntotal"]))
    unused = Decimal(str(row["foreignpaymentamountunused"] or "0.00"))
    items = [
        {"doc": {"id": str(d)}, "apply": True, "amount": Decimal(a)} for d, a in links
    ]
    return {
        "customer": _ref(row["entity"]),
        "payment": total,
        "applied": total - unused,
        "unapplied": unused,
        "apply": {"items": items},
    }
