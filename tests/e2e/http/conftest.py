"""The web fixtures (seeded database, users, app, test client) for these tests."""

from __future__ import annotations

from tests.e2e.web_fixtures import (
    app,
    client,
    clock,
    collector,
    form_token,
    login,
    passwords,
    seed,
    services,
    template_db,
)

__all__ = [
    "app",
    "client",
    "clock",
    "collector",
    "form_token",
    "login",
    "passwords",
    "seed",
    "services",
    "template_db",
]
