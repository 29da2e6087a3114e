"""Display formatting for pages: exact money with thousand separators, ISO dates."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime

_CENTS = Decimal("0.01")


def money(amount: Decimal | None, currency: str | None = None) -> str:
    """``1,250.00 EUR``: Decimal formatting only, so no float ever rounds a cent."""
    if amount is None:
        return "—"
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(_CENTS)
    text = f"{amount:,f}"
    return f"{text} {currency}" if currency else text


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def moment(value: datetime | None) -> str:
    """UTC time to the second (column headings say UTC); audits are read in UTC."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"
