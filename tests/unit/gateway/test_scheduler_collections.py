"""The worker's daily collections jobs: triggers, and one run across racing workers."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from gateway.errors import ConfigError
from gateway.prediction_benchmark import MAPPING, connection_body
from gateway.scheduler import (
    DAILY_JOB,
    RETRAIN_JOB,
    build_scheduler,
    daily_collections,
    run_once,
    weekly_retrain,
)
from gateway.services.outbox import DrainPolicy
from gateway.services.prediction import train_model
from gateway.services.sync import sync_connection
from gateway.settings import Settings, parse_connection
from gateway.store import leases
from gateway.store.models.collections import CustomerScore
from gateway.store.prediction_repo import find
from tests.conftest import make_services
from tests.e2e.prediction.ibm_export import write_export
from tests.prediction_facts_support import synthetic_facts

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from gateway.bootstrap import Services


@pytest.fixture
def mirror(tmp_path: Path, sqlite_url: str, clock) -> Iterator[Services]:
    """Twelve customers with open invoices and a payment history (a csv export)."""
    export = write_export(tmp_path / "ar.csv", synthetic_facts(), date(2024, 3, 1))
    connection = parse_connection(
        "ar", connection_body(export, MAPPING), {}, source="test"
    )
    built = make_services(sqlite_url, clock, connections={"ar": connection})
    sync_connection(built, "ar")
    yield built
    built.dispose()


def _scores(services: Services) -> list[CustomerScore]:
    with services.read_uow() as uow:
        return list(uow.session.scalars(select(CustomerScore)).all())


def test_daily_and_weekly_jobs_fire_at_arbridge_daily_at_utc(
    sqlite_url: str, clock
) -> None:
    services = make_services(sqlite_url, clock, daily_at=clock_time(6, 30))
    scheduler = build_scheduler(services, "w1", DrainPolicy(), threading.Event())
    jobs = {job.id: job for job in scheduler.get_jobs()}
    friday = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

    daily = jobs[DAILY_JOB].trigger.get_next_fire_time(None, friday)
    weekly = jobs[RETRAIN_JOB].trigger.get_next_fire_time(None, friday)

    assert daily == datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
    assert weekly == datetime(2026, 11, 22, 6, 30, tzinfo=UTC)  # Sunday
    assert jobs[DAILY_JOB].args == (services, "w1")
    services.dispose()


def test_arbridge_daily_at_defaults_to_two_and_refuses_a_bad_time() -> None:
    assert Settings.from_env({}).daily_at == clock_time(2, 0)
    assert Settings.from_env({"ARBRIDGE_DAILY_AT": "23:05"}).daily_at == clock_time(
        23, 5
    )
    with pytest.raises(ConfigError, match="ARBRIDGE_DAILY_AT: '24:00'"):
        Settings.from_env({"ARBRIDGE_DAILY_AT": "24:00"})


def test_two_workers_racing_for_a_job_run_it_once(services: Services) -> None:
    runs: list[str] = []
    start = threading.Barrier(2)
    results: dict[str, bool] = {}

    def work(name: str) -> str:
        runs.append(name)
        time.sleep(0.2)  # still running when the other worker looks
        return "done"

    def worker(name: str) -> None:
        start.wait()
        results[name] = run_once(services, DAILY_JOB, name, lambda: work(name))

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(runs) == 1
    assert sorted(results.values()) == [False, True]
    assert results[runs[0]] is True


def test_a_failed_run_gives_its_lease_back(services: Services, caplog) -> None:
    def boom() -> str:
        raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="gateway.scheduler"):
        assert run_once(services, DAILY_JOB, "w1", boom) is False

    assert "daily-collections failed" in caplog.text
    with services.read_uow() as uow:
        assert leases.holder_of(uow.session, f"job:{DAILY_JOB}") is None
    assert run_once(services, DAILY_JOB, "w2", lambda: "ok") is True


def test_the_daily_job_evaluates_promises_and_scores_once_per_day(
    mirror: Services, clock, caplog
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.scheduler"):
        assert daily_collections(mirror, "w1") is True
    first = _scores(mirror)
    clock.advance(minutes=5)  # a second worker whose trigger fired late

    assert daily_collections(mirror, "w2") is False

    assert "judged 0 promises, scored 12 customers" in caplog.text
    assert {s.as_of for s in first} == {date(2026, 11, 20)}
    assert [s.computed_at for s in _scores(mirror)] == [s.computed_at for s in first]
    clock.advance(hours=24)
    assert daily_collections(mirror, "w2") is True
    assert {s.as_of for s in _scores(mirror)} == {
        date(2026, 11, 20),
        date(2026, 11, 21),
    }


def test_the_weekly_retrain_needs_a_model_and_keeps_its_choices(
    mirror: Services,
) -> None:
    assert weekly_retrain(mirror, "w1") is True  # nothing stored: nothing to do
    with mirror.read_uow() as uow:
        assert find(uow.session) is None
    train_model(mirror, date(2023, 10, 1), "issue_time", "logistic")
    mirror.clock.advance(days=7)  # type: ignore[attr-defined]

    assert weekly_retrain(mirror, "w1") is True

    with mirror.read_uow() as uow:
        latest = find(uow.session)
    assert latest is not None
    assert latest.version == "pm2-20261028-issue_time-logistic"
    assert latest.cutoff == date(2026, 11, 27) - timedelta(days=30)
    assert json.loads(latest.metrics)["estimator"] == "logistic"
