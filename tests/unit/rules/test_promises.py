"""Promise to pay outcomes: kept, partially kept, broken, not yet due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.promises import PaymentPart, PromiseState, PromiseTerms, judge

D = Decimal
PROMISED = date(2026, 3, 10)
BY_INVOICE = PromiseTerms(
    amount=D("1000.00"), currency="EUR", promised_date=PROMISED,
    made_on=date(2026, 3, 1), tolerance_days=3, invoice_ids=frozenset({7}),
)  # fmt: skip
ACCOUNT = PromiseTerms(
    amount=D("1000.00"),
    currency="EUR",
    promised_date=PROMISED,
    made_on=date(2026, 3, 1),
)


def alloc(
    day: int, amount: str, invoice: int | None = 7, currency: str = "EUR"
) -> PaymentPart:
    return PaymentPart(date(2026, 3, day), D(amount), currency, invoice)


CASES = [
    # (terms, parts, as_of, state, paid)
    (BY_INVOICE, [alloc(9, "1000.00")], date(2026, 3, 9), PromiseState.KEPT, "1000.00"),
    (BY_INVOICE, [alloc(13, "600"), alloc(13, "400")], date(2026, 3, 14), PromiseState.KEPT, "1000"),
    (BY_INVOICE, [alloc(12, "400.00")], date(2026, 3, 14), PromiseState.PARTIALLY_KEPT, "400.00"),
    (BY_INVOICE, [], date(2026, 3, 14), PromiseState.BROKEN, "0.00"),
    (BY_INVOICE, [], date(2026, 3, 13), PromiseState.OPEN, "0.00"),  # last tolerance day
    (BY_INVOICE, [alloc(12, "400.00")], date(2026, 3, 11), PromiseState.OPEN, "400.00"),
    # not counted: another invoice, after the deadline, before it was made, other currency
    (BY_INVOICE, [alloc(9, "1000", invoice=8)], date(2026, 3, 20), PromiseState.BROKEN, "0.00"),
    (BY_INVOICE, [alloc(14, "1000")], date(2026, 3, 20), PromiseState.BROKEN, "0.00"),
    (BY_INVOICE, [PaymentPart(date(2026, 2, 28), D(1000), "EUR", 7)], date(2026, 3, 20), PromiseState.BROKEN, "0.00"),
    (BY_INVOICE, [alloc(9, "1000", currency="USD")], date(2026, 3, 20), PromiseState.BROKEN, "0.00"),
    # an account-level promise counts the customer's payments, not allocations
    (ACCOUNT, [alloc(10, "1000", invoice=None)], date(2026, 3, 20), PromiseState.KEPT, "1000"),
    (ACCOUNT, [alloc(10, "1000", invoice=3)], date(2026, 3, 20), PromiseState.BROKEN, "0.00"),
    (ACCOUNT, [alloc(10, "250", invoice=None)], date(2026, 3, 20), PromiseState.PARTIALLY_KEPT, "250"),
]  # fmt: skip


@pytest.mark.parametrize(("terms", "parts", "as_of", "state", "paid"), CASES)
def test_promise_is_judged_from_payments_in_its_window(
    terms: PromiseTerms,
    parts: list[PaymentPart],
    as_of: date,
    state: PromiseState,
    paid: str,
) -> None:
    result = judge(terms, parts, as_of)

    assert (result.state, result.paid) == (state, D(paid))
