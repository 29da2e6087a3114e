"""``GET /api/v1/predictions``: the open invoices on a date, as the stored model sees them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from gateway.app import create_app
from gateway.services.prediction import train_model
from gateway.services.users import create_token
from tests.e2e.prediction.ibm_export import synced_csv_mirror

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services

TODAY = date(2024, 3, 1)


@pytest.fixture
def services(tmp_path: Path, sqlite_url: str, clock) -> Iterator[Services]:
    built = synced_csv_mirror(tmp_path, sqlite_url, clock, TODAY)
    yield built
    built.dispose()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app(services).test_client()


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, 'bi', 'collector')}"}


def test_predictions_list_open_invoices_with_refs_and_the_model_version(
    services: Services, client: FlaskClient, headers: dict[str, str]
) -> None:
    version = train_model(services, date(2023, 10, 1)).version

    response = client.get(
        "/api/v1/predictions?as_of=2024-03-01&per_page=500", headers=headers
    )

    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["as_of"], body["model_version"]) == ("2024-03-01", version)
    assert body["total"] == len(body["items"]) > 0
    item = body["items"][0]
    assert set(item) == {
        "invoice", "number", "customer", "refs", "p_late", "p_late_30",
        "expected_days_to_pay", "predicted_pay_date", "model_version",
    }  # fmt: skip
    assert item["refs"] == [
        {"connection": "ar", "object_type": "invoice", "external_id": item["number"]}
    ]
    assert item["predicted_pay_date"] >= "2024-03-01"


def test_without_a_model_the_api_says_how_to_train_one(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/predictions", headers=headers)

    assert response.status_code == 404
    assert "arbridge model train" in response.get_data(as_text=True)


def test_a_bad_as_of_date_is_a_400_naming_it(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/predictions?as_of=03/01/2024", headers=headers)

    assert response.status_code == 400
    assert "as_of" in response.get_data(as_text=True)
