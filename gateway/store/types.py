"""Column types that keep money exact and time UTC-aware on SQLite and PostgreSQL.

SQLite turns ``Numeric`` into float and drops ``tzinfo``; these decorators make both
databases behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = 4
_MONEY_FACTOR = Decimal(10) ** MONEY_SCALE


def money_to_int(amount: Decimal) -> int:
    """Scale a Decimal to an integer of 1/10^4 units; refuses sub-unit precision."""
    scaled = amount * _MONEY_FACTOR
    if scaled != scaled.to_integral_value():
        msg = f"amount {amount} has more than {MONEY_SCALE} decimal places"
        raise ValueError(msg)
    return int(scaled)


def int_to_money(value: int) -> Decimal:
    """Undo :func:`money_to_int`, showing at least two decimal places."""
    if value % 100 == 0:
        return Decimal(value // 100).scaleb(-2)
    return Decimal(value).scaleb(-MONEY_SCALE)


class MoneyAmount(TypeDecorator[Decimal]):
    """A Decimal stored as a scaled BigInteger (x10^4): exact, sortable, summable."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            msg = "money must be Decimal, not float"
            raise TypeError(msg)
        return money_to_int(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else int_to_money(int(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime that must be aware on the way in and comes back in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            msg = f"naive or non-datetime value {value!r} for a UTC column"
            raise ValueError(msg)
        moment: datetime = value.astimezone(UTC)
        # SQLite has no time zones: store naive UTC and re-attach on load.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
