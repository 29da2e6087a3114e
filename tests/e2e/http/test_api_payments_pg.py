"""POST /api/v1/payments on PostgreSQL: one transaction, one payment per key under races."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from gateway.app import create_app
from gateway.bootstrap import build_services
from gateway.clock import FixedClock
from gateway.settings import Secret, Settings
from gateway.store.migrate import upgrade
from gateway.store.models import OutboxItem
from tests.e2e.http.write_support import bearer, connections, counts, rows
from tests.e2e.web_seed import NOW, seed_all

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_services(pg_url: str) -> Iterator[tuple[Services, Seed]]:
    settings = Settings(database_url=pg_url, secret_key=Secret("pg-secret"),
                        connections=connections(), testing=True)  # fmt: skip
    container = build_services(settings, clock=FixedClock(NOW))
    upgrade(container.engine)
    seed = seed_all(container)
    yield container, seed
    container.dispose()


@pytest.fixture
def pg_app(pg_services: tuple[Services, Seed]) -> Flask:
    return create_app(pg_services[0])


def _body(seed: Seed, key: str) -> dict[str, Any]:
    return {
        "customer": seed.customers["acme"], "amount": "700.00", "currency": "EUR",
        "date": "2026-01-14", "idempotency_key": key,
        "allocations": [{"invoice": seed.invoices["acme-2"], "amount": "700.00"}],
    }  # fmt: skip


def test_same_key_posted_at_once_from_eight_clients_stores_one_payment(
    pg_app: Flask, pg_services: tuple[Services, Seed]
) -> None:
    services, seed = pg_services
    auth = bearer(services)
    before = counts(services)

    def post(_: int) -> int:
        response = pg_app.test_client().post(
            "/api/v1/payments", json=_body(seed, "race-1"), headers=auth
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(post, range(8)))

    assert statuses == [200] * 7 + [201]
    after = counts(services)
    assert after["payments"] == before["payments"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert after["payment_allocations"] == before["payment_allocations"] + 1
    assert after["audit_entries"] == before["audit_entries"] + 2


def test_different_keys_cannot_both_take_one_invoice_balance(
    pg_app: Flask, pg_services: tuple[Services, Seed]
) -> None:
    services, seed = pg_services
    auth = bearer(services)
    body = {**_body(seed, "x"), "amount": "2000.00"}
    body["allocations"] = [{"invoice": seed.invoices["acme-2"], "amount": "2000.00"}]

    def post(n: int) -> int:
        data = {**body, "idempotency_key": f"split-{n}"}
        return pg_app.test_client().post("/api/v1/payments", json=data,
                                         headers=auth).status_code  # fmt: skip

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(post, range(4)))

    # acme-2 has 3000.00 open: one payment of 2000.00 fits, the others do not.
    assert statuses == [201, 422, 422, 422]


def test_a_failure_after_the_payment_insert_rolls_everything_back(
    pg_app: Flask, pg_services: tuple[Services, Seed]
) -> None:
    services, seed = pg_services
    # An outbox row already holds the key the payment's write-back would take.
    with services.uow() as uow:
        now = datetime(2026, 1, 15, tzinfo=UTC)
        uow.session.add(OutboxItem(
            idempotency_key="netsuite:payment:taken", connection="netsuite",
            operation="create_payment", object_type="payment", status="done",
            next_attempt_at=now, created_at=now, updated_at=now,
        ))  # fmt: skip
        uow.commit()
    before = counts(services)

    response = pg_app.test_client().post(
        "/api/v1/payments", json=_body(seed, "taken"), headers=bearer(services)
    )

    assert response.status_code == 409
    assert response.get_json()["error"]["field"] == "idempotency_key"
    assert counts(services) == before
    assert (
        rows(services, "SELECT id FROM payments WHERE idempotency_key = 'taken'") == []
    )
