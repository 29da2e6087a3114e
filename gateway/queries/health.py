"""Is the database reachable?"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import literal, select
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from gateway.bootstrap import Services

log = logging.getLogger(__name__)


def database_ok(services: Services) -> bool:
    """Run a trivial query; a health check must answer, not raise."""
    try:
        with services.read_uow() as uow:
            return uow.session.execute(select(literal(1))).scalar() == 1
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", type(exc).__name__)
        return False
