"""Aging buckets, month windows and the as-of reconstruction of open amounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.aging import age, buckets
from rules.kpi_inputs import (
    InvoiceFact,
    PaymentFact,
    inputs_from_facts,
    month_ends,
    month_windows,
)
from rules.kpi_report import report
from rules.kpis import CeiVariant

D = Decimal
SPEC = buckets()


def test_default_buckets_are_current_1_30_31_60_61_90_and_90_plus() -> None:
    assert [b.label for b in SPEC] == ["current", "1-30", "31-60", "61-90", "90+"]


@pytest.mark.parametrize(
    ("days_past_due", "label"),
    [(-10, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"),
     (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+"), (4000, "90+")],
)  # fmt: skip
def test_bucket_edges(days_past_due: int, label: str) -> None:
    totals = age([(days_past_due, D(1))], SPEC)

    assert totals[[b.label for b in SPEC].index(label)] == D(1)


def test_buckets_are_configurable() -> None:
    assert [b.label for b in buckets([15, 45])] == ["current", "1-15", "16-45", "45+"]


@pytest.mark.parametrize("bounds", [[], [0, 30], [30, 30], [60, 30]])
def test_bad_bucket_bounds_are_refused(bounds: list[int]) -> None:
    with pytest.raises(ValueError, match="bucket bounds"):
        buckets(bounds)


@given(
    items=st.lists(
        st.tuples(st.integers(-400, 4000), st.decimals(0, 10**7, places=2)),
        max_size=50,
    ),
    bounds=st.lists(st.integers(1, 400), min_size=1, max_size=6, unique=True),
)
def test_aging_buckets_sum_to_the_total_open(
    items: list[tuple[int, Decimal]], bounds: list[int]
) -> None:
    totals = age(items, buckets(sorted(bounds)))

    assert sum(totals, D(0)) == sum((amount for _, amount in items), D(0))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # A month end: calendar months with their own lengths.
        (date(2026, 3, 31), [(date(2026, 3, 1), 31), (date(2026, 2, 1), 28),
                             (date(2026, 1, 1), 31)]),
        # Mid-month: windows from the same day of the month.
        (date(2026, 3, 15), [(date(2026, 2, 16), 28), (date(2026, 1, 16), 31),
                             (date(2025, 12, 16), 31)]),
        # The 31st of a month without a 31st day before it is clamped.
        (date(2026, 3, 30), [(date(2026, 3, 1), 30), (date(2026, 1, 31), 29),
                             (date(2025, 12, 31), 31)]),
    ],
)  # fmt: skip
def test_month_windows(as_of: date, expected: list[tuple[date, int]]) -> None:
    windows = month_windows(as_of, 3)

    assert [(w.start, w.days) for w in windows] == expected
    assert windows[0].end == as_of


def test_month_ends_are_the_last_twelve_on_or_before_the_date() -> None:
    ends = month_ends(date(2026, 3, 15), 12)

    assert ends[0] == date(2025, 3, 31)
    assert ends[-1] == date(2026, 2, 28)
    assert month_ends(date(2026, 2, 28), 1) == (date(2026, 2, 28),)


def _fact(issue: date, due: date, amount: str, open_: str, *pays) -> InvoiceFact:
    payments = tuple(PaymentFact(day, D(value)) for day, value in pays)
    return InvoiceFact(issue, due, D(amount), D(open_), payments)


def test_open_amount_as_of_a_past_date_adds_back_later_payments() -> None:
    fact = _fact(
        date(2026, 1, 5), date(2026, 2, 4), "1000", "0",
        (date(2026, 2, 1), "400"), (date(2026, 3, 1), "600"),
    )  # fmt: skip

    assert fact.open_as_of(date(2026, 1, 4)) == D(0)  # not issued yet
    assert fact.open_as_of(date(2026, 1, 31)) == D(1000)
    assert fact.open_as_of(date(2026, 2, 1)) == D(600)  # a payment counts on its day
    assert fact.open_as_of(date(2026, 3, 1)) == D(0)
    assert fact.paid_on(date(2026, 3, 1)) == date(2026, 3, 1)
    assert fact.paid_on(date(2026, 2, 28)) is None


def test_undated_settlement_counts_from_the_issue_date() -> None:
    # 1000 billed, 250 credited by a credit memo (no dated link), 300 paid, 450 open.
    fact = _fact(
        date(2026, 1, 5), date(2026, 2, 4), "1000", "450", (date(2026, 2, 10), "300")
    )

    assert fact.net_amount == D(750)
    assert fact.open_as_of(date(2026, 1, 5)) == D(750)
    assert fact.open_as_of(date(2026, 2, 10)) == D(450)


def test_kpis_from_facts_match_a_hand_computation() -> None:
    # As of 2026-03-31, 3 calendar-month period (Jan 1 - Mar 31, 90 days).
    facts = [
        # Billed in Dec, paid in Jan after 20 days (10 days late).
        _fact(date(2025, 12, 20), date(2025, 12, 30), "1000", "0",
              (date(2026, 1, 9), "1000")),
        # Billed in Feb, due Mar 10, open: 21 days past due.
        _fact(date(2026, 2, 8), date(2026, 3, 10), "2000", "2000"),
        # Billed in Mar, due in Apr: current.
        _fact(date(2026, 3, 20), date(2026, 4, 19), "3000", "3000"),
    ]  # fmt: skip

    inputs = inputs_from_facts(
        facts, date(2026, 3, 31), months=3, history=24, spec=SPEC
    )
    kpis = report(inputs)

    assert (inputs.ar_begin, inputs.ar_end, inputs.ar_current_end) == (1000, 5000, 3000)
    assert (inputs.sales, inputs.days) == (D(5000), 90)
    assert kpis.dso == D("90.00")  # 5000 / 5000 * 90
    assert kpis.best_possible_dso == D("54.00")  # 3000 / 5000 * 90
    assert kpis.average_days_delinquent == D("36.00")
    # (1000 + 5000 - 5000) / (1000 + 5000 - 3000) = 33.33 %
    assert kpis.cei == D("33.33")
    # S/N = 1666.67 leaves a negative denominator: nothing defined to collect.
    assert report(inputs, variant=CeiVariant.MONTHLY_SALES).cei is None
    # Count-back: Mar sales 3000 (31 days), Feb 2000 covers the rest exactly (28).
    assert kpis.dso_count_back == D("59.00")
    assert (kpis.days_to_pay, kpis.days_beyond_terms) == (D("20.00"), D("10.00"))
    assert kpis.aging == (D(3000), D(2000), D(0), D(0), D(0))
    assert kpis.open_invoices == 2


def test_at_risk_rate_takes_the_cohort_due_90_days_before() -> None:
    # As of 2026-06-30 the cohort fell due Mar 1 - Apr 1 (window ending Apr 1).
    as_of = date(2026, 6, 30)
    end = as_of - timedelta(days=90)
    facts = [
        _fact(date(2026, 2, 1), end, "300", "300"),
        _fact(date(2026, 2, 1), end - timedelta(days=10), "100", "0",
              (date(2026, 4, 1), "100")),
        _fact(date(2026, 2, 1), end + timedelta(days=1), "999", "999"),  # not yet
    ]  # fmt: skip

    kpis = report(inputs_from_facts(facts, as_of, months=3, history=3, spec=SPEC))

    assert kpis.at_risk_rate == D("75.00")


def test_no_facts_give_zero_balances_and_undefined_ratios() -> None:
    kpis = report(
        inputs_from_facts([], date(2026, 3, 31), months=3, history=24, spec=SPEC)
    )

    assert kpis.open_receivables == D("0.00")
    assert (kpis.dso, kpis.cei, kpis.days_to_pay, kpis.at_risk_rate) == (None,) * 4


@given(
    facts=st.lists(
        st.builds(
            lambda issue, terms, amount, paid_share, pay_after: _fact(
                date(2025, 1, 1) + timedelta(days=issue),
                date(2025, 1, 1) + timedelta(days=issue + terms),
                str(amount),
                str(amount - (amount * paid_share).quantize(D("0.01"))),
                (date(2025, 1, 1) + timedelta(days=issue + pay_after),
                 str((amount * paid_share).quantize(D("0.01")))),
            ),
            st.integers(0, 500), st.integers(0, 90),
            st.decimals(1, 10**6, places=2), st.decimals(0, 1, places=2),
            st.integers(0, 200),
        ),
        max_size=30,
    )
)  # fmt: skip
def test_cei_stays_within_0_and_100_for_any_mirror(facts: list[InvoiceFact]) -> None:
    inputs = inputs_from_facts(facts, date(2026, 3, 31), months=3, history=3, spec=SPEC)
    value = report(inputs).cei

    assert value is None or D(0) <= value <= D(100)
    assert sum(inputs.aging, D(0)) == inputs.ar_end
