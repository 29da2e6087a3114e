"""POST /api/v1/payments: a payment handed in, stored once with its write-back."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.http.write_support import bearer, counts, erp_services, rows

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from gateway.clock import FixedClock
    from tests.e2e.web_seed import Seed

URL = "/api/v1/payments"


@pytest.fixture
def services(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed]
) -> Iterator[Services]:
    yield from erp_services(tmp_path, clock, template_db)


@pytest.fixture
def auth(services: Services) -> dict[str, str]:
    return bearer(services, "collector", "bank-feed")


def _payment(seed: Seed, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": seed.customers["acme"],
        "amount": "15000.00",
        "currency": "EUR",
        "date": "2026-01-14",
        "reference": "BANK-2026-0114-77",
        "idempotency_key": "bank-77",
        "allocations": [
            {"invoice": seed.invoices["acme-1"], "amount": "12500.00"},
            {"invoice": seed.invoices["acme-2"], "amount": "2000.50"},
        ],
    }
    body.update(changes)
    return body


def test_a_payment_is_stored_pending_with_allocations_outbox_row_and_audit(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    before = counts(services)

    response = client.post(URL, json=_payment(seed), headers=auth)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/payments/{body['id']}"
    assert body["status"] == "pending"
    assert body["amount"] == {"amount": "15000.00", "currency": "EUR"}
    assert body["unapplied_amount"] == {"amount": "499.50", "currency": "EUR"}
    assert [a["invoice_ref"] for a in body["allocations"]] == ["NS-INV-1", "NS-INV-2"]
    after = counts(services)
    assert after["payments"] == before["payments"] + 1
    assert after["payment_allocations"] == before["payment_allocations"] + 2
    assert after["outbox"] == before["outbox"] + 1
    assert after["audit_entries"] == before["audit_entries"] + 2
    [outbox] = rows(services, "SELECT connection, operation, object_type, local_id, "
                    "idempotency_key, status, fields FROM outbox")  # fmt: skip
    assert tuple(outbox) == ("netsuite", "create_payment", "payment", body["id"],
                             "netsuite:payment:bank-77", "pending", "[]")  # fmt: skip
    audit = rows(services, "SELECT tag, field, actor, local_id, new FROM audit_entries "
                 "WHERE tag = 'gateway:payment:create' ORDER BY id")  # fmt: skip
    assert [(a.tag, a.field, a.actor, a.local_id) for a in audit] == [
        ("gateway:payment:create", "*", "bank-feed", body["id"]),
        ("gateway:payment:create", "allocations", "bank-feed", body["id"]),
    ]
    assert json.loads(audit[0].new)["amount"] == "15000.00"


def test_the_stored_amounts_are_exact_decimals(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    body = _payment(seed, amount="0.30", allocations=[
        {"invoice": seed.invoices["acme-1"], "amount": "0.10"},
        {"invoice": seed.invoices["acme-2"], "amount": "0.20"},
    ])  # fmt: skip
    created = client.post(URL, json=body, headers=auth).get_json()

    fetched = client.get(f"{URL}/{created['id']}", headers=auth).get_json()

    assert fetched["unapplied_amount"]["amount"] == "0.00"
    assert [a["amount"]["amount"] for a in fetched["allocations"]] == ["0.10", "0.20"]


def test_the_same_idempotency_key_returns_the_first_payment(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    first = client.post(URL, json=_payment(seed), headers=auth)
    before = counts(services)

    again = client.post(URL, json=_payment(seed), headers=auth)

    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert counts(services) == before


def test_the_idempotency_key_may_come_in_the_header(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    body = _payment(seed)
    del body["idempotency_key"]
    headers = {**auth, "Idempotency-Key": "portal-abc"}

    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["idempotency_key"] == "portal-abc"


def test_a_reused_key_with_different_values_is_refused(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    client.post(URL, json=_payment(seed), headers=auth)
    before = counts(services)

    response = client.post(URL, json=_payment(seed, amount="15000.01"), headers=auth)

    assert response.status_code == 409
    assert response.get_json()["error"]["field"] == "idempotency_key"
    assert counts(services) == before


def test_a_customer_may_be_named_by_its_erp_ref(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    customer = {"connection": "netsuite", "external_id": "NS-C-1001"}
    invoice = {"connection": "netsuite", "external_id": "NS-INV-2"}
    body = _payment(seed, customer=customer, amount="100.00",
                    allocations=[{"invoice": invoice, "amount": "100.00"}])  # fmt: skip

    response = client.post(URL, json=body, headers=auth)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["customer_id"] == seed.customers["acme"]


def test_pending_payments_count_against_an_invoices_open_amount(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    line = [{"invoice": seed.invoices["castor-1"], "amount": "500.00"}]
    first = _payment(seed, customer=seed.customers["castor"], amount="500.00",
                     allocations=line)  # fmt: skip
    assert client.post(URL, json=first, headers=auth).status_code == 201
    before = counts(services)

    second = {**first, "idempotency_key": "bank-78"}
    response = client.post(URL, json=second, headers=auth)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "allocations[0].amount"
    assert "open amount 300.00" in error["message"]
    assert counts(services) == before


@pytest.mark.parametrize("role", ["auditor"])
def test_an_auditor_may_not_record_payments(
    client: FlaskClient, services: Services, seed: Seed, role: str
) -> None:
    response = client.post(URL, json=_payment(seed), headers=bearer(services, role))
    assert response.status_code == 403


def test_the_openapi_document_describes_the_write_endpoints(
    client: FlaskClient,
) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert set(paths["/invoices/{invoice_id}"]) == {"get", "patch"}
    create = paths["/payments"]["post"]
    assert {"200", "201", "400", "409", "422"} <= set(create["responses"])
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["amount"]["type"] == "string"
    assert "post" in paths["/sync/conflicts/{conflict_id}/resolve"]
