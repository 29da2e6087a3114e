"""``/api/v1/audit``, ``/api/v1/sync/runs``, ``/api/v1/openapi.json`` and ``/healthz``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from gateway.app import create_app
from gateway.bootstrap import build_services
from gateway.services.users import create_token
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, 'audit', 'auditor')}"}


def test_audit_is_keyset_paged_newest_first(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    first = client.get("/api/v1/audit?limit=2", headers=headers).get_json()
    rest = client.get(
        f"/api/v1/audit?limit=2&before_id={first['next_before_id']}", headers=headers
    ).get_json()

    ids = seed.audit_ids
    assert [e["id"] for e in first["items"]] == [ids[2], ids[1]]
    assert first["next_before_id"] == ids[1]
    assert [e["id"] for e in rest["items"]] == [ids[0]]
    assert rest["next_before_id"] is None


def test_audit_entry_fields_and_filters(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = client.get(
        "/api/v1/audit?object_type=invoice&external_id=NS-INV-1", headers=headers
    ).get_json()

    [entry] = body["items"]
    assert entry["field"] == "due_date"
    assert (entry["old"], entry["new"]) == ("2025-10-15", "2025-11-01")
    assert entry["run_id"] == seed.run_ids[0]
    assert len(entry["hash"]) == 64


def test_sync_runs_newest_first(
    client: FlaskClient, headers: dict[str, str], seed: Seed
) -> None:
    body = client.get("/api/v1/sync/runs", headers=headers).get_json()

    assert [r["id"] for r in body["items"]] == seed.run_ids[::-1]
    assert body["items"][0]["error"] == "AuthError: token expired"
    assert body["items"][1]["records_read"] == 42
    assert body["total"] == 2


def test_openapi_document_lists_every_path_without_auth(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")

    doc = json.loads(response.get_data(as_text=True))
    assert response.status_code == 200
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/customers",
        "/customers/{customer_id}",
        "/invoices",
        "/invoices/{invoice_id}",
        "/sync/runs",
        "/audit",
        "/promises",
        "/priorities",
        "/customers/{customer_id}/score",
        "/predictions",
        "/customers/{customer_id}/predictions",
        "/payments",
        "/payments/{payment_id}",
        "/sync/streams",
        "/sync/conflicts",
        "/sync/conflicts/{conflict_id}/resolve",
        "/sync/outbox",
        "/sync/outbox/{item_id}/retry",
        "/sync/outbox/{item_id}/discard",
        "/kpis",
    }
    refs = json.dumps(doc["paths"])
    for name in doc["components"]["schemas"]:
        assert name in refs or name in {"Money", "Ref", "AuditEntry"}


def test_healthz_reports_the_database_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "arbridge.db"
    services = build_services(
        Settings(database_url=f"sqlite:///{missing}", testing=True)
    )
    try:
        response = create_app(services).test_client().get("/healthz")
    finally:
        services.dispose()

    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
