"""customerPayment: POST applies to invoices, PUT eid: upserts without re-applying."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from ns_sandbox_helpers import Api, error_code

from adapters.netsuite.sandbox import NetSuiteSandbox

APPLICATIONS = (
    "SELECT l.nextdoc, l.previousdoc, l.foreignamount FROM NextTransactionLineLink l "
    "WHERE l.linktype = 'Payment' AND l.nexttype = 'CustPymt' AND l.nextdoc IN ({ids}) "
    "ORDER BY l.nextdoc, l.previousdoc"
)


def _invoice(sandbox: NetSuiteSandbox, amount: str, customer: int = 1003) -> int:
    return sandbox.add_invoice(
        customer_id=customer,
        amount=Decimal(amount),
        trandate=date(2025, 6, 1),
        duedate=date(2025, 7, 1),
    )


def _payment(
    customer: int, amount: str, *lines: tuple[int, str], **extra: Any
) -> dict[str, Any]:
    return {
        "customer": {"id": str(customer)},
        "payment": float(amount),
        "tranDate": "2025-07-02",
        "apply": {
            "items": [
                {"doc": {"id": str(doc)}, "apply": True, "amount": float(value)}
                for doc, value in lines
            ]
        },
        **extra,
    }


def _invoice_state(sandbox: NetSuiteSandbox, invoice_id: int) -> tuple[str, str]:
    (row,) = sandbox.query(
        'SELECT status, foreignamountunpaid FROM "transaction" WHERE id = ?',
        [invoice_id],
    )
    return row["status"], row["foreignamountunpaid"]


def _payment_count(sandbox: NetSuiteSandbox) -> int:
    rows = sandbox.query(
        "SELECT COUNT(*) AS n FROM \"transaction\" WHERE type = 'CustPymt'"
    )
    return int(rows[0]["n"])


def test_partial_payment_reduces_open_amount_and_keeps_invoice_open(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "1000.00")

    response = api.record(
        "POST",
        "/customerPayment",
        json=_payment(1003, "400.10", (invoice_id, "400.10")),
    )

    assert response.status_code == 204
    payment_id = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"].startswith(
        f"{api.base}/services/rest/record/v1/"
    )
    assert _invoice_state(sandbox, invoice_id) == ("A", "599.90")
    assert api.rows(APPLICATIONS.format(ids=payment_id)) == [
        {
            "links": [],
            "nextdoc": payment_id,
            "previousdoc": str(invoice_id),
            "foreignamount": "400.10",
        }
    ]


def test_full_payment_flips_invoice_to_paid_in_full(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    first, second = _invoice(sandbox, "300.00"), _invoice(sandbox, "200.00")

    response = api.record(
        "POST",
        "/customerPayment",
        json=_payment(1003, "550.00", (first, "300.00"), (second, "200.00")),
    )

    assert response.status_code == 204
    assert _invoice_state(sandbox, first) == ("B", "0.00")
    assert _invoice_state(sandbox, second) == ("B", "0.00")
    payment_id = response.headers["Location"].rsplit("/", 1)[1]
    (payment,) = api.rows(
        "SELECT t.status, t.foreigntotal, t.foreignpaymentamountunused FROM transaction t "
        f"WHERE t.id = {payment_id}"
    )
    assert payment["status"] == "C"
    assert payment["foreigntotal"] == "550.00"
    assert payment["foreignpaymentamountunused"] == "50.00"
    (lmd,) = sandbox.query(
        'SELECT lastmodifieddate FROM "transaction" WHERE id = ?', [first]
    )
    assert lmd["lastmodifieddate"] > "2025-06-30 00:00:00"


@pytest.mark.parametrize(
    ("payment", "applied", "path"),
    [
        pytest.param("600.00", "500.01", "apply.items[0].amount", id="more-than-open"),
        pytest.param(
            "100.00", "200.00", "apply.items[0].amount", id="more-than-payment"
        ),
    ],
)
def test_over_application_is_400_naming_the_line_and_writes_nothing(
    api: Api, sandbox: NetSuiteSandbox, payment: str, applied: str, path: str
) -> None:
    invoice_id = _invoice(sandbox, "500.00")
    before = _payment_count(sandbox)

    response = api.record(
        "POST", "/customerPayment", json=_payment(1003, payment, (invoice_id, applied))
    )

    assert response.status_code == 400
    detail = response.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_FLD_VALUE"
    assert detail["o:errorPath"] == path
    assert "Line 1" in detail["detail"]
    assert _payment_count(sandbox) == before
    assert _invoice_state(sandbox, invoice_id) == ("A", "500.00")


def test_second_line_over_applying_names_line_two(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    first, second = _invoice(sandbox, "100.00"), _invoice(sandbox, "100.00")

    response = api.record(
        "POST",
        "/customerPayment",
        json=_payment(1003, "150.00", (first, "100.00"), (second, "100.00")),
    )

    assert response.status_code == 400
    assert (
        response.json()["o:errorDetails"][0]["o:errorPath"] == "apply.items[1].amount"
    )
    assert _invoice_state(sandbox, first) == ("A", "100.00")


def test_duplicate_external_id_is_dup_rcrd(api: Api, sandbox: NetSuiteSandbox) -> None:
    invoice_id = _invoice(sandbox, "100.00")
    body = _payment(1003, "10.00", (invoice_id, "10.00"), externalId="ARB-DUP-1")

    first = api.record("POST", "/customerPayment", json=body)
    second = api.record("POST", "/customerPayment", json=body)

    assert first.status_code == 204
    assert second.status_code == 400
    assert error_code(second) == "DUP_RCRD"
    assert _invoice_state(sandbox, invoice_id) == ("A", "90.00")


def test_put_eid_upsert_twice_creates_one_payment_and_applies_once(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "800.00")
    body = _payment(1003, "800.00", (invoice_id, "800.00"), memo="first")

    first = api.record("PUT", "/customerPayment/eid:ARB-PAY-42", json=body)
    second = api.record(
        "PUT", "/customerPayment/eid:ARB-PAY-42", json={**body, "memo": "again"}
    )

    assert first.status_code == second.status_code == 204
    assert first.headers["Location"] == second.headers["Location"]
    rows = sandbox.query(
        "SELECT id, memo, externalid FROM \"transaction\" WHERE externalid = 'ARB-PAY-42'"
    )
    assert [(r["memo"], r["externalid"]) for r in rows] == [("again", "ARB-PAY-42")]
    links = sandbox.query(
        "SELECT foreignamount FROM NextTransactionLineLink WHERE nextdoc = ?",
        [rows[0]["id"]],
    )
    assert links == [{"foreignamount": "800.00"}]
    assert _invoice_state(sandbox, invoice_id) == ("B", "0.00")


def test_payment_for_another_customers_invoice_is_refused(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "100.00", customer=1004)

    response = api.record(
        "POST",
        "/customerPayment",
        json=_payment(1003, "100.00", (invoice_id, "100.00")),
    )

    assert response.status_code == 400
    assert response.json()["o:errorDetails"][0]["o:errorPath"] == "apply.items[0]"


def test_get_payment_lists_its_applications(api: Api, sandbox: NetSuiteSandbox) -> None:
    invoice_id = _invoice(sandbox, "75.25")
    created = api.record(
        "POST", "/customerPayment", json=_payment(1003, "75.25", (invoice_id, "75.25"))
    )

    body = api.record("GET", created.headers["Location"].split("/record/v1")[1]).json()

    assert body["payment"] == 75.25
    assert body["unapplied"] == 0
    assert body["apply"]["items"] == [
        {"doc": {"id": str(invoice_id)}, "apply": True, "amount": 75.25}
    ]
