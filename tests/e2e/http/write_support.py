"""Helpers for the write API tests: a database whose ERP connection is configured,
bearer tokens, and row counts that prove a refused request changed nothing."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from gateway.bootstrap import build_services
from gateway.services.users import create_token
from gateway.settings import ConnectionSettings, Secret, Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from flask.testing import FlaskClient

    from gateway.bootstrap import Services
    from gateway.clock import FixedClock
    from tests.e2e.web_seed import Seed

TABLES = ("payments", "payment_allocations", "outbox", "audit_entries", "conflicts")


def connections() -> dict[str, ConnectionSettings]:
    """NetSuite is the ERP of the seeded records; Salesforce (acme only) the CRM."""
    return {
        "netsuite": ConnectionSettings("netsuite", "netsuite", "erp", {}),
        "salesforce": ConnectionSettings("salesforce", "netsuite", "crm", {}),
    }


def erp_services(
    tmp_path: Path, clock: FixedClock, template_db: tuple[Path, Seed], **extra: Any
) -> Iterator[Services]:
    path = tmp_path / "arbridge.db"
    shutil.copyfile(template_db[0], path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        secret_key=Secret("e2e-secret-key"),
        connections=connections(),
        testing=True,
        **extra,
    )
    container = build_services(settings, clock=clock)
    yield container
    container.dispose()


def bearer(
    services: Services, role: str = "collector", name: str = "bank-feed"
) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(services, name, role)}"}


def counts(services: Services) -> dict[str, int]:
    with services.read_uow() as uow:
        return {
            table: uow.session.execute(
                text(f"SELECT count(*) FROM {table}")
            ).scalar_one()
            for table in TABLES
        }


def rows(services: Services, sql: str, **params: Any) -> list[Any]:
    with services.read_uow() as uow:
        return list(uow.session.execute(text(sql), params).all())


def post_json(
    client: FlaskClient, path: str, data: Any, headers: dict[str, str]
) -> Any:
    return client.post(path, json=data, headers=headers)
