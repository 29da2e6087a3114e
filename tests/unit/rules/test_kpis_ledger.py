"""An invoice's ledger adds up to its open amount as of any date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.kpi_inputs import InvoiceFact, PaymentFact
from rules.kpi_ledger import Change, ledger, net_units, open_units

ISSUE = date(2025, 3, 10)
days = st.integers(-40, 120).map(lambda n: ISSUE + timedelta(days=n))
units = st.integers(-50_000, 2_000_000)
payments = st.dictionaries(days, units, max_size=5)


def _open_on(amount: int, open_now: int, paid: dict[date, int], day: date) -> int:
    """The KPI SQL's open amount as of ``day``, computed directly."""
    if day < ISSUE:
        return 0
    net = net_units(amount, open_now, sum(paid.values()))
    return open_units(net, sum(a for d, a in paid.items() if d <= day))


@given(units, units, payments)
def test_changes_add_up_to_the_open_amount_on_every_day(
    amount: int, open_now: int, paid: dict[date, int]
) -> None:
    book = ledger(amount, open_now, ISSUE, paid)

    for n in range(-45, 130):
        day = ISSUE + timedelta(days=n)
        upto = [c for c in book.changes if c.day <= day]
        expected = _open_on(amount, open_now, paid, day)
        assert sum(c.open_delta for c in upto) == expected
        assert sum(c.count_delta for c in upto) == int(expected > 0)
        dates = [c.day for c in upto if c.paid]
        assert max(dates, default=None) == max(
            (d for d in paid if d <= day), default=None
        )
    assert sum(c.open_delta for c in book.changes) == book.open_final
    assert book.last_paid == max(paid, default=None)
    assert book.last_event == max([ISSUE, *paid])
    assert [c.day for c in book.changes] == sorted({c.day for c in book.changes})


@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000), payments)
def test_a_non_negative_invoice_matches_the_reference_facts(
    amount: int, open_now: int, paid: dict[date, int]
) -> None:
    def money(value: int) -> Decimal:
        return Decimal(value).scaleb(-4)

    fact = InvoiceFact(
        ISSUE, ISSUE, money(amount), money(open_now),
        tuple(PaymentFact(d, money(a)) for d, a in paid.items()),
    )  # fmt: skip
    book = ledger(amount, open_now, ISSUE, paid)

    assert money(book.net) == fact.net_amount
    for n in (-41, 0, 15, 60, 121):
        day = ISSUE + timedelta(days=n)
        balance = sum(c.open_delta for c in book.changes if c.day <= day)
        if book.net >= 0:
            assert money(balance) == fact.open_as_of(day)


def test_an_invoice_paid_in_two_parts() -> None:
    paid = {date(2025, 4, 1): 300, date(2025, 5, 2): 700}

    book = ledger(1000, 0, ISSUE, paid)

    assert book.changes == (
        Change(ISSUE, 1000, 1, paid=False),
        Change(date(2025, 4, 1), -300, 0, paid=True),
        Change(date(2025, 5, 2), -700, -1, paid=True),
    )
    assert (book.net, book.open_final, book.last_paid) == (1000, 0, date(2025, 5, 2))


def test_a_credit_the_mirror_cannot_date_lowers_the_net_amount_from_the_issue() -> None:
    book = ledger(1000, 0, ISSUE, {date(2025, 4, 1): 800})

    assert book.net == 800
    assert book.changes[0] == Change(ISSUE, 800, 1, paid=False)


def test_a_prepayment_is_a_payment_day_without_a_change() -> None:
    book = ledger(1000, 0, ISSUE, {date(2025, 3, 1): 1000})

    assert book.changes == (Change(date(2025, 3, 1), 0, 0, paid=True),)
    assert (book.open_final, book.last_event) == (0, ISSUE)
