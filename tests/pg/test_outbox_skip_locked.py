"""Concurrent claims on PostgreSQL: SKIP LOCKED hands each row to exactly one worker."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from gateway.clock import SystemClock
from gateway.services.outbox import DrainPolicy, claim
from gateway.store.models import OutboxItem
from tests.conftest import make_services

pytestmark = pytest.mark.postgres


def _rows(services, count: int) -> set[int]:
    now = services.clock.now()
    with services.uow() as uow:
        items = [
            OutboxItem(
                idempotency_key=f"ns:invoice:{n}:update:1",
                connection="ns",
                operation="update",
                object_type="invoice",
                local_id=n,
                fields='["dunning_level"]',
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            for n in range(count)
        ]
        uow.session.add_all(items)
        uow.session.flush()
        ids = {item.id for item in items}
        uow.commit()
    return ids


def test_eight_concurrent_claimers_never_get_the_same_row(pg_url):
    services = make_services(pg_url, SystemClock())
    wanted = _rows(services, 400)
    policy = DrainPolicy(batch=7, visibility_timeout=timedelta(minutes=5))
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(8)

    def claimer(name: str) -> None:
        start.wait()
        mine = claimed.setdefault(name, [])
        while ids := claim(services, name, policy):
            mine.extend(ids)

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    services.dispose()
    every = [item for ids in claimed.values() for item in ids]
    assert sorted(every) == sorted(wanted)  # each row once: none twice, none lost
    assert sum(1 for ids in claimed.values() if ids) > 1  # the work was shared
