"""Record API DELETE: refused while other records depend on the record, as in NetSuite.

An invoice something is applied to, or a customer with transactions, answers 400
``THIS_RECORD_CANNOT_BE_DELETED_SINCE_IT_HAS_DEPENDENT_RECORDS`` and nothing changes;
deleting a payment or credit memo is allowed and reopens what it was applied to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import requests
from ns_sandbox_helpers import ANCHOR, Api, error_code, make_auth

from adapters.errors import RejectedError
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.sandbox import NetSuiteSandbox
from adapters.retry import RetryPolicy

DEPENDENT = "THIS_RECORD_CANNOT_BE_DELETED_SINCE_IT_HAS_DEPENDENT_RECORDS"
REFUSED = "This record cannot be deleted because it has dependent records: "
CUSTOMER = 1002
# The adapter's deletions query (docs/netsuite-wire.md), narrowed to one record id.
DELETIONS = (
    "SELECT d.recordid, d.recordtype, "
    "TO_CHAR(d.deleteddate, 'YYYY-MM-DD HH24:MI:SS') AS deleteddate "
    "FROM DeletedRecord d "
    "WHERE d.recordtype IN ('customer', 'invoice', 'creditmemo', 'customerpayment') "
    "AND d.recordid = {id} ORDER BY d.deleteddate, d.recordid"
)
SNAPSHOT = (
    "SELECT * FROM customer ORDER BY id",
    'SELECT * FROM "transaction" ORDER BY id',
    'SELECT * FROM transactionline ORDER BY "transaction", id',
    "SELECT * FROM NextTransactionLineLink ORDER BY previousdoc, nextdoc",
    "SELECT * FROM DeletedRecord ORDER BY recordid",
)
SEEDED_APPLIED = (
    'SELECT l.previousdoc AS id FROM NextTransactionLineLink l JOIN "transaction" t '
    "ON t.id = l.previousdoc WHERE {where} ORDER BY l.previousdoc LIMIT 1"
)


def _invoice(sandbox: NetSuiteSandbox, amount: str) -> int:
    return sandbox.add_invoice(
        customer_id=CUSTOMER,
        amount=Decimal(amount),
        trandate=date(2025, 6, 1),
        duedate=date(2025, 7, 1),
    )


def _pay(api: Api, invoice_id: int, amount: str, tranid: str) -> int:
    body = {
        "customer": {"id": str(CUSTOMER)},
        "payment": float(amount),
        "tranId": tranid,
        "apply": {
            "items": [
                {"doc": {"id": str(invoice_id)}, "apply": True, "amount": float(amount)}
            ]
        },
    }
    response = api.record("POST", "/customerPayment", json=body)
    assert response.status_code == 204, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _open_state(api: Api, invoice_id: int) -> tuple[str, Decimal]:
    body = json.loads(
        api.record("GET", f"/invoice/{invoice_id}").text, parse_float=Decimal
    )
    return body["status"]["id"], body["amountRemaining"]


def _deletions(api: Api, record_id: int) -> list[tuple[str, str]]:
    rows = api.rows(DELETIONS.format(id=record_id))
    return [(row["recordid"], row["recordtype"]) for row in rows]


def _detail(response: requests.Response) -> str:
    return str(response.json()["o:errorDetails"][0]["detail"])


def _snapshot(sandbox: NetSuiteSandbox) -> list[list[dict[str, object]]]:
    return [sandbox.query(sql) for sql in SNAPSHOT]


def test_deleting_a_paid_invoice_is_400_naming_the_invoice_and_its_payment(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "500.00")
    payment_id = _pay(api, invoice_id, "200.00", "PAY-DEL-1")

    response = api.record("DELETE", f"/invoice/{invoice_id}")

    assert response.status_code == 400
    assert response.headers["Content-Type"].endswith("type=error")
    assert response.json() == {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
        "title": "Bad Request",
        "status": 400,
        "o:errorDetails": [
            {
                "detail": f"{REFUSED}customerpayment PAY-DEL-1 (id {payment_id}) "
                f"applied to invoice INV-{invoice_id} (id {invoice_id}). "
                "Unapply them first.",
                "o:errorCode": DEPENDENT,
            }
        ],
    }


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("l.nexttype = 'CustPymt' AND t.status = 'B'", id="paid-in-full"),
        pytest.param("l.nexttype = 'CustPymt' AND t.status = 'A'", id="partly-paid"),
        pytest.param("l.nexttype = 'CustCred'", id="credited"),
    ],
)
def test_a_refused_invoice_delete_changes_nothing(
    api: Api, sandbox: NetSuiteSandbox, where: str
) -> None:
    (row,) = sandbox.query(SEEDED_APPLIED.format(where=where))
    invoice_id = int(str(row["id"]))
    before = _snapshot(sandbox)
    read_before = api.record("GET", f"/invoice/{invoice_id}").text

    response = api.record("DELETE", f"/invoice/{invoice_id}")

    assert response.status_code == 400
    assert error_code(response) == DEPENDENT
    assert _snapshot(sandbox) == before
    assert api.record("GET", f"/invoice/{invoice_id}").text == read_before
    assert _deletions(api, invoice_id) == []


def test_the_refusal_names_every_record_applied_to_the_invoice(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    (row,) = sandbox.query(SEEDED_APPLIED.format(where="l.nexttype = 'CustCred'"))
    invoice_id = int(str(row["id"]))
    applied = sandbox.query(
        "SELECT t.id, t.tranid, t.type FROM NextTransactionLineLink l "
        'JOIN "transaction" t ON t.id = l.nextdoc WHERE l.previousdoc = ? ORDER BY t.id',
        [invoice_id],
    )
    names = {"CustPymt": "customerpayment", "CustCred": "creditmemo"}

    detail = _detail(api.record("DELETE", f"/invoice/{invoice_id}"))

    assert {r["type"] for r in applied} == {"CustPymt", "CustCred"}
    dependents = ", ".join(
        f"{names[str(r['type'])]} {r['tranid']} (id {r['id']})" for r in applied
    )
    assert detail.startswith(f"{REFUSED}{dependents} applied to invoice ")


def test_deleting_a_payment_reopens_its_invoice_and_adds_its_deleted_record(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "500.00")
    first = _pay(api, invoice_id, "200.00", "PAY-DEL-2")
    _pay(api, invoice_id, "300.00", "PAY-DEL-3")
    assert _open_state(api, invoice_id) == ("B", Decimal("0.00"))

    response = api.record("DELETE", f"/customerPayment/{first}")

    assert response.status_code == 204
    assert _open_state(api, invoice_id) == ("A", Decimal("200.00"))
    assert _deletions(api, first) == [(str(first), "customerpayment")]
    assert sandbox.query(
        "SELECT COUNT(*) AS n FROM NextTransactionLineLink WHERE nextdoc = ?", [first]
    ) == [{"n": 0}]


def test_an_invoice_can_be_deleted_once_every_payment_on_it_is_deleted(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "500.00")
    first = _pay(api, invoice_id, "200.00", "PAY-DEL-4")
    second = _pay(api, invoice_id, "300.00", "PAY-DEL-5")
    api.record("DELETE", f"/customerPayment/{first}")

    still_refused = api.record("DELETE", f"/invoice/{invoice_id}")
    api.record("DELETE", f"/customerPayment/{second}")
    deleted = api.record("DELETE", f"/invoice/{invoice_id}")

    assert still_refused.status_code == 400
    assert "PAY-DEL-5" in _detail(still_refused)
    assert "PAY-DEL-4" not in _detail(still_refused)
    assert deleted.status_code == 204
    assert api.record("GET", f"/invoice/{invoice_id}").status_code == 404
    assert _deletions(api, invoice_id) == [(str(invoice_id), "invoice")]


def test_deleting_an_applied_credit_memo_reopens_the_invoice(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    (link,) = sandbox.query(
        "SELECT previousdoc, nextdoc, foreignamount FROM NextTransactionLineLink "
        "WHERE nexttype = 'CustCred' ORDER BY nextdoc DESC LIMIT 1"
    )
    invoice_id, credit_id = int(str(link["previousdoc"])), int(str(link["nextdoc"]))
    _, open_before = _open_state(api, invoice_id)

    response = api.record("DELETE", f"/creditMemo/{credit_id}")

    assert response.status_code == 204
    assert _open_state(api, invoice_id) == (
        "A",
        open_before + Decimal(str(link["foreignamount"])),
    )
    assert _deletions(api, credit_id) == [(str(credit_id), "creditmemo")]


def test_deleting_a_customer_with_transactions_is_refused_and_changes_nothing(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    (count,) = sandbox.query(
        'SELECT COUNT(*) AS n FROM "transaction" WHERE entity = 1001'
    )
    before = _snapshot(sandbox)

    response = api.record("DELETE", "/customer/1001")

    assert response.status_code == 400
    assert error_code(response) == DEPENDENT
    detail = _detail(response)
    assert detail.startswith(
        f"{REFUSED}customer CUST00001 (id 1001) has transactions invoice INV"
    )
    assert detail.endswith(
        f"and {int(str(count['n'])) - 10} more. Make the customer inactive instead."
    )
    assert _snapshot(sandbox) == before
    assert api.record("GET", "/customer/1001").status_code == 200
    assert ("1001", "customer") not in _deletions(api, 1001)


@pytest.fixture
def small_api() -> Iterator[Api]:
    """A signed client for a small sandbox of its own (the test deletes a lot)."""
    with NetSuiteSandbox(anchor=ANCHOR, customers=3, invoices=12) as sb:
        sb.start()
        with requests.Session() as session:
            session.auth = make_auth(sb)
            yield Api(sb, session)


def test_a_customer_can_be_deleted_once_its_transactions_are_gone(
    small_api: Api,
) -> None:
    order = {"CustPymt": 0, "CustCred": 1, "CustInvc": 2}
    kinds = {"CustPymt": "customerPayment", "CustCred": "creditMemo"}
    rows = small_api.sandbox.query(
        'SELECT id, type FROM "transaction" WHERE entity = ? ORDER BY id', [CUSTOMER]
    )
    rows.sort(key=lambda r: order[str(r["type"])])

    statuses = [
        small_api.record(
            "DELETE", f"/{kinds.get(str(r['type']), 'invoice')}/{r['id']}"
        ).status_code
        for r in rows
    ]
    response = small_api.record("DELETE", f"/customer/{CUSTOMER}")

    assert statuses == [204] * len(rows)
    assert response.status_code == 204
    assert small_api.record("GET", f"/customer/{CUSTOMER}").status_code == 404
    assert _deletions(small_api, CUSTOMER) == [(str(CUSTOMER), "customer")]


def test_the_client_raises_its_rejected_error_once_for_a_refused_delete(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _invoice(sandbox, "90.00")
    _pay(api, invoice_id, "90.00", "PAY-DEL-6")
    creds = sandbox.credentials
    client = NetSuiteClient(
        sandbox.account,
        creds.consumer_key,
        creds.consumer_secret,
        creds.token_id,
        creds.token_secret,
        base_url=sandbox.base_url,
        retry_policy=RetryPolicy.immediate(),
    )
    path = f"/services/rest/record/v1/invoice/{invoice_id}"

    with client, pytest.raises(RejectedError) as info:
        client.delete_record("invoice", str(invoice_id))

    assert (info.value.status, info.value.code) == (400, DEPENDENT)
    assert "PAY-DEL-6" in info.value.message
    assert [
        e.status for e in sandbox.request_log if (e.method, e.path) == ("DELETE", path)
    ] == [400]
    assert _open_state(api, invoice_id) == ("B", Decimal("0.00"))
