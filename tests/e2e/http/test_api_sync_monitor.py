"""GET/POST /api/v1/sync/streams|conflicts|outbox: the sync monitor through the API."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.e2e.http.write_support import bearer, counts, rows
from tests.e2e.sync_monitor_seed import MonitorSeed, seed_monitor

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


@pytest.fixture
def monitor(services: Services, seed: Seed) -> MonitorSeed:
    return seed_monitor(services, seed)


@pytest.fixture
def admin(services: Services) -> dict[str, str]:
    return bearer(services, "admin", "ops-console")


def test_streams_show_cursor_lag_and_last_run(
    client: FlaskClient, monitor: MonitorSeed, seed: Seed, admin: dict[str, str]
) -> None:
    body = client.get("/api/v1/sync/streams", headers=admin).get_json()

    [netsuite] = body["items"]
    assert netsuite["connection"] == "netsuite"
    assert netsuite["last_run"]["status"] == "failed"  # the newest run
    streams = {s["stream"]: s for s in netsuite["streams"]}
    assert streams["customers"]["watermark"] == "2026-01-15 11:00:00"
    assert streams["customers"]["tiebreak"] == "812"
    assert streams["customers"]["lag_seconds"] == 3600
    assert streams["invoices"]["lag_seconds"] == 2 * 86400 + 2 * 3600 + 1800
    assert streams["invoices"]["last_run"]["id"] == seed.run_ids[0]
    assert streams["invoices"]["last_run"]["records_read"] == 42


def test_conflicts_show_both_values_and_the_rule(
    client: FlaskClient, monitor: MonitorSeed, admin: dict[str, str]
) -> None:
    items = client.get("/api/v1/sync/conflicts", headers=admin).get_json()["items"]

    by_id = {c["id"]: c for c in items}
    promise = by_id[monitor.promise_conflict]
    assert (promise["mirror_value"], promise["remote_value"], promise["rule"]) == (
        "2026-01-20", "2026-01-25", "drift:flag")  # fmt: skip
    assert by_id[monitor.email_conflict]["rule"] == "conflict:manual"


def test_taking_the_remote_value_updates_the_mirror_and_is_audited(
    client: FlaskClient, services: Services, seed: Seed, monitor: MonitorSeed,
    admin: dict[str, str],
) -> None:  # fmt: skip
    before = counts(services)
    url = f"/api/v1/sync/conflicts/{monitor.promise_conflict}/resolve"

    response = client.post(url, json={"resolution": "take_remote"}, headers=admin)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "resolved"
    assert response.get_json()["resolved_by"] == "ops-console"
    [invoice] = rows(services, "SELECT promise_date FROM invoices WHERE id = :id",
                     id=seed.invoices["acme-1"])  # fmt: skip
    assert str(invoice.promise_date) == "2026-01-25"
    [entry] = rows(services, "SELECT tag, field, old, new, rule, actor, connection "
                   "FROM audit_entries WHERE tag LIKE :pattern", pattern="%resolve")  # fmt: skip
    assert tuple(entry) == ("gateway:invoice:resolve", "promise_date", "2026-01-20",
                            "2026-01-25", "resolve:take_remote", "ops-console",
                            "netsuite")  # fmt: skip
    assert counts(services)["outbox"] == before["outbox"]


def test_keeping_the_mirror_value_queues_a_write_back_and_is_audited(
    client: FlaskClient, services: Services, seed: Seed, monitor: MonitorSeed,
    admin: dict[str, str],
) -> None:  # fmt: skip
    url = f"/api/v1/sync/conflicts/{monitor.email_conflict}/resolve"

    response = client.post(url, json={"resolution": "keep_mirror"}, headers=admin)

    assert response.status_code == 200, response.get_json()
    [item] = rows(services, "SELECT connection, object_type, local_id, external_id, "
                  "status, fields FROM outbox WHERE connection = 'salesforce'")  # fmt: skip
    assert tuple(item[:5]) == ("salesforce", "customer", seed.customers["acme"],
                               "001ACME", "pending")  # fmt: skip
    assert json.loads(item.fields) == ["email"]
    [email] = rows(services, "SELECT email FROM customers WHERE id = :id",
                   id=seed.customers["acme"])  # fmt: skip
    assert email.email == "ap@acme.example"
    [entry] = rows(services, "SELECT tag, old, new, rule FROM audit_entries "
                   "WHERE tag LIKE :pattern", pattern="%resolve")  # fmt: skip
    assert tuple(entry) == ("gateway:customer:resolve", "billing@acme.example",
                            "ap@acme.example", "resolve:keep_mirror")  # fmt: skip


@pytest.mark.parametrize(
    ("conflict", "data", "status", "field"),
    [
        ("missing", {"resolution": "keep_mirror"}, 404, None),
        ("promise", {"resolution": "merge"}, 422, "resolution"),
        ("promise", {}, 400, "resolution"),
        ("promise", {"resolution": "keep_mirror", "note": "x"}, 400, "note"),
    ],
)
def test_a_bad_resolution_is_refused_and_changes_nothing(
    client: FlaskClient, services: Services, monitor: MonitorSeed,
    admin: dict[str, str], conflict: str, data: dict[str, str], status: int,
    field: str | None,
) -> None:  # fmt: skip
    conflict_id = monitor.promise_conflict if conflict == "promise" else 999
    before = counts(services)

    response = client.post(f"/api/v1/sync/conflicts/{conflict_id}/resolve",
                           json=data, headers=admin)  # fmt: skip

    assert response.status_code == status
    error = response.get_json()["error"]
    assert error.get("field") == field
    if field:
        assert field in error["message"]
    assert counts(services) == before


def test_a_resolved_conflict_cannot_be_resolved_again(
    client: FlaskClient, services: Services, monitor: MonitorSeed,
    admin: dict[str, str],
) -> None:  # fmt: skip
    url = f"/api/v1/sync/conflicts/{monitor.promise_conflict}/resolve"
    client.post(url, json={"resolution": "keep_mirror"}, headers=admin)
    before = counts(services)

    again = client.post(url, json={"resolution": "take_remote"}, headers=admin)

    assert again.status_code == 409
    assert "already resolved by ops-console" in again.get_json()["error"]["message"]
    assert counts(services) == before
    listed = client.get("/api/v1/sync/conflicts", headers=admin).get_json()["items"]
    assert monitor.promise_conflict not in [c["id"] for c in listed]


def test_outbox_shows_counts_and_rows_with_their_last_error(
    client: FlaskClient, monitor: MonitorSeed, admin: dict[str, str]
) -> None:
    body = client.get("/api/v1/sync/outbox", headers=admin).get_json()

    assert body["counts"]["dead"] == 1
    assert body["counts"]["retrying"] == 1
    assert body["counts"]["pending"] == 0
    by_id = {i["id"]: i for i in body["items"]}
    assert "not a valid field" in by_id[monitor.dead_item]["last_error"]
    assert by_id[monitor.retrying_item]["retrying"] is True


def test_an_admin_retries_and_discards_outbox_rows(
    client: FlaskClient, services: Services, monitor: MonitorSeed,
    admin: dict[str, str],
) -> None:  # fmt: skip
    retried = client.post(f"/api/v1/sync/outbox/{monitor.dead_item}/retry",
                          headers=admin)  # fmt: skip
    discarded = client.post(f"/api/v1/sync/outbox/{monitor.retrying_item}/discard",
                            headers=admin)  # fmt: skip
    missing = client.post("/api/v1/sync/outbox/999/retry", headers=admin)
    twice = client.post(f"/api/v1/sync/outbox/{monitor.retrying_item}/discard",
                        headers=admin)  # fmt: skip

    assert (retried.status_code, retried.get_json()["status"]) == (200, "pending")
    assert discarded.get_json()["status"] == "discarded"
    assert missing.status_code == 404
    assert twice.status_code == 409
    actors = rows(services, "SELECT actor, new FROM audit_entries "
                  "WHERE object_type = 'outbox' ORDER BY id")  # fmt: skip
    assert [tuple(a) for a in actors] == [("ops-console", "pending"),
                                          ("ops-console", "discarded")]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/sync/streams"),
        ("get", "/api/v1/sync/conflicts"),
        ("get", "/api/v1/sync/outbox"),
        ("post", "/api/v1/sync/conflicts/1/resolve"),
        ("post", "/api/v1/sync/outbox/1/retry"),
    ],
)
def test_only_admins_use_the_sync_monitor(
    client: FlaskClient, services: Services, method: str, path: str
) -> None:
    response = getattr(client, method)(path, headers=bearer(services, "collector"))
    assert response.status_code == 403
