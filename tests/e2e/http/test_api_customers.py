"""``/api/v1/customers``: listing, filters, paging, refs, money."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.services.users import create_token
from gateway.store.models import Customer

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {create_token(services, 'crm-sync', 'collector')}"
    }


def _get(client: FlaskClient, url: str, headers: dict[str, str]) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_list_has_the_envelope_and_every_seeded_customer(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = _get(client, "/api/v1/customers", headers)

    assert body["page"] == 1
    assert body["per_page"] == 50
    assert body["total"] == 5
    assert [c["id"] for c in body["items"]] == sorted(seed.customers.values())


def test_customer_carries_canonical_fields_and_all_its_refs(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = _get(client, f"/api/v1/customers/{seed.customers['acme']}", headers)

    assert body["number"] == "C-1001"
    assert body["name"] == "Acme Industrial GmbH"
    assert body["currency"] == "EUR"
    assert body["created_at"] == "2026-01-15T12:00:00+00:00"
    assert body["refs"] == [
        {
            "connection": "netsuite",
            "object_type": "customer",
            "external_id": "NS-C-1001",
        },
        {
            "connection": "salesforce",
            "object_type": "customer",
            "external_id": "001ACME",
        },
    ]


def test_paging_splits_the_list(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    first = _get(client, "/api/v1/customers?per_page=2", headers)
    third = _get(client, "/api/v1/customers?per_page=2&page=3", headers)

    assert len(first["items"]) == 2
    assert [c["id"] for c in third["items"]] == [seed.customers["eastwind"]]
    assert third["total"] == 5


def test_filter_by_currency_and_name(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    usd = _get(client, "/api/v1/customers?currency=usd", headers)
    named = _get(client, "/api/v1/customers?q=pollux", headers)

    assert {c["id"] for c in usd["items"]} == {
        seed.customers["borealis"],
        seed.customers["eastwind"],
    }
    assert [c["id"] for c in named["items"]] == [seed.customers["castor"]]


def test_unknown_customer_is_a_json_404(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/customers/9999", headers=headers)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_customer_carries_its_segment_or_null(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    with services.uow() as uow:
        acme = uow.session.get_one(Customer, seed.customers["acme"])
        acme.segment = "Enterprise"
        uow.commit()

    body = _get(client, "/api/v1/customers", headers)

    segments = {c["id"]: c["segment"] for c in body["items"]}
    assert segments[seed.customers["acme"]] == "Enterprise"
    assert segments[seed.customers["eastwind"]] is None
