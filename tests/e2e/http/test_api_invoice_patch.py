"""PATCH /api/v1/invoices/<id>: the gateway-owned collection fields, written back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.http.write_support import bearer, counts, erp_services, rows

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from gateway.clock import FixedClock
    from tests.e2e.web_seed import Seed

DEFAULT_RULES = Path(__file__).resolve().parents[3] / "rules/defaults/ownership.yaml"
INVOICE_ROW = ("SELECT dunning_level, in_dispute, promise_date, collection_status, "
               "updated_at FROM invoices WHERE id = :id")  # fmt: skip


@pytest.fixture
def services(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed]
) -> Iterator[Services]:
    # An admin gave dunning levels to the ERP: the gateway must not set them.
    rules = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        "dunning_level: {owner: gateway,", "dunning_level: {owner: erp,"
    )
    path = tmp_path / "ownership.yaml"
    path.write_text(rules, encoding="utf-8")
    yield from erp_services(tmp_path, clock, template_db, ownership_path=path)


@pytest.fixture
def auth(services: Services) -> dict[str, str]:
    return bearer(services, "collector", "collector-app")


def _patch(client: FlaskClient, invoice: int, data: Any, auth: dict[str, str]) -> Any:
    return client.patch(f"/api/v1/invoices/{invoice}", json=data, headers=auth)


def test_collection_fields_are_set_audited_and_queued_for_the_erp(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    invoice = seed.invoices["acme-2"]
    before = counts(services)

    response = _patch(client, invoice, {"in_dispute": True,
                      "promise_date": "2026-02-01", "collection_status": "promised"},
                      auth)  # fmt: skip

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["in_dispute"], body["promise_date"]) == (
        invoice, True, "2026-02-01")  # fmt: skip
    assert body["collection_status"] == "promised"
    assert body["refs"] == [{"connection": "netsuite", "object_type": "invoice",
                             "external_id": "NS-INV-2"}]  # fmt: skip
    after = counts(services)
    assert after["audit_entries"] == before["audit_entries"] + 3
    assert after["outbox"] == before["outbox"] + 1
    audit = rows(services, "SELECT tag, field, old, new, rule, actor FROM "
                 "audit_entries WHERE tag = 'gateway:invoice:edit' ORDER BY field")  # fmt: skip
    assert [tuple(a) for a in audit] == [
        ("gateway:invoice:edit", "collection_status", None, "promised",
         "owner:gateway", "collector-app"),
        ("gateway:invoice:edit", "in_dispute", None, "true", "owner:gateway",
         "collector-app"),
        ("gateway:invoice:edit", "promise_date", None, "2026-02-01", "owner:gateway",
         "collector-app"),
    ]  # fmt: skip
    [item] = rows(services, "SELECT connection, operation, external_id, status, "
                  "fields FROM outbox")  # fmt: skip
    assert tuple(item[:4]) == ("netsuite", "update", "NS-INV-2", "pending")
    assert json.loads(item.fields) == [
        "collection_status",
        "in_dispute",
        "promise_date",
    ]


def test_two_edits_before_the_worker_runs_are_one_pending_write(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    invoice = seed.invoices["acme-1"]

    assert _patch(client, invoice, {"in_dispute": True}, auth).status_code == 200
    assert (
        _patch(client, invoice, {"promise_date": "2026-03-01"}, auth).status_code == 200
    )

    items = rows(services, "SELECT status, fields FROM outbox WHERE local_id = :id",
                 id=invoice)  # fmt: skip
    assert [(i.status, json.loads(i.fields)) for i in items] == [
        ("pending", ["in_dispute", "promise_date"])
    ]


def test_setting_the_value_a_field_already_has_changes_nothing(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    invoice = seed.invoices["acme-1"]
    before = counts(services)

    response = _patch(client, invoice, {"promise_date": None}, auth)

    assert response.status_code == 200
    assert counts(services) == before


def test_a_field_the_gateway_does_not_own_is_refused_with_its_owner(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    invoice = seed.invoices["acme-1"]
    before, row = counts(services), rows(services, INVOICE_ROW, id=invoice)

    response = _patch(client, invoice, {"dunning_level": 2, "in_dispute": True}, auth)

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["field"] == "dunning_level"
    assert "owned by erp" in error["message"]
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice) == row


def test_an_erp_fact_like_the_due_date_is_refused_with_its_owner(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    before = counts(services)

    response = _patch(client, seed.invoices["acme-1"], {"due_date": "2027-01-01"}, auth)

    assert response.status_code == 409
    assert response.get_json()["error"]["message"].startswith(
        "due_date is owned by erp"
    )
    assert counts(services) == before


BAD: list[tuple[str, Any, int, str]] = [
    ("unknown field", {"dunning": 1}, 400, "dunning"),
    ("dunning level too high", {"dunning_level": 10}, 400, "dunning_level"),
    ("dunning level not a number", {"dunning_level": "2"}, 400, "dunning_level"),
    ("dispute flag not a boolean", {"in_dispute": "yes"}, 400, "in_dispute"),
    ("bad promise date", {"promise_date": "2026-13-01"}, 400, "promise_date"),
    ("status outside the closed set", {"collection_status": "paid"}, 400,
     "collection_status"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "status", "field"), [pytest.param(d, s, f, id=n) for n, d, s, f in BAD]
)
def test_bad_patch_input_is_refused_naming_the_field_and_changes_nothing(
    client: FlaskClient,
    services: Services,
    seed: Seed,
    auth: dict[str, str],
    data: dict[str, Any],
    status: int,
    field: str,
) -> None:
    invoice = seed.invoices["acme-1"]
    before, row = counts(services), rows(services, INVOICE_ROW, id=invoice)

    response = _patch(client, invoice, data, auth)

    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["field"] == field
    assert field in error["message"]
    assert counts(services) == before
    assert rows(services, INVOICE_ROW, id=invoice) == row


def test_malformed_json_and_unknown_invoices_are_refused(
    client: FlaskClient, services: Services, seed: Seed, auth: dict[str, str]
) -> None:
    before = counts(services)

    broken = client.patch(f"/api/v1/invoices/{seed.invoices['acme-1']}",
                          data="{", content_type="application/json", headers=auth)  # fmt: skip
    missing = _patch(client, 999_999, {"in_dispute": True}, auth)
    empty = _patch(client, seed.invoices["acme-1"], {}, auth)

    assert broken.status_code == 400
    assert "not valid JSON" in broken.get_json()["error"]["message"]
    assert missing.status_code == 404
    assert empty.status_code == 400
    assert counts(services) == before


def test_an_auditor_may_not_edit_invoices(
    client: FlaskClient, services: Services, seed: Seed
) -> None:
    response = _patch(client, seed.invoices["acme-1"], {"in_dispute": True},
                      bearer(services, "auditor"))  # fmt: skip
    assert response.status_code == 403
