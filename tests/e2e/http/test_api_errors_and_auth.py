"""API authentication, role checks and error bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.services.users import create_token

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_fixtures import LoginFn


def _bearer(services: Services, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, f'{role}-client', role)}"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer arb_not-a-real-token"},
        {"Authorization": "Basic eDp5"},
    ],
)
def test_without_a_valid_token_the_api_answers_401(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/customers", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_web_session_also_works_for_the_api(
    client: FlaskClient, login: LoginFn
) -> None:
    login("collector")
    assert client.get("/api/v1/invoices").status_code == 200


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("collector", "/api/v1/audit", 403),
        ("collector", "/api/v1/sync/runs", 403),
        ("auditor", "/api/v1/audit", 200),
        ("auditor", "/api/v1/sync/runs", 200),
        ("auditor", "/api/v1/customers", 200),
        ("admin", "/api/v1/audit", 200),
    ],
)
def test_roles_decide_which_endpoints_answer(
    client: FlaskClient, services: Services, role: str, path: str, status: int
) -> None:
    response = client.get(path, headers=_bearer(services, role))

    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/api/v1/customers?page=abc", "page"),
        ("/api/v1/customers?per_page=0", "per_page"),
        ("/api/v1/customers?per_page=501", "per_page"),
        ("/api/v1/customers?currency=EURO", "currency"),
        ("/api/v1/invoices?status=bogus", "status"),
        ("/api/v1/invoices?overdue=maybe", "overdue"),
        ("/api/v1/invoices?customer=x", "customer"),
        ("/api/v1/audit?before_id=-3", "before_id"),
        ("/api/v1/sync/runs?page=0", "page"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(
    client: FlaskClient, services: Services, query: str, param: str
) -> None:
    response = client.get(query, headers=_bearer(services, "admin"))

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["field"] == param
    assert repr(param) in error["message"]


def test_unknown_api_path_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(client: FlaskClient, services: Services) -> None:
    response = client.post("/api/v1/customers", headers=_bearer(services, "admin"))

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
