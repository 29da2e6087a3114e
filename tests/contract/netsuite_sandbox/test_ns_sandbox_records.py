"""Record API: typed GET, PATCH of custom fields, DELETE with DeletedRecord."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from ns_sandbox_helpers import ANCHOR, Api, error_code

from adapters.netsuite.sandbox import NetSuiteSandbox

LMD = "TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate"


def _fresh_invoice(sandbox: NetSuiteSandbox, amount: str = "1000.00") -> int:
    return sandbox.add_invoice(
        customer_id=1001,
        amount=Decimal(amount),
        trandate=date(2025, 6, 1),
        duedate=date(2025, 7, 1),
    )


def test_get_invoice_returns_typed_values(api: Api, sandbox: NetSuiteSandbox) -> None:
    invoice_id = _fresh_invoice(sandbox, "1250.50")

    response = api.record("GET", f"/invoice/{invoice_id}")

    body = json.loads(response.text, parse_float=Decimal)
    assert response.status_code == 200
    assert body["id"] == str(invoice_id)
    assert body["total"] == Decimal("1250.50")
    assert body["amountRemaining"] == Decimal("1250.50")
    assert body["status"] == {"id": "A", "refName": "Open"}
    assert body["entity"] == {"id": "1001"}
    assert body["currency"]["refName"] in {"USD", "EUR", "GBP", "CAD"}
    assert body["tranDate"] == "2025-06-01"
    assert body["custbody_arb_in_dispute"] is False
    assert body["toBeEmailed"] is False


def test_get_invoice_shows_the_to_be_emailed_checkbox_as_a_boolean(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    # Seeded invoice n is e-mailed when n % 5 < 3: INV000001 is, INV000004 is not.
    ids = {
        r["tranid"]: r["id"]
        for r in sandbox.query(
            'SELECT id, tranid FROM "transaction" '
            "WHERE tranid IN ('INV000001', 'INV000004')"
        )
    }

    emailed = api.record("GET", f"/invoice/{ids['INV000001']}").json()
    not_emailed = api.record("GET", f"/invoice/{ids['INV000004']}").json()

    assert (emailed["toBeEmailed"], not_emailed["toBeEmailed"]) == (True, False)


def test_get_customer_names_its_category_and_omits_an_unset_one(api: Api) -> None:
    # The seed gives customer n (id 1000 + n) the category of n % 10; 0 is none.
    enterprise = api.record("GET", "/customer/1001").json()
    small = api.record("GET", "/customer/1003").json()
    without = api.record("GET", "/customer/1010").json()

    assert enterprise["category"] == {"id": "1", "refName": "Enterprise"}
    assert small["category"] == {"id": "3", "refName": "Small Business"}
    assert "category" not in without
    assert without["terms"]["refName"].startswith("Net ")


def test_record_type_in_path_is_case_insensitive(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    (credit,) = sandbox.query(
        "SELECT id FROM \"transaction\" WHERE type = 'CustCred' LIMIT 1"
    )

    lower = api.record("GET", f"/creditmemo/{credit['id']}")
    camel = api.record("GET", f"/creditMemo/{credit['id']}")

    assert lower.status_code == camel.status_code == 200
    assert lower.json() == camel.json()


def test_get_by_external_id(api: Api, sandbox: NetSuiteSandbox) -> None:
    (customer,) = sandbox.query(
        "SELECT id, externalid FROM customer WHERE externalid IS NOT NULL LIMIT 1"
    )

    response = api.record("GET", f"/customer/eid:{customer['externalid']}")

    assert response.status_code == 200
    assert response.json()["id"] == str(customer["id"])
    assert response.json()["externalId"] == customer["externalid"]


@pytest.mark.parametrize(
    "path", ["/invoice/99999999", "/customer/eid:NOPE", "/invoice/1001"]
)
def test_missing_record_is_404_nonexistent_id(api: Api, path: str) -> None:
    response = api.record("GET", path)

    assert response.status_code == 404
    assert error_code(response) == "NONEXISTENT_ID"


def test_patch_custom_fields_shows_in_suiteql_with_newer_lastmodifieddate(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _fresh_invoice(sandbox)
    sandbox.update_record(
        "transaction", invoice_id, lastmodifieddate="2025-06-01 00:00:00"
    )

    response = api.record(
        "PATCH",
        f"/invoice/{invoice_id}",
        json={
            "custbody_arb_dunning_level": 2,
            "custbody_arb_promise_date": "2025-07-15",
            "custbody_arb_in_dispute": True,
            "memo": "promised by phone",
        },
    )

    assert response.status_code == 204
    assert (
        response.headers["Location"]
        == f"{api.base}/services/rest/record/v1/invoice/{invoice_id}"
    )
    (row,) = api.rows(
        "SELECT t.custbody_arb_dunning_level, t.custbody_arb_in_dispute, t.memo, "
        "TO_CHAR(t.custbody_arb_promise_date, 'YYYY-MM-DD') AS promise, "
        f"{LMD} FROM transaction t WHERE t.id = {invoice_id}"
    )
    assert row["custbody_arb_dunning_level"] == "2"
    assert row["custbody_arb_in_dispute"] == "T"
    assert row["promise"] == "2025-07-15"
    assert row["memo"] == "promised by phone"
    assert row["lastmodifieddate"] > f"{ANCHOR.isoformat()} 00:00:00"


def test_patch_customer_fields(api: Api, sandbox: NetSuiteSandbox) -> None:
    response = api.record(
        "PATCH",
        "/customer/1002",
        json={"email": "ar@new.example", "creditLimit": 12345.5},
    )

    assert response.status_code == 204
    (row,) = sandbox.query("SELECT email, creditlimit FROM customer WHERE id = 1002")
    assert row == {"email": "ar@new.example", "creditlimit": "12345.50"}


def test_patch_unknown_property_is_400_with_validation_header(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _fresh_invoice(sandbox)

    response = api.record("PATCH", f"/invoice/{invoice_id}", json={"custbody_nope": 1})

    assert response.status_code == 400
    assert error_code(response) == "INVALID_FIELD"
    assert response.json()["o:errorDetails"][0]["o:errorPath"] == "custbody_nope"


def test_patch_unknown_property_is_ignored_without_validation_header(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _fresh_invoice(sandbox)

    response = api.record(
        "PATCH",
        f"/invoice/{invoice_id}",
        json={"custbody_nope": 1, "memo": "kept"},
        headers={"X-NetSuite-PropertyNameValidation": "warning"},
    )

    assert response.status_code == 204
    assert sandbox.query(
        'SELECT memo FROM "transaction" WHERE id = ?', [invoice_id]
    ) == [{"memo": "kept"}]


def test_patch_with_wrongly_typed_value_is_400_and_changes_nothing(
    api: Api, sandbox: NetSuiteSandbox
) -> None:
    invoice_id = _fresh_invoice(sandbox)

    response = api.record(
        "PATCH",
        f"/invoice/{invoice_id}",
        json={"memo": "should not land", "custbody_arb_dunning_level": "high"},
    )

    assert response.status_code == 400
    assert error_code(response) == "INVALID_FLD_VALUE"
    assert sandbox.query(
        'SELECT memo FROM "transaction" WHERE id = ?', [invoice_id]
    ) == [{"memo": None}]


def test_delete_adds_a_deleted_record_row(api: Api, sandbox: NetSuiteSandbox) -> None:
    invoice_id = _fresh_invoice(sandbox)

    response = api.record("DELETE", f"/invoice/{invoice_id}")

    assert response.status_code == 204
    rows = api.rows(
        "SELECT d.recordid, d.recordtype, "
        "TO_CHAR(d.deleteddate, 'YYYY-MM-DD HH24:MI:SS') AS deleteddate "
        "FROM DeletedRecord d "
        "WHERE d.recordtype IN ('customer', 'invoice', 'creditmemo', 'customerpayment') "
        f"AND d.recordid = {invoice_id} ORDER BY d.deleteddate, d.recordid"
    )
    assert [(r["recordid"], r["recordtype"]) for r in rows] == [
        (str(invoice_id), "invoice")
    ]
    assert rows[0]["deleteddate"] > f"{ANCHOR.isoformat()} 00:00:00"
    assert api.record("GET", f"/invoice/{invoice_id}").status_code == 404


def test_unknown_record_type_is_400(api: Api) -> None:
    response = api.record("GET", "/salesorder/1")

    assert response.status_code == 400
    assert error_code(response) == "INVALID_RCRD_TYPE"
