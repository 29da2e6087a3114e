"""Exchange rates into the base currency, set by an admin (``arbridge fx set``)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from gateway.errors import ValidationFailed
from gateway.store.fx import put_rate

if TYPE_CHECKING:
    from gateway.bootstrap import Services

_CODE = re.compile(r"^[A-Z]{3}$")


def _rate(text: str) -> Decimal:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"rate {text!r} is not a number", field="rate") from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationFailed(f"rate must be above 0, not {text}", field="rate")
    return rate


def set_rate(
    services: Services, currency: str, rate_text: str, as_of: date | None = None
) -> tuple[str, Decimal, date]:
    """Record that one ``currency`` is worth ``rate_text`` base units from ``as_of``.

    ``as_of`` defaults to today (the services' clock). The base currency has the
    rate 1 by definition and cannot be set.
    """
    code = currency.strip().upper()
    if not _CODE.match(code):
        raise ValidationFailed(
            f"currency {currency!r} is not a three-letter code", field="currency"
        )
    base = services.settings.base_currency
    if code == base:
        raise ValidationFailed(
            f"{code} is the base currency (ARBRIDGE_BASE_CURRENCY); its rate is 1",
            field="currency",
        )
    rate = _rate(rate_text)
    now = services.clock.now()
    day = as_of or now.date()
    with services.uow() as uow:
        put_rate(uow.session, code, rate, day, now)
        uow.commit()
    return code, rate, day
