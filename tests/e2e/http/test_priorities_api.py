"""``/api/v1/promises``, ``/priorities`` and ``/customers/<id>/score`` over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from gateway.services.promises import evaluate_promises
from gateway.services.users import create_token
from tests.e2e.http.priorities_support import counts, last_audit, run_scoring
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


def _headers(services: Services, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, f'{role}-app', role)}"}


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return _headers(services, "collector")


def _promise(seed: Seed, **changes: Any) -> dict[str, Any]:
    body = {
        "customer": seed.customers["acme"],
        "amount": "5000.00",
        "currency": "EUR",
        "date": (TODAY + timedelta(days=7)).isoformat(),
        "invoices": [seed.invoices["acme-1"]],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_a_promise_is_recorded_with_default_tolerance_and_audited(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    response = client.post("/api/v1/promises", json=_promise(seed), headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["amount"] == {"amount": "5000.00", "currency": "EUR"}
    assert (body["state"], body["tolerance_days"]) == ("open", 3)
    assert body["invoices"] == [seed.invoices["acme-1"]]
    entry = last_audit(services)
    assert (entry.tag, entry.local_id, entry.actor) == (
        "gateway:promise:create",
        body["id"],
        "collector-app",
    )


BAD = [
    ({"customer": None}, "customer"),
    ({"customer": 999999}, "customer"),
    ({"amount": 5000.5}, "amount"),  # a JSON float is not money
    ({"amount": "-1"}, "amount"),
    ({"amount": "1.001"}, "amount"),
    ({"currency": "EURO"}, "currency"),
    ({"date": "next week"}, "date"),
    ({"date": (TODAY - timedelta(days=1)).isoformat()}, "date"),
    ({"invoices": "INV-1"}, "invoices"),
    ({"tolerance_days": 99}, "tolerance_days"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    client: FlaskClient,
    services: Services,
    headers: dict[str, str],
    seed: Seed,
    change: dict[str, Any],
    field: str,
) -> None:
    before = counts(services)

    response = client.post(
        "/api/v1/promises", json=_promise(seed, **change), headers=headers
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert counts(services) == before


def test_invoices_of_another_customer_are_refused(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    body = _promise(seed, invoices=[seed.invoices["bor-1"]])

    response = client.post("/api/v1/promises", json=body, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "invoices"
    assert counts(services)[0] == 0


def test_an_auditor_may_not_record_promises_and_a_form_body_is_refused(
    client: FlaskClient, services: Services, seed: Seed
) -> None:
    auditor = client.post(
        "/api/v1/promises", json=_promise(seed), headers=_headers(services, "auditor")
    )
    as_form = client.post(
        "/api/v1/promises", data=_promise(seed), headers=_headers(services, "collector")
    )

    assert auditor.status_code == 403
    assert as_form.status_code == 400


def test_broken_promise_shows_in_kept_rate_score_and_priority(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    acme = seed.customers["acme"]
    client.post(
        "/api/v1/promises", json=_promise(seed, date=TODAY.isoformat()), headers=headers
    )
    later = TODAY + timedelta(days=4)  # past the date + 3 tolerance days, unpaid
    evaluate_promises(services, later)

    run_scoring(services, later)

    listed = client.get(f"/api/v1/promises?customer={acme}", headers=headers).get_json()
    assert [p["state"] for p in listed["items"]] == ["broken"]
    assert listed["kept_rate"] == "0.00"
    score = client.get(f"/api/v1/customers/{acme}/score", headers=headers).get_json()
    broken = next(c for c in score["components"] if c["name"] == "broken_promises")
    assert broken["points"] != "0.0"
    priorities = client.get("/api/v1/priorities", headers=headers).get_json()
    first = priorities["items"][0]
    assert first["customer"] == acme
    assert any("promise to pay broken" in r for r in first["reasons"])


def test_priorities_list_highest_first_with_reasons_group_and_collector(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    run_scoring(services)

    body = client.get("/api/v1/priorities", headers=headers).get_json()

    c = seed.customers
    assert [p["customer"] for p in body["items"]] == [
        c["acme"],
        c["eastwind"],
        c["borealis"],
    ]
    assert [p["score"] for p in body["items"]] == [70, 25, 20]
    assert body["items"][0]["reasons"][0] == "oldest item 75 days overdue (> 60) +30"
    assert (body["items"][1]["group"], body["items"][1]["collector"]) == (
        "usd",
        "collector",
    )
    mine = client.get(
        "/api/v1/priorities?collector=collector", headers=headers
    ).get_json()
    assert [p["customer"] for p in mine["items"]] == [c["eastwind"], c["borealis"]]


def test_score_has_its_component_breakdown_and_404_before_any_run(
    client: FlaskClient, services: Services, headers: dict[str, str], seed: Seed
) -> None:
    acme = seed.customers["acme"]
    before = client.get(f"/api/v1/customers/{acme}/score", headers=headers)
    run_scoring(services)

    body = client.get(f"/api/v1/customers/{acme}/score", headers=headers).get_json()

    assert before.status_code == 404
    assert body["as_of"] == TODAY.isoformat()
    assert 0 <= body["total"] <= 100
    names = [c["name"] for c in body["components"]]
    assert "predicted_lateness" in names
    no_prediction = body["components"][names.index("predicted_lateness")]
    assert no_prediction["points"] == "0.0"
    assert "no prediction" in no_prediction["detail"]
