"""Exchange rates into the base currency, for the KPIs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class FxRate(Base):
    """One unit of ``currency`` is worth ``rate_to_base`` base units from ``as_of``.

    The rate is kept as decimal text: money columns are scaled to 4 places, too few
    for rates such as JPY to USD (0.0066...), and SQLite would turn Numeric to float.
    """

    __tablename__ = "fx_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    as_of: Mapped[date] = mapped_column(primary_key=True)
    rate_to_base: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime]
