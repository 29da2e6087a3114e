"""Writing to the sandbox: PATCH, eid upserts and exactly-once creates."""

from __future__ import annotations

import pytest
from netsuite_contract_support import column, make_client

from adapters.base import WriteOp
from adapters.errors import TransientError
from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.errors import OutcomeUnknown
from adapters.netsuite.sandbox import NetSuiteSandbox


def open_invoice(sandbox: NetSuiteSandbox) -> tuple[str, str, str]:
    rows = sandbox.query(
        'SELECT id, entity, foreignamountunpaid FROM "transaction" '
        "WHERE type = 'CustInvc' AND status = 'A' ORDER BY id"
    )
    row = rows[0]
    return str(row["id"]), str(row["entity"]), str(row["foreignamountunpaid"])


def payment_body(sandbox: NetSuiteSandbox, amount: str = "1.00") -> dict[str, object]:
    invoice_id, customer_id, _ = open_invoice(sandbox)
    return {
        "customer": {"id": customer_id},
        "payment": float(amount),
        "tranDate": "2024-06-01",
        "memo": "arb contract test",
        "apply": {
            "items": [
                {"doc": {"id": invoice_id}, "apply": True, "amount": float(amount)}
            ]
        },
    }


def payments_with_key(sandbox: NetSuiteSandbox, key: str) -> list[str]:
    rows = sandbox.query(
        "SELECT id FROM \"transaction\" WHERE type = 'CustPymt' AND externalid = ?",
        [key],
    )
    return column(rows, "id")


def test_patched_collection_status_is_visible_in_a_later_read(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    invoice_id, _, _ = open_invoice(sandbox)
    before = adapter.lookup("invoices", invoice_id)
    assert before is not None
    op = WriteOp(
        object_type="invoice",
        operation="update",
        payload={"custbody_arb_collection_status": "promised"},
        idempotency_key="arb:inv:status:1",
        external_id=invoice_id,
    )
    assert adapter.write(op).external_id == invoice_id
    after = adapter.lookup("invoices", invoice_id)
    assert after is not None
    assert after["custbody_arb_collection_status"] == "promised"
    assert str(after["lastmodifieddate"]) >= str(before["lastmodifieddate"])


def test_eid_upsert_twice_makes_one_payment(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    op = WriteOp(
        object_type="customerPayment",
        operation="upsert",
        payload=payment_body(sandbox),
        idempotency_key="arb-pay-upsert-1",
    )
    first = adapter.write(op)
    second = adapter.write(op)
    assert first.external_id == second.external_id
    assert payments_with_key(sandbox, "arb-pay-upsert-1") == [first.external_id]


def test_create_with_a_dropped_response_makes_exactly_one_payment(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    op = WriteOp(
        object_type="customerPayment",
        operation="create",
        payload=payment_body(sandbox),
        idempotency_key="arb-pay-create-1",
    )
    sandbox.faults.inject("drop", count=1)
    result = adapter.write(op)
    assert sandbox.faults.pending() == 0
    calls = [(e.method, e.path.lower(), e.fault) for e in sandbox.request_log]
    assert calls[:2] == [
        ("POST", "/services/rest/record/v1/customerpayment", "drop"),
        ("GET", "/services/rest/record/v1/customerpayment/eid:arb-pay-create-1", None),
    ]
    assert result.created is True
    assert payments_with_key(sandbox, "arb-pay-create-1") == [result.external_id]
    payment = adapter.lookup("payments", result.external_id)
    assert payment is not None
    assert len(payment["applications"]) == 1  # type: ignore[arg-type]


def test_create_repeated_by_a_later_run_reports_the_existing_payment(
    adapter: NetSuiteAdapter, sandbox: NetSuiteSandbox
) -> None:
    op = WriteOp(
        object_type="customerPayment",
        operation="create",
        payload=payment_body(sandbox),
        idempotency_key="arb-pay-create-2",
    )
    first = adapter.write(op)
    again = adapter.write(op)
    assert (again.external_id, again.created) == (first.external_id, False)
    assert payments_with_key(sandbox, "arb-pay-create-2") == [first.external_id]


def test_create_against_a_closed_port_is_known_never_sent(
    sandbox: NetSuiteSandbox,
) -> None:
    client = make_client(sandbox)
    sandbox.stop()
    with client, pytest.raises(TransientError) as info:
        client.create_record("customerPayment", {"payment": 1.0})
    assert not isinstance(info.value, OutcomeUnknown)
