"""Streams, conflicts and outbox rows for the sync monitor tests (API, page, browser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gateway.store.models import Conflict, Customer, Invoice, OutboxItem
from gateway.store.sync_repo import SyncRepository
from tests.e2e.web_seed import NOW

if TYPE_CHECKING:
    from gateway.bootstrap import Services
    from tests.e2e.web_seed import Seed


@dataclass(frozen=True)
class MonitorSeed:
    promise_conflict: int
    email_conflict: int
    dead_item: int
    retrying_item: int


def _conflict(**values: object) -> Conflict:
    return Conflict(status="open", created_at=NOW - timedelta(minutes=20), **values)


def _item(key: str, status: str, attempts: int, error: str | None) -> OutboxItem:
    return OutboxItem(
        idempotency_key=key, connection="netsuite", operation="update",
        object_type="invoice", local_id=None, external_id="NS-INV-10",
        fields='["dunning_level"]', status=status, attempts=attempts,
        next_attempt_at=NOW + timedelta(minutes=5), last_error=error,
        created_at=NOW - timedelta(hours=1), updated_at=NOW,
    )  # fmt: skip


def seed_monitor(services: Services, seed: Seed) -> MonitorSeed:
    """Cursors of two NetSuite streams, a flag and a conflict, two outbox rows."""
    with services.uow() as uow:
        session, run = uow.session, seed.run_ids[0]
        repo = SyncRepository(session)
        repo.set_cursor("netsuite", "customers",
                        '{"watermark": "2026-01-15 11:00:00", "tiebreak": "812"}',
                        run, NOW - timedelta(minutes=58))  # fmt: skip
        repo.set_cursor("netsuite", "invoices",
                        '{"watermark": "2026-01-13 09:30:00", "tiebreak": null}',
                        run, NOW - timedelta(minutes=58))  # fmt: skip
        acme_inv = session.get_one(Invoice, seed.invoices["acme-1"])
        acme_inv.promise_date = date(2026, 1, 20)
        session.get_one(Customer, seed.customers["acme"]).email = "ap@acme.example"
        promise = _conflict(kind="flag", connection="netsuite", object_type="invoice",
                            local_id=acme_inv.id, external_id="NS-INV-1",
                            field="promise_date", mirror_value="2026-01-20",
                            remote_value="2026-01-25", rule="drift:flag")  # fmt: skip
        email = _conflict(kind="conflict", connection="salesforce",
                          object_type="customer", local_id=seed.customers["acme"],
                          external_id="001ACME", field="email",
                          mirror_value="ap@acme.example",
                          remote_value="billing@acme.example",
                          rule="conflict:manual")  # fmt: skip
        dead = _item("netsuite:invoice:4:update:1", "dead", 5,
                     "RejectedError: custbody_arb_dunning_level is not a valid field")  # fmt: skip
        retrying = _item("netsuite:invoice:4:update:2", "pending", 2,
                         "TransientError: 503 Service Unavailable")  # fmt: skip
        session.add_all([promise, email, dead, retrying])
        session.flush()
        ids = MonitorSeed(promise.id, email.id, dead.id, retrying.id)
        uow.commit()
    return ids
