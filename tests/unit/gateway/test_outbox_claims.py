"""Claims, ordering, visibility timeouts and the admin's retry/discard, on both databases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.errors import RejectedError
from gateway.errors import ValidationFailed
from gateway.queries.outbox import list_items, status_counts
from gateway.services.outbox import (
    DrainPolicy,
    claim,
    discard_item,
    drain,
    process_item,
    retry_item,
)
from gateway.store.models import AuditEntry, OutboxItem
from tests.outbox_support import (
    add_payment,
    set_invoice_fields,
    sink_world,
)

NS = "ns"
POLICY = DrainPolicy(batch=10, visibility_timeout=timedelta(seconds=30))


@pytest.fixture
def env(database_url, clock):
    services, sink, customer, invoice = sink_world(database_url, clock, NS)
    services.ids = (customer, invoice)
    yield services, sink
    services.dispose()


def _update(services, clock, **values) -> int:
    with services.uow() as uow:
        item_id = set_invoice_fields(
            uow.session, NS, services.ids[1], clock.now(), **values
        )
        uow.commit()
    return item_id


def _status(services, item_id) -> str:
    with services.read_uow() as uow:
        return uow.session.get_one(OutboxItem, item_id).status


def test_a_newer_write_to_the_same_record_waits_for_the_older_one(env, clock):
    services, _ = env
    first = _update(services, clock, dunning_level=1)
    assert claim(services, "w1", POLICY) == [first]
    # The first is being sent: a change now queues a second row, which must not
    # overtake it even though a second worker asks for work.
    second = _update(services, clock, dunning_level=2)
    assert second != first
    assert claim(services, "w2", POLICY) == []
    assert process_item(services, first, "w1", POLICY) == "sent"
    assert claim(services, "w2", POLICY) == [second]


def test_rows_for_different_records_are_claimed_together(env, clock):
    services, _ = env
    customer, invoice = services.ids
    with services.uow() as uow:
        add_payment(
            uow.session, NS, customer, [(invoice, Decimal(5))], key="a", at=clock.now()
        )
        add_payment(
            uow.session, NS, customer, [(invoice, Decimal(6))], key="b", at=clock.now()
        )
        uow.commit()
    update = _update(services, clock, dunning_level=1)
    assert len(claim(services, "w1", POLICY)) == 3
    assert update in [i.id for i in list_items(services, status="claimed")]


def test_a_dead_workers_claim_is_taken_over_after_the_visibility_timeout(env, clock):
    services, sink = env
    item_id = _update(services, clock, dunning_level=3)
    assert claim(services, "dead-worker", POLICY) == [item_id]
    assert claim(services, "w2", POLICY) == []
    clock.advance(seconds=31)
    assert claim(services, "w2", POLICY) == [item_id]
    # The first worker wakes up and finishes: its claim is gone, so its outcome
    # is not recorded; the new holder records its own.
    assert process_item(services, item_id, "dead-worker", POLICY) == "lost"
    assert process_item(services, item_id, "w2", POLICY) == "sent"
    assert len(sink.writes) == 2  # both sent; PATCH of the same values is harmless
    with services.read_uow() as uow:
        row = uow.session.get_one(OutboxItem, item_id)
        pushes = uow.session.scalars(
            select(AuditEntry.actor).where(AuditEntry.tag == "netsuite:invoice:push")
        ).all()
    assert (row.status, row.attempts) == ("done", 2)
    assert pushes == ["worker:w2"]


def test_an_admin_retries_a_dead_row_and_it_is_sent_and_audited(env, clock):
    services, sink = env
    item_id = _update(services, clock, dunning_level=4)
    sink.failures = [RejectedError("netsuite", "patch", "HTTP 400: locked period")]
    drain(services, "w1", POLICY)
    assert _status(services, item_id) == "dead"
    assert status_counts(services)["dead"] == 1
    retry_item(services, item_id, "admin")
    assert drain(services, "w1", POLICY).sent == 1
    assert _status(services, item_id) == "done"
    with services.read_uow() as uow:
        entry = uow.session.scalar(
            select(AuditEntry).where(AuditEntry.tag == "gateway:outbox:edit")
        )
    assert (entry.actor, entry.old, entry.new, entry.local_id) == (
        "admin",
        "dead",
        "pending",
        item_id,
    )


def test_a_discarded_row_is_never_sent(env, clock):
    services, sink = env
    item_id = _update(services, clock, dunning_level=5)
    discard_item(services, item_id, "admin")
    assert drain(services, "w1", POLICY).sent == 0
    assert sink.writes == []
    assert _status(services, item_id) == "discarded"


def test_a_row_being_sent_or_done_cannot_be_retried_or_discarded(env, clock):
    services, _ = env
    item_id = _update(services, clock, dunning_level=6)
    claim(services, "w1", POLICY)
    with pytest.raises(ValidationFailed, match="is claimed"):
        discard_item(services, item_id, "admin")
    process_item(services, item_id, "w1", POLICY)
    with pytest.raises(ValidationFailed, match="is done"):
        retry_item(services, item_id, "admin")
    with pytest.raises(ValidationFailed, match="does not exist"):
        retry_item(services, 999_999, "admin")
