"""The worker's scheduler: jobs from each connection's `schedule`, leases respected."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adapters.base import StreamSpec
from adapters.testing.memory import InMemoryAdapter
from gateway.errors import ConfigError
from gateway.scheduler import build_scheduler, scheduled_sync, trigger_for
from gateway.services.outbox import DrainPolicy
from gateway.settings import parse_connection
from gateway.store import leases
from gateway.store.kpi_ledger import pending
from gateway.store.models import Customer, Invoice, KpiInvoice, SyncRun
from tests.conftest import make_services

BASE = {
    "kind": "netsuite",
    "account": "X",
    "consumer_key": "k",
    "consumer_secret": "s",
    "token_id": "t",
    "token_secret": "s",
}


def _connection(name, **extra):
    return parse_connection(name, {**BASE, **extra}, {}, source="test")


@pytest.fixture
def services(sqlite_url, clock):
    built = make_services(
        sqlite_url,
        clock,
        connections={
            "every5m": _connection("every5m", schedule=300),
            "cron": _connection("cron", schedule="*/15 * * * *"),
            "manual": _connection("manual"),
        },
    )
    yield built
    built.dispose()


def test_each_scheduled_connection_gets_a_job_beside_the_outbox_drain(services):
    scheduler = build_scheduler(services, "w1", DrainPolicy(), threading.Event())
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "outbox", "sync:every5m", "sync:cron", "daily-collections", "weekly-retrain"
    }  # fmt: skip
    assert jobs["sync:every5m"].trigger.interval == timedelta(seconds=300)
    assert "*/15" in str(jobs["sync:cron"].trigger)


def test_a_bad_cron_line_is_a_config_error_naming_the_connection():
    with pytest.raises(ConfigError, match="connection ns: schedule"):
        trigger_for("ns", "61 * * * *")


@pytest.mark.parametrize("value", [5, "hourly", True, "* * *"])
def test_a_schedule_must_be_seconds_or_a_cron_line(value):
    with pytest.raises(ConfigError, match=r"ns\.schedule"):
        _connection("ns", schedule=value)


def test_a_scheduled_sync_skips_quietly_while_another_process_holds_the_lease(
    services, clock
):
    services.set_adapter(
        "manual", InMemoryAdapter(specs=(StreamSpec("customers", "customer"),))
    )
    with services.uow() as uow:
        leases.acquire(
            uow.session,
            "sync:manual:customers",
            "other:1",
            clock.now(),
            timedelta(minutes=1),
        )
        uow.commit()
    scheduled_sync(services, "manual")
    with services.read_uow() as uow:
        runs = uow.session.scalar(select(func.count()).select_from(SyncRun))
    assert runs == 0
    clock.advance(minutes=2)  # the holder died: its lease expired
    scheduled_sync(services, "manual")
    with services.read_uow() as uow:
        run = uow.session.scalar(select(SyncRun))
    assert run is not None
    assert run.status == "succeeded"


def test_a_scheduled_sync_brings_the_kpi_ledger_up_to_date(services, clock):
    services.set_adapter(
        "manual", InMemoryAdapter(specs=(StreamSpec("customers", "customer"),))
    )
    with services.uow() as uow:
        customer = Customer(number="C1", created_at=clock.now(), updated_at=clock.now())
        uow.session.add(customer)
        uow.session.flush()
        uow.session.add(
            Invoice(
                customer_id=customer.id, kind="invoice", status="open",
                amount=Decimal(10), open_amount=Decimal(10),
                issue_date=clock.now().date(),
                created_at=clock.now(), updated_at=clock.now(),
            )
        )  # fmt: skip
        uow.commit()

    scheduled_sync(services, "manual")

    with services.read_uow() as uow:
        assert not pending(uow.session)
        assert uow.session.scalar(select(func.count()).select_from(KpiInvoice)) == 1
