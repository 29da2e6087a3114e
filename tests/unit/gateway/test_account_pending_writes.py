"""The account read model says which open invoices still wait for a write-back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update

from gateway.queries.account import read_account
from gateway.services.invoice_edits import edit_invoice
from gateway.store.models import OutboxItem
from gateway.store.sync_repo import SyncRepository
from tests.conftest import make_services
from tests.e2e.http.write_support import connections
from tests.e2e.web_seed import NOW, TODAY, Seed, seed_mirror

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gateway.bootstrap import Services
    from gateway.clock import FixedClock


@pytest.fixture
def services(database_url: str, clock: FixedClock) -> Iterator[Services]:
    built = make_services(database_url, clock, connections=connections())
    yield built
    built.dispose()


@pytest.fixture
def seed(services: Services) -> Seed:
    seed = Seed()
    with services.uow() as uow:
        seed_mirror(uow.session, seed)
        uow.commit()
    return seed


def _pending(services: Services, seed: Seed, customer: str = "acme") -> frozenset[int]:
    record = read_account(services, seed.customers[customer], TODAY)
    assert record is not None
    return record.pending_writes


def test_an_edited_invoice_is_pending_until_its_write_back_is_done(
    services: Services, seed: Seed
) -> None:
    invoice = seed.invoices["acme-1"]
    assert _pending(services, seed) == frozenset()

    edit_invoice(services, invoice, {"collection_status": "promised"}, "collector")
    pending = _pending(services, seed)
    with services.uow() as uow:
        uow.session.execute(update(OutboxItem).values(status="claimed"))
        uow.commit()
    claimed = _pending(services, seed)
    with services.uow() as uow:
        uow.session.execute(update(OutboxItem).values(status="done"))
        uow.commit()

    assert pending == claimed == frozenset({invoice})
    assert _pending(services, seed) == frozenset()
    assert _pending(services, seed, "borealis") == frozenset()


def test_a_row_for_a_connection_that_is_not_configured_is_not_pending(
    services: Services, seed: Seed
) -> None:
    with services.uow() as uow:
        SyncRepository(uow.session).enqueue_field_update(
            connection="retired-erp", object_type="invoice",
            local_id=seed.invoices["acme-2"], external_id="X-2",
            fields=["in_dispute"], at=NOW,
        )  # fmt: skip
        uow.commit()

    assert _pending(services, seed) == frozenset()
