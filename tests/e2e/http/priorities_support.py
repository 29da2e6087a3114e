"""Helpers shared by the priorities e2e tests: run the batch and read the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from gateway.services.scoring import load_config, score_all
from gateway.store.models import AuditEntry, Promise
from tests.e2e.web_seed import TODAY

if TYPE_CHECKING:
    from datetime import date

    from gateway.bootstrap import Services


def run_scoring(services: Services, as_of: date = TODAY) -> None:
    score_all(services, load_config(), as_of)


def counts(services: Services) -> tuple[int, int]:
    """(promises, audit entries) in the database."""
    with services.read_uow() as uow:
        promises = uow.session.scalar(select(func.count()).select_from(Promise))
        audit = uow.session.scalar(select(func.count()).select_from(AuditEntry))
    return promises or 0, audit or 0


def last_audit(services: Services) -> Any:
    with services.read_uow() as uow:
        return uow.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
        ).one()
