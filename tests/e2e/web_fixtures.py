"""Fixtures for the web e2e lanes (http and browser): seeded SQLite file, users, app.

The schema comes from the Alembic migrations (never ``create_all``), and the file is
a real file rather than ``:memory:`` so that a live server thread sees the same data.
The conftest of ``http/`` and of ``browser/`` import these fixtures; they are not in
``tests/e2e/conftest.py`` so that they do not shadow the root ``clock`` and
``services`` fixtures for the other e2e lanes (sync, cli).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from gateway.app import create_app
from gateway.bootstrap import build_services
from gateway.clock import FixedClock
from gateway.settings import Secret, Settings
from gateway.store.migrate import upgrade
from tests.e2e.web_seed import NOW, PASSWORDS, Seed, seed_all

if TYPE_CHECKING:
    from pathlib import Path

    from flask import Flask
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

    from gateway.bootstrap import Services

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _settings(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path}",
        secret_key=Secret("e2e-secret-key"),
        testing=True,
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seed]:
    """Migrate and seed once; each test gets its own copy of the file.

    Password hashing (scrypt) dominates seeding, so doing it once per session keeps
    every test on a fresh database without paying for it each time.
    """
    path = tmp_path_factory.mktemp("template") / "arbridge.db"
    container = build_services(_settings(path), clock=FixedClock(NOW))
    try:
        upgrade(container.engine)
        seed = seed_all(container)
    finally:
        # Closing the last connection checkpoints the WAL into the main file.
        container.dispose()
    return path, seed


@pytest.fixture
def services(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed]
) -> Iterator[Services]:
    path = tmp_path / "arbridge.db"
    shutil.copyfile(template_db[0], path)
    container = build_services(_settings(path), clock=clock)
    yield container
    container.dispose()


@pytest.fixture
def seed(template_db: tuple[Path, Seed]) -> Seed:
    return template_db[1]


@pytest.fixture
def app(services: Services) -> Flask:
    return create_app(services)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _form_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in the form on {path}"
    return match.group(1)


@pytest.fixture
def passwords() -> dict[str, str]:
    return dict(PASSWORDS)


@pytest.fixture
def form_token(client: FlaskClient) -> Callable[[str], str]:
    """The CSRF token a real browser would find in the form on a page."""
    return lambda path: _form_token(client, path)


LoginFn = Callable[..., "TestResponse"]


@pytest.fixture
def login(client: FlaskClient) -> LoginFn:
    """Log in through the form, as a browser would (GET for the token, then POST)."""

    def _login(
        username: str, password: str | None = None, **extra: str
    ) -> TestResponse:
        data = {
            "username": username,
            "password": PASSWORDS.get(username, "") if password is None else password,
            "csrf_token": _form_token(client, "/login"),
            **extra,
        }
        return client.post("/login", data=data)

    return _login


@pytest.fixture
def collector(client: FlaskClient, login: LoginFn) -> FlaskClient:
    """The test client, logged in as the demo collector."""
    login("collector")
    return client
