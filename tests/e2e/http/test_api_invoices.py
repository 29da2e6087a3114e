"""``/api/v1/invoices``: filters (customer, status, overdue, currency), money, refs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.services.users import create_token

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, 'bi', 'auditor')}"}


def _numbers(client: FlaskClient, query: str, headers: dict[str, str]) -> list[str]:
    response = client.get(f"/api/v1/invoices{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item["number"] for item in response.get_json()["items"])


def _invoice(client: FlaskClient, invoice_id: int, headers: dict[str, str]) -> Any:
    response = client.get(f"/api/v1/invoices/{invoice_id}", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def test_money_is_a_decimal_string_with_its_currency(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = _invoice(client, seed.invoices["east-1"], headers)

    assert body["amount"] == {"amount": "1234567.89", "currency": "USD"}
    assert body["open_amount"] == {"amount": "15000.00", "currency": "USD"}


def test_invoice_has_iso_dates_days_overdue_and_refs(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = _invoice(client, seed.invoices["acme-1"], headers)

    assert body["due_date"] == "2025-11-01"
    assert body["days_overdue"] == 75
    assert body["customer_id"] == seed.customers["acme"]
    assert body["kind"] == "invoice"
    assert body["refs"] == [
        {"connection": "netsuite", "object_type": "invoice", "external_id": "NS-INV-1"}
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?overdue=true", ["INV-1", "INV-10", "INV-30"]),
        ("?overdue=false&status=open", ["CM-11", "INV-2", "INV-20"]),
        ("?status=void", ["INV-41"]),
        ("?status=paid&currency=EUR", ["INV-3", "INV-40"]),
        ("?currency=USD&overdue=false", ["CM-11"]),
    ],
)
def test_filters(
    client: FlaskClient, headers: dict[str, str], query: str, expected: list[str]
) -> None:
    assert _numbers(client, query, headers) == expected


def test_filter_by_customer(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    query = f"?customer={seed.customers['acme']}"
    assert _numbers(client, query, headers) == ["INV-1", "INV-2", "INV-3"]


def test_overdue_follows_the_services_clock(
    client: FlaskClient, headers: dict[str, str], services: Services
) -> None:
    services.clock.advance(days=20)  # type: ignore[attr-defined] - FixedClock in tests

    assert _numbers(client, "?overdue=true", headers) == [
        "INV-1",
        "INV-10",
        "INV-20",
        "INV-30",
    ]


def test_paging_reports_the_total(client: FlaskClient, headers: dict[str, str]) -> None:
    body = client.get("/api/v1/invoices?per_page=4&page=3", headers=headers).get_json()

    assert body["total"] == 9
    assert body["page"] == 3
    assert len(body["items"]) == 1
