"""Queueing a field write-back for many records at once, as one per record would."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from gateway.store.models import OutboxItem
from gateway.store.sync_repo import SyncRepository


def _single(services, at, local_id, fields, connection="ns") -> None:
    with services.uow() as uow:
        SyncRepository(uow.session).enqueue_field_update(
            connection=connection, object_type="customer", local_id=local_id,
            external_id=str(local_id), fields=fields, at=at,
        )  # fmt: skip
        uow.commit()


def _rows(services) -> list[tuple]:
    with services.read_uow() as uow:
        return [
            (i.idempotency_key, i.connection, i.local_id, i.external_id,
             json.loads(i.fields), i.status, i.attempts, i.next_attempt_at,
             i.updated_at)
            for i in uow.session.scalars(select(OutboxItem).order_by(OutboxItem.id))
        ]  # fmt: skip


def test_many_records_are_folded_into_pending_writes_or_get_numbered_rows(
    services, clock
):
    before = clock.now()
    _single(services, before, 1, ["collection_status"])  # stays pending
    _single(services, before, 2, ["collection_status"])  # sent already
    with services.uow() as uow:
        uow.session.execute(
            update(OutboxItem).where(OutboxItem.local_id == 2).values(status="done")
        )
        uow.commit()
    at = before + timedelta(minutes=5)

    with services.uow() as uow:
        added = SyncRepository(uow.session).enqueue_field_updates(
            object_type="customer",
            targets=[("ns", 1, "1"), ("ns", 2, "2"), ("ns", 3, "3"), ("sap", 1, "S1")],
            fields=["risk_score"],
            at=at,
        )
        uow.commit()

    assert added == 3
    assert _rows(services) == [
        ("ns:customer:1:update:1", "ns", 1, "1",
         ["collection_status", "risk_score"], "pending", 0, before, at),
        ("ns:customer:2:update:1", "ns", 2, "2",
         ["collection_status"], "done", 0, before, before),
        ("ns:customer:2:update:2", "ns", 2, "2", ["risk_score"], "pending", 0, at, at),
        ("ns:customer:3:update:1", "ns", 3, "3", ["risk_score"], "pending", 0, at, at),
        ("sap:customer:1:update:1", "sap", 1, "S1", ["risk_score"], "pending", 0, at,
         at),
    ]  # fmt: skip


def test_a_bulk_queued_row_is_coalesced_by_a_later_single_change(services, clock):
    at = clock.now()
    with services.uow() as uow:
        SyncRepository(uow.session).enqueue_field_updates(
            object_type="customer", targets=[("ns", 7, "7")], fields=["risk_score"],
            at=at,
        )  # fmt: skip
        uow.commit()

    _single(services, at, 7, ["collection_status"])

    [row] = _rows(services)
    assert row[:5] == (
        "ns:customer:7:update:1", "ns", 7, "7", ["collection_status", "risk_score"],
    )  # fmt: skip


def test_no_targets_queue_nothing(services):
    with services.uow() as uow:
        added = SyncRepository(uow.session).enqueue_field_updates(
            object_type="customer", targets=[], fields=["risk_score"],
            at=services.clock.now(),
        )  # fmt: skip
        uow.commit()

    assert (added, _rows(services)) == (0, [])
