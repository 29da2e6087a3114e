"""Customer payments: ``POST /customerPayment`` and ``PUT /customerPayment/eid:<key>``.

A payment is validated as a whole before anything is written, so a refused payment
leaves no trace; the write itself runs in one transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from adapters.netsuite.sandbox import ledger
from adapters.netsuite.sandbox.fields import (
    RECORD_KINDS,
    as_text,
    bad_value,
    record_kind,
)
from adapters.netsuite.sandbox.payment_draft import (
    ApplyLine,
    PaymentDraft,
    check_properties,
    parse_draft,
)
from adapters.netsuite.sandbox.records import location, read_json_object
from adapters.netsuite.sandbox.responses import SandboxError, no_content
from adapters.netsuite.sandbox.schema import money

if TYPE_CHECKING:
    import sqlite3

    from werkzeug.wrappers import Request, Response

    from adapters.netsuite.sandbox.schema import Database

PAYMENT: Final = RECORD_KINDS["customerpayment"]


def _customer(conn: sqlite3.Connection, draft: PaymentDraft) -> tuple[int, int | None]:
    row = conn.execute(
        "SELECT currency, subsidiary FROM customer WHERE id = ?", [draft.customer]
    ).fetchone()
    if row is None:
        raise bad_value("customer", f"Customer {draft.customer} does not exist.")
    currency = draft.currency or int(row[0])
    if (
        conn.execute("SELECT 1 FROM currency WHERE id = ?", [currency]).fetchone()
        is None
    ):
        raise bad_value("currency", f"Currency {currency} does not exist.")
    return currency, row[1]


def _open_amount(
    conn: sqlite3.Connection, draft: PaymentDraft, currency: int, line: ApplyLine
) -> Decimal:
    """The invoice's open amount, if it is an open invoice this payment may apply to."""
    row = conn.execute(
        'SELECT entity, currency, foreignamountunpaid, status FROM "transaction" '
        "WHERE id = ? AND type = 'CustInvc'",
        [line.doc],
    ).fetchone()
    if row is None or row[0] != draft.customer or row[1] != currency or row[3] != "A":
        raise bad_value(
            f"apply.items[{line.index}]",
            f"Line {line.index + 1} of apply: invoice {line.doc} is not "
            f"an open invoice of customer {draft.customer} in this currency.",
        )
    return Decimal(row[2])


def _line_amount(
    line: ApplyLine, open_amount: Decimal, left: Decimal | None
) -> Decimal:
    """The amount to apply on ``line``; an omitted amount takes what is open and left."""
    amount = line.amount if line.amount is not None else open_amount
    if left is not None and line.amount is None:
        amount = min(amount, left)
    path = f"apply.items[{line.index}].amount"
    if amount > open_amount:
        raise bad_value(
            path,
            f"Line {line.index + 1} of apply: amount {money(amount)} exceeds the "
            f"amount due {money(open_amount)} on invoice {line.doc}.",
        )
    if left is not None and amount > left:
        raise bad_value(
            path,
            f"Line {line.index + 1} of apply: the applied total exceeds the payment amount.",
        )
    return amount


def _plan(
    conn: sqlite3.Connection, draft: PaymentDraft, currency: int
) -> tuple[Decimal, list[tuple[int, Decimal]]]:
    planned: dict[int, Decimal] = {}
    left = draft.amount
    applications: list[tuple[int, Decimal]] = []
    for line in draft.lines:
        open_amount = _open_amount(conn, draft, currency, line)
        open_amount -= planned.get(line.doc, Decimal(0))
        amount = _line_amount(line, open_amount, left).quantize(Decimal("0.01"))
        planned[line.doc] = planned.get(line.doc, Decimal(0)) + amount
        left = None if left is None else left - amount
        if amount > 0:
            applications.append((line.doc, amount))
    total = (
        draft.amount if draft.amount is not None else sum(planned.values(), Decimal(0))
    )
    return total, applications


def create_payment(conn: sqlite3.Connection, draft: PaymentDraft, now: str) -> int:
    """Validate and write a payment with its applications; return its id.

    Raises:
        SandboxError: 400 ``DUP_RCRD`` for a used external id, ``INVALID_FLD_VALUE``
            for a bad customer, currency or apply line (over-application included).
    """
    if draft.external_id is not None and _payment_by_eid(conn, draft.external_id):
        raise SandboxError(
            400,
            "DUP_RCRD",
            "A customerpayment record with external ID "
            f"'{draft.external_id}' already exists.",
            errorPath="externalId",
        )
    currency, subsidiary = _customer(conn, draft)
    total, applications = _plan(conn, draft, currency)
    pay_id = ledger.next_transaction_id(conn)
    _insert_payment(conn, draft, pay_id, currency, subsidiary, total, applications, now)
    for index, (doc, amount) in enumerate(applications, start=1):
        conn.execute(
            "INSERT INTO NextTransactionLineLink VALUES (?, 0, ?, ?, 'Payment', "
            "'CustInvc', 'CustPymt', ?)",
            [doc, pay_id, index, money(amount)],
        )
        ledger.open_document(conn, doc, -amount, now)
    return pay_id


def _insert_payment(
    conn: sqlite3.Connection,
    draft: PaymentDraft,
    pay_id: int,
    currency: int,
    subsidiary: int | None,
    total: Decimal,
    applications: list[tuple[int, Decimal]],
    now: str,
) -> None:
    rate = conn.execute("SELECT exchangerate FROM currency WHERE id = ?", [currency])
    unused = total - sum((a for _, a in applications), Decimal(0))
    conn.execute(
        'INSERT INTO "transaction" (id, tranid, type, status, entity, trandate, currency, '
        "exchangerate, foreigntotal, foreignpaymentamountunused, memo, externalid, "
        "createddate, lastmodifieddate) VALUES (?, ?, 'CustPymt', 'C', ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?)",
        [
            pay_id,
            draft.tranid or f"PYMT{pay_id}",
            draft.customer,
            draft.trandate or now[:10],
            currency,
            rate.fetchone()[0],
            money(total),
            money(unused),
            draft.memo,
            draft.external_id,
            now,
            now,
        ],
    )
    conn.execute(
        'INSERT INTO transactionline ("transaction", id, mainline, subsidiary, entity, '
        "foreignamount) VALUES (?, 0, 'T', ?, ?, ?)",
        [pay_id, subsidiary, draft.customer, money(total)],
    )


def _payment_by_eid(conn: sqlite3.Connection, external_id: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM \"transaction\" WHERE type = 'CustPymt' AND externalid = ?",
        [external_id],
    ).fetchone()
    return None if row is None else int(row[0])


def _strict(request: Request) -> bool:
    return (
        request.headers.get("X-NetSuite-PropertyNameValidation", "").lower() == "error"
    )


def handle_post(
    request: Request, db: Database, type_name: str, base_url: str
) -> Response:
    """Create a record; the sandbox creates ``customerPayment`` records only.

    Raises:
        SandboxError: 400 for other record types and for refused payments.
    """
    if record_kind(type_name) is not PAYMENT:
        raise SandboxError(
            400,
            "INVALID_PARAMETER",
            f"The sandbox cannot create '{type_name}' records; only customerPayment.",
        )
    body = read_json_object(request)
    check_properties(body, strict=_strict(request))
    draft = parse_draft(body)
    with db.write() as conn:
        pay_id = create_payment(conn, draft, db.now_text())
    return no_content(location(base_url, PAYMENT, pay_id))


def handle_put(
    request: Request, db: Database, type_name: str, ref: str, base_url: str
) -> Response:
    """Upsert a payment by external id: create it, or else update its memo only.

    An existing payment's applications are never applied again.

    Raises:
        SandboxError: 400 for other record types or a reference without ``eid:``.
    """
    if (
        record_kind(type_name) is not PAYMENT
        or not ref.startswith("eid:")
        or ref == "eid:"
    ):
        raise SandboxError(
            400,
            "INVALID_PARAMETER",
            "Upsert is PUT /customerPayment/eid:<externalId> in the sandbox.",
        )
    key = ref[4:]
    body = {**read_json_object(request), "externalId": key}
    check_properties(body, strict=_strict(request))
    with db.write() as conn:
        pay_id = _payment_by_eid(conn, key)
        if pay_id is None:
            pay_id = create_payment(conn, parse_draft(body), db.now_text())
        elif "memo" in body:
            memo = as_text("memo", body["memo"])
            ledger.set_columns(
                conn, "transaction", pay_id, {"memo": memo}, db.now_text()
            )
    return no_content(location(base_url, PAYMENT, pay_id))
