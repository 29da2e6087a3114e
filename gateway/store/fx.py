"""Exchange rates (set one, read those in force on a date) and KPI session tuning."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

from gateway.store.models import FxRate

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session


def put_rate(
    session: Session, currency: str, rate: Decimal, as_of: date, now: datetime
) -> None:
    """Insert or replace the rate of ``currency`` from ``as_of``."""
    row = session.get(FxRate, (currency, as_of))
    if row is None:
        row = FxRate(currency=currency, as_of=as_of)
        session.add(row)
    row.rate_to_base = f"{rate:f}"
    row.updated_at = now


def rates_on(session: Session, day: date) -> dict[str, tuple[Decimal, date]]:
    """Per currency, the latest rate set on or before ``day`` and its date."""
    latest = (
        select(FxRate.currency, func.max(FxRate.as_of).label("as_of"))
        .where(FxRate.as_of <= day)
        .group_by(FxRate.currency)
        .subquery()
    )
    rows = session.execute(
        select(FxRate.currency, FxRate.rate_to_base, FxRate.as_of).join(
            latest,
            (FxRate.currency == latest.c.currency) & (FxRate.as_of == latest.c.as_of),
        )
    )
    return {currency: (Decimal(rate), since) for currency, rate, since in rows}


def tune_for_aggregates(session: Session) -> None:
    """Settings for the wide KPI aggregates, for this transaction only (PostgreSQL).

    JIT compiling a query of a hundred CASE sums costs PostgreSQL far more than it
    saves (measured: 41 s of JIT for a 20 s query over 300k invoices), and the
    per-invoice allocation sums spill to disk at the default work_mem.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '128MB'"))
