"""POST /api/v1/payments with bad input: a 4xx naming the field, and nothing stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text

from tests.e2e.http.write_support import bearer, counts, erp_services

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
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


def _valid(seed: Seed) -> dict[str, Any]:
    return {
        "customer": seed.customers["acme"],
        "amount": "100.00",
        "currency": "EUR",
        "date": "2026-01-14",
        "reference": "REF-1",
        "idempotency_key": "key-1",
        "allocations": [{"invoice": seed.invoices["acme-2"], "amount": "60.00"}],
    }


def _alloc(seed: Seed, key: str, amount: str = "60.00") -> dict[str, Any]:
    return {"allocations": [{"invoice": seed.invoices[key], "amount": amount}]}


Change = "Callable[[Seed], dict[str, Any]]"
# (case, change to the valid body, status, field named)
CASES: list[tuple[str, Any, int, str]] = [
    ("unknown customer", lambda _: {"customer": 999_999}, 422, "customer"),
    ("unknown customer ref",
     lambda _: {"customer": {"connection": "netsuite", "external_id": "NS-NOPE"}},
     422, "customer"),
    ("customer not an id", lambda _: {"customer": "acme"}, 400, "customer"),
    ("unknown invoice", lambda _: {"allocations": [{"invoice": 999_999,
     "amount": "1.00"}]}, 422, "allocations[0].invoice"),
    ("invoice of another customer", lambda s: _alloc(s, "castor-1"), 422,
     "allocations[0].invoice"),
    ("paid invoice", lambda s: _alloc(s, "acme-3"), 422, "allocations[0].invoice"),
    ("credit memo", lambda s: {"customer": s.customers["borealis"], "currency": "USD",
     **_alloc(s, "bor-cm", "1.00")}, 422, "allocations[0].invoice"),
    ("currency differs from the customer's", lambda _: {"currency": "USD"}, 422,
     "currency"),
    ("sum over the amount", lambda s: {"allocations": [
        {"invoice": s.invoices["acme-1"], "amount": "60.00"},
        {"invoice": s.invoices["acme-2"], "amount": "40.01"}]}, 422, "allocations"),
    ("more than the open amount", lambda s: {"amount": "3000.01",
     **_alloc(s, "acme-2", "3000.01")}, 422, "allocations[0].amount"),
    ("the same invoice twice", lambda s: {"allocations": [
        {"invoice": s.invoices["acme-2"], "amount": "10.00"},
        {"invoice": s.invoices["acme-2"], "amount": "10.00"}]}, 422,
     "allocations[1].invoice"),
    ("negative amount", lambda _: {"amount": "-100.00"}, 400, "amount"),
    ("zero amount", lambda _: {"amount": "0.00"}, 400, "amount"),
    ("non-decimal amount", lambda _: {"amount": "12,50"}, 400, "amount"),
    ("amount as a JSON number", lambda _: {"amount": 100.0}, 400, "amount"),
    ("three decimals", lambda _: {"amount": "100.005"}, 400, "amount"),
    ("negative allocation", lambda s: _alloc(s, "acme-2", "-1.00"), 400,
     "allocations[0].amount"),
    ("allocation with three decimals", lambda s: _alloc(s, "acme-2", "1.001"), 400,
     "allocations[0].amount"),
    ("impossible date", lambda _: {"date": "2026-02-30"}, 400, "date"),
    ("non-ISO date", lambda _: {"date": "14/01/2026"}, 400, "date"),
    ("bad currency code", lambda _: {"currency": "EURO"}, 400, "currency"),
    ("no idempotency key", lambda _: {"idempotency_key": None}, 400,
     "idempotency_key"),
    ("idempotency key with spaces", lambda _: {"idempotency_key": "a b"}, 400,
     "idempotency_key"),
    ("unknown field", lambda _: {"amout": "1.00"}, 400, "amout"),
    ("allocations not a list", lambda _: {"allocations": {"x": 1}}, 400,
     "allocations"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [pytest.param(c, st, f, id=name) for name, c, st, f in CASES],
)
def test_bad_payment_input_is_refused_naming_the_field_and_changes_nothing(
    client: FlaskClient,
    services: Services,
    seed: Seed,
    change: Callable[[Seed], dict[str, Any]],
    status: int,
    field: str,
) -> None:
    auth = bearer(services)
    body = {**_valid(seed), **change(seed)}
    body = {k: v for k, v in body.items() if v is not None}
    before = counts(services)

    response = client.post(URL, json=body, headers=auth)

    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == field
    assert field in error["message"]
    assert counts(services) == before


def test_an_invoice_in_another_currency_is_refused(
    client: FlaskClient, services: Services, seed: Seed
) -> None:
    with services.uow() as uow:
        uow.session.execute(
            text("UPDATE invoices SET currency = 'USD' WHERE id = :id"),
            {"id": seed.invoices["acme-2"]},
        )
        uow.commit()
    auth = bearer(services)
    before = counts(services)

    response = client.post(URL, json=_valid(seed), headers=auth)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "allocations[0].invoice"
    assert "is in USD, the payment in EUR" in error["message"]
    assert counts(services) == before


@pytest.mark.parametrize(
    ("data", "content_type", "status", "says"),
    [
        ('{"amount": "1.00",', "application/json", 400, "not valid JSON"),
        ("[1, 2]", "application/json", 400, "must be a JSON object"),
        ('{"amount": NaN}', "application/json", 400, "NaN is not allowed"),
        ("amount=1.00", "application/x-www-form-urlencoded", 415, "must be JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: FlaskClient,
    services: Services,
    data: str,
    content_type: str,
    status: int,
    says: str,
) -> None:
    before = counts(services)

    response = client.post(
        URL, data=data, content_type=content_type, headers=bearer(services)
    )

    assert response.status_code == status
    assert says in response.get_json()["error"]["message"]
    assert counts(services) == before


def test_a_customer_without_a_configured_erp_is_refused(
    client: FlaskClient, services: Services, seed: Seed
) -> None:
    with services.uow() as uow:
        uow.session.execute(
            text("DELETE FROM external_refs WHERE object_type = 'customer' "
                 "AND local_id = :id AND connection = 'netsuite'"),
            {"id": seed.customers["acme"]},
        )  # fmt: skip
        uow.commit()
    before = counts(services)

    response = client.post(URL, json=_valid(seed), headers=bearer(services))

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "customer"
    assert "no configured ERP connection" in response.get_json()["error"]["message"]
    assert counts(services) == before
