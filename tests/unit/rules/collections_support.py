"""Builders of CustomerFacts for the scoring and strategy tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rules.exposure import CustomerFacts, Exposure

AS_OF = date(2026, 3, 31)


def facts(exposure: dict[str, Any] | None = None, **kwargs: Any) -> CustomerFacts:
    """Facts of customer 1: nothing owed unless ``exposure`` says otherwise (one
    open item, unless ``open_items`` says otherwise: the strategies skip none)."""
    values = {"open_items": 1} | {
        k: Decimal(v) if isinstance(v, str) else v for k, v in (exposure or {}).items()
    }
    return CustomerFacts(customer_id=1, exposure=Exposure(**values), **kwargs)
