"""Shared fixtures: databases (a SQLite file, a PostgreSQL database of its own) and services."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from gateway.bootstrap import Services, build_services
from gateway.clock import FixedClock
from gateway.settings import Settings
from gateway.store.migrate import upgrade

PG_ENV = "ARBRIDGE_TEST_PG_URL"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/arbridge.db"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (make test sets it)")
    name = f"arbridge_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on a SQLite file and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


def make_services(url: str, clock: FixedClock, **settings: object) -> Services:
    services = build_services(
        Settings(database_url=url, testing=True, **settings), clock=clock
    )  # type: ignore[arg-type]
    upgrade(services.engine)
    return services


@pytest.fixture
def services(database_url: str, clock: FixedClock) -> Iterator[Services]:
    built = make_services(database_url, clock)
    yield built
    built.dispose()
