"""Open items folded into one exposure per customer, as of a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rules.exposure import Exposure, OpenItem, summarize

AS_OF = date(2026, 3, 31)


def test_overdue_days_and_credits_are_summed_per_customer() -> None:
    items = [
        OpenItem(
            1, False, date(2026, 3, 1), Decimal("300.00"), dunning_level=2
        ),  # 30 days
        OpenItem(1, False, date(2026, 1, 30), Decimal("100.00"), in_dispute=True),  # 60
        OpenItem(1, False, AS_OF, Decimal("50.00")),  # due today: not overdue
        OpenItem(1, True, None, Decimal("25.00")),  # credit memo
        OpenItem(2, False, None, Decimal("10.00")),
    ]

    got = summarize(items, AS_OF)

    assert got[1] == Exposure(
        open_total=Decimal("425.00"), overdue_total=Decimal("400.00"), overdue_count=2,
        oldest_days=60, weighted_days=Decimal("37.5"), disputed_items=1,
        max_dunning_level=2, open_items=4,
    )  # fmt: skip
    assert got[2].open_items == 1
    assert got[2].overdue_total == 0
    assert got[2].open_total == Decimal("10.00")
