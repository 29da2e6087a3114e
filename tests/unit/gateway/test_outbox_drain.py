"""Draining the outbox on SQLite and PostgreSQL with a scripted in-memory sink."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from adapters.errors import AuthError, RateLimited, RejectedError, TransientError
from gateway.services.outbox import DrainPolicy, backoff, drain
from gateway.store.models import (
    AuditEntry,
    ExternalRef,
    Invoice,
    OutboxItem,
    Payment,
    PaymentAllocation,
)
from tests.outbox_support import (
    ScriptedSink,
    add_invoice,
    add_payment,
    bind,
    set_invoice_fields,
    sink_world,
)

NS = "ns"
POLICY = DrainPolicy(batch=5, base_delay=2.0, max_delay=60.0, max_attempts=3)


@dataclass
class World:
    services: object
    sink: ScriptedSink
    clock: object
    customer: int
    invoice: int


@pytest.fixture
def world(database_url, clock):
    services, sink, customer, invoice = sink_world(database_url, clock, NS)
    yield World(services, sink, clock, customer, invoice)
    services.dispose()


def _item(world, item_id) -> OutboxItem:
    with world.services.read_uow() as uow:
        return uow.session.get_one(OutboxItem, item_id)


def _fail_entries(world) -> list[AuditEntry]:
    with world.services.read_uow() as uow:
        return list(
            uow.session.scalars(select(AuditEntry).where(AuditEntry.tag.like("%:fail")))
        )


def _push_entries(world) -> list[AuditEntry]:
    with world.services.read_uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.tag.like("%:push"))
                .order_by(AuditEntry.id)
            )
        )


def _status_update(world, **values) -> int:
    with world.services.uow() as uow:
        item_id = set_invoice_fields(
            uow.session, NS, world.invoice, world.clock.now(), **values
        )
        uow.commit()
    return item_id


def _payment(world, key="p1", invoice=None) -> tuple[int, int]:
    with world.services.uow() as uow:
        ids = add_payment(
            uow.session,
            NS,
            world.customer,
            [(invoice or world.invoice, Decimal("40.00"))],
            key=key,
            at=world.clock.now(),
        )
        uow.commit()
    return ids


def test_ten_quick_status_changes_become_one_write_of_the_latest_value(world):
    for level in range(1, 11):
        item_id = _status_update(world, dunning_level=level)
    result = drain(world.services, "w1", POLICY)
    assert result.sent == 1
    [op] = world.sink.writes
    assert op.operation == "update"
    assert op.external_id == "200"
    assert op.object_type == "invoice"
    assert op.payload == {"custbody_arb_dunning_level": 10}
    assert _item(world, item_id).status == "done"


def test_written_fields_land_in_the_shadow_and_the_audit_log(world):
    _status_update(world, dunning_level=2, collection_status="promised")
    drain(world.services, "w1", POLICY)
    with world.services.read_uow() as uow:
        ref = uow.session.scalar(
            select(ExternalRef).where(ExternalRef.object_type == "invoice")
        )
        shadow = json.loads(ref.shadow)
    assert shadow["dunning_level"] == 2
    assert shadow["collection_status"] == "promised"
    entries = _push_entries(world)
    assert [(e.tag, e.field, e.new) for e in entries] == [
        ("netsuite:invoice:push", "collection_status", "promised"),
        ("netsuite:invoice:push", "dunning_level", "2"),
    ]
    assert {(e.direction, e.actor, e.external_id) for e in entries} == {
        ("out", "worker:w1", "200")
    }


def test_a_payment_is_upserted_by_its_key_then_bound_and_marked_posted(world):
    payment_id, item_id = _payment(world)
    drain(world.services, "w1", POLICY)
    [op] = world.sink.writes
    assert op.operation == "upsert"
    assert op.object_type == "customerPayment"
    assert op.idempotency_key == "ns:payment:p1"
    assert op.payload["customer"] == {"id": "100"}
    assert op.payload["payment"] == "40.00"
    assert op.payload["apply"] == {
        "items": [{"doc": {"id": "200"}, "apply": True, "amount": "40.00"}]
    }
    with world.services.read_uow() as uow:
        assert uow.session.get_one(Payment, payment_id).status == "posted"
        ref = uow.session.scalar(
            select(ExternalRef).where(ExternalRef.object_type == "payment")
        )
    assert (ref.external_id, ref.local_id) == ("ns:payment:p1", payment_id)
    assert json.loads(ref.shadow)["allocations"] == [["200", "40.00"]]
    assert _item(world, item_id).status == "done"


def test_a_payment_waits_for_an_invoice_without_a_remote_id(world):
    with world.services.uow() as uow:
        unbound = add_invoice(
            uow.session, NS, None, world.customer, at=world.clock.now()
        )
        uow.commit()
    _, item_id = _payment(world, invoice=unbound)
    result = drain(world.services, "w1", POLICY)
    item = _item(world, item_id)
    assert result.waiting == 1
    assert (item.status, item.attempts) == ("pending", 1)
    assert "has no id in ns" in item.last_error
    assert item.next_attempt_at > world.clock.now()
    assert world.sink.writes == []
    with world.services.uow() as uow:
        bind(uow.session, NS, "invoice", "201", unbound, world.clock.now())
        uow.commit()
    world.clock.advance(seconds=10)
    assert drain(world.services, "w1", POLICY).sent == 1
    assert world.sink.writes[0].payload["apply"]["items"][0]["doc"] == {"id": "201"}


def test_transient_failures_back_off_and_dead_letter_after_the_budget(world):
    item_id = _status_update(world, dunning_level=1)
    world.sink.failures = [TransientError("netsuite", "patch", "HTTP 503")] * 3
    due = []
    for _ in range(3):
        drain(world.services, "w1", POLICY)
        item = _item(world, item_id)
        due.append(item.next_attempt_at - world.clock.now())
        world.clock.advance(seconds=3600)
    assert item.status == "dead"
    assert item.last_error == "netsuite patch: HTTP 503"
    [entry] = _fail_entries(world)  # one entry for the row, when it is given up
    assert entry.new == "netsuite patch: HTTP 503"
    assert entry.rule == "dead letter after 3 attempt(s)"
    assert timedelta(seconds=2) <= due[0] <= timedelta(seconds=2.5)
    assert timedelta(seconds=4) <= due[1] <= timedelta(seconds=5)


def test_rate_limits_wait_at_least_what_the_remote_asked(world):
    item_id = _status_update(world, dunning_level=1)
    world.sink.failures = [RateLimited("netsuite", "patch", "429", retry_after=40)]
    drain(world.services, "w1", POLICY)
    item = _item(world, item_id)
    assert item.status == "pending"
    assert item.next_attempt_at - world.clock.now() >= timedelta(seconds=40)


def test_a_refused_write_is_dead_lettered_with_the_remote_message(world):
    item_id = _status_update(world, dunning_level=1)
    later_id = _payment(world)[1]
    world.sink.failures = [
        RejectedError("netsuite", "patch invoice", "HTTP 400: INVALID_FLD_VALUE")
    ]
    result = drain(world.services, "w1", POLICY)
    assert (result.dead, result.sent) == (1, 1)
    item = _item(world, item_id)
    assert item.status == "dead"
    assert "INVALID_FLD_VALUE" in item.last_error
    assert _item(world, later_id).status == "done"
    [entry] = _fail_entries(world)
    assert (entry.object_type, entry.local_id, entry.direction, entry.actor) == (
        "invoice", world.invoice, "out", "w1",
    )  # fmt: skip
    assert (entry.connection, entry.field, entry.rule) == (
        NS, "*", "dead letter after 1 attempt(s)",
    )  # fmt: skip
    assert "INVALID_FLD_VALUE" in entry.new


def test_bad_credentials_pause_the_connection_instead_of_killing_rows(world):
    first = _status_update(world, dunning_level=1)
    second = _payment(world)[1]
    world.sink.failures = [AuthError("netsuite", "patch", "HTTP 401: INVALID_LOGIN")]
    drain(world.services, "w1", POLICY)
    for item_id in (first, second):
        item = _item(world, item_id)
        assert item.status == "pending"
        assert item.next_attempt_at >= world.clock.now() + POLICY.auth_pause
    assert "INVALID_LOGIN" in _item(world, first).last_error
    assert _fail_entries(world) == []  # paused, not given up


def test_a_row_with_nothing_outbound_is_done_without_a_write(world):
    with world.services.uow() as uow:
        invoice = uow.session.get_one(Invoice, world.invoice)
        invoice.memo = "not written back"
        from gateway.store.sync_repo import SyncRepository

        item = SyncRepository(uow.session).enqueue_field_update(
            connection=NS,
            object_type="invoice",
            local_id=world.invoice,
            external_id="200",
            fields=["memo"],
            at=world.clock.now(),
        )
        uow.commit()
    drain(world.services, "w1", POLICY)
    assert _item(world, item.id).status == "done"
    assert world.sink.writes == []


def test_backoff_doubles_and_is_capped():
    policy = DrainPolicy(base_delay=1.0, max_delay=10.0)
    assert 1.0 <= backoff(1, policy) <= 1.25
    assert 4.0 <= backoff(3, policy) <= 5.0
    assert 10.0 <= backoff(30, policy) <= 12.5


def test_a_copy_pulled_before_the_bind_is_folded_into_the_posted_payment(world):
    payment_id, _ = _payment(world)
    with world.services.uow() as uow:
        # A pull read the new remote payment between the remote's answer and our
        # commit, and mirrored it as a payment of its own.
        pulled, _ = add_payment(
            uow.session,
            "other",
            world.customer,
            [(world.invoice, Decimal("40.00"))],
            key="pulled",
            at=world.clock.now(),
        )
        uow.session.get_one(Payment, pulled).number = "PYMT77"
        bind(uow.session, NS, "payment", "ns:payment:p1", pulled, world.clock.now())
        uow.session.execute(delete(OutboxItem).where(OutboxItem.local_id == pulled))
        uow.commit()
    assert drain(world.services, "w1", POLICY).sent == 1
    with world.services.read_uow() as uow:
        assert uow.session.get(Payment, pulled) is None
        ours = uow.session.get_one(Payment, payment_id)
        ref = uow.session.scalar(
            select(ExternalRef).where(ExternalRef.external_id == "ns:payment:p1")
        )
        lines = uow.session.scalars(
            select(PaymentAllocation).where(PaymentAllocation.payment_id == payment_id)
        ).all()
    assert (ours.status, ours.number, ref.local_id) == ("posted", "PYMT77", payment_id)
    assert [(a.invoice_id, a.amount) for a in lines] == [
        (world.invoice, Decimal("40.00"))
    ]
