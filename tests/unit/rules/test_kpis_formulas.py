"""KPI formulas: every worked example of collections-domain.md section 3, and edges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.kpis import (
    CeiVariant,
    PaidStats,
    SalesWindow,
    at_risk_rate,
    average_days,
    average_days_delinquent,
    best_possible_dso,
    cei,
    dso_count_back,
    dso_standard,
    paid_stats,
    rounded,
)

D = Decimal


def _months(*sales: str, days: int = 30) -> tuple[SalesWindow, ...]:
    return tuple(SalesWindow(days, D(s)) for s in sales)


# --- published worked examples (section 3), to the stated decimals ---------------


def test_count_back_dso_reproduces_the_published_73_7_days() -> None:
    # AR 212,000; sales 100k (latest), 80k, 70k; 30-day months: 30 + 30 + 32/70*30.
    value = dso_count_back(D(212000), _months("100000", "80000", "70000"), places=1)

    assert value == D("73.7")


def test_simple_dso_on_the_count_back_data_gives_far_less() -> None:
    # The reference notes the simple method on the same data gives far less.
    value = dso_standard(D(212000), D(250000), 90, places=1)

    assert value == D("76.3")
    assert dso_standard(D(212000), D(100000), 30, places=1) == D("63.6")


@pytest.mark.parametrize(
    ("variant", "expected"),
    [(CeiVariant.PERIOD_SALES, D("79.6")), (CeiVariant.MONTHLY_SALES, D("55.9"))],
)
def test_cei_reproduces_both_published_variants(
    variant: CeiVariant, expected: Decimal
) -> None:
    # Jan-Mar: AR_begin 6,200; S 10,890; AR_end 6,340; current 3,590; N = 3.
    value = cei(
        D(6200), D(10890), D(6340), D(3590), variant=variant, months=3, places=1
    )

    assert value == expected


def test_cei_defaults_to_period_sales() -> None:
    assert cei(D(6200), D(10890), D(6340), D(3590), months=3) == D("79.63")


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        (lambda: dso_standard(D(15000), D(10000), 30), D(45)),
        (lambda: best_possible_dso(D(4000), D(10000), 30), D(12)),
        (lambda: average_days_delinquent(D(15000), D(4000), D(10000), 30), D(33)),
    ],
    ids=["dso_45", "bpdso_12", "add_33"],
)
def test_dso_bpdso_add_reproduce_45_12_33(kpi, expected: Decimal) -> None:
    # AR 15,000, current 4,000, sales 10,000 in 30 days.
    assert kpi() == expected


def test_weighted_days_to_pay_reproduces_9_55_and_unweighted_7_5() -> None:
    # $10 paid in 5 days and $100 in 10 days.
    stats = paid_stats([(D(10), 5), (D(100), 10)])

    assert average_days(stats, weighted=True) == D("9.55")
    assert average_days(stats, weighted=False) == D("7.50")


# --- edge cases ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("dso_no_sales", None),
        ("dso_zero_receivables", D("0.00")),
        ("bpdso_no_sales", None),
        ("add_no_sales", None),
        ("add_all_current", D("0.00")),
        ("count_back_zero_receivables", D("0.00")),
        ("count_back_no_history", None),
        ("count_back_ar_beyond_history", None),
        ("count_back_within_first_month", D("15.00")),
        ("count_back_exactly_one_month", D("30.00")),
        ("count_back_skips_month_without_sales", D("45.00")),
        ("cei_nothing_to_collect", None),
        ("cei_all_collected", D("100.00")),
        ("cei_nothing_collected", D("0.00")),
        ("days_no_paid_invoices", None),
        ("weighted_days_zero_amount", None),
        ("at_risk_nothing_due", None),
        ("at_risk_half_open", D("50.00")),
    ],
)
def test_edge_cases(call: str, expected: Decimal | None) -> None:
    cases = {
        "dso_no_sales": lambda: dso_standard(D(500), D(0), 30),
        "dso_zero_receivables": lambda: dso_standard(D(0), D(1000), 30),
        "bpdso_no_sales": lambda: best_possible_dso(D(500), D(0), 30),
        "add_no_sales": lambda: average_days_delinquent(D(5), D(5), D(0), 30),
        "add_all_current": lambda: average_days_delinquent(D(800), D(800), D(900), 31),
        "count_back_zero_receivables": lambda: dso_count_back(D(0), _months("10")),
        "count_back_no_history": lambda: dso_count_back(D(1), ()),
        "count_back_ar_beyond_history": lambda: dso_count_back(
            D(31), _months("10", "20")
        ),
        "count_back_within_first_month": lambda: dso_count_back(D(50), _months("100")),
        "count_back_exactly_one_month": lambda: dso_count_back(
            D(100), _months("100", "9")
        ),
        "count_back_skips_month_without_sales": lambda: dso_count_back(
            D(50), _months("0", "100")
        ),
        "cei_nothing_to_collect": lambda: cei(D(0), D(0), D(0), D(0)),
        "cei_all_collected": lambda: cei(D(100), D(50), D(0), D(0)),
        "cei_nothing_collected": lambda: cei(D(100), D(50), D(150), D(0)),
        "days_no_paid_invoices": lambda: average_days(PaidStats(), weighted=False),
        "weighted_days_zero_amount": lambda: average_days(
            paid_stats([(D(0), 4)]), weighted=True
        ),
        "at_risk_nothing_due": lambda: at_risk_rate(D(0), D(0)),
        "at_risk_half_open": lambda: at_risk_rate(D(50), D(100)),
    }
    assert cases[call]() == expected


def test_count_back_uses_each_windows_own_calendar_days() -> None:
    history = (SalesWindow(31, D(100)), SalesWindow(28, D(100)))

    assert dso_count_back(D(150), history) == D("45.00")  # 31 + 50/100*28


def test_cei_rejects_a_period_of_no_months() -> None:
    with pytest.raises(ValueError, match="months"):
        cei(D(1), D(1), D(1), D(1), variant=CeiVariant.MONTHLY_SALES, months=0)


def test_rounding_is_half_up() -> None:
    assert rounded(D("2.345")) == D("2.35")
    assert rounded(D("-2.345")) == D("-2.35")
    assert rounded(D("73.75"), 1) == D("73.8")


def test_days_beyond_terms_counts_early_payment_negative() -> None:
    stats = paid_stats([(D(100), -5), (D(100), 15)])

    assert average_days(stats, weighted=True) == D("5.00")


# --- properties ------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**9, places=2)


@given(ar_begin=money, sales=money, collected=money, current_share=st.fractions(0, 1))
def test_cei_is_between_0_and_100_for_consistent_balances(
    ar_begin: Decimal, sales: Decimal, collected: Decimal, current_share
) -> None:
    # Consistent inputs: no more collected than was owed, current part of AR_end.
    collected = min(collected, ar_begin + sales)
    ar_end = ar_begin + sales - collected
    ar_current = rounded(
        ar_end * D(current_share.numerator) / current_share.denominator
    )
    value = cei(ar_begin, sales, ar_end, min(ar_current, ar_end))

    assert value is None or D(0) <= value <= D(100)


@given(
    ar=money,
    history=st.lists(st.tuples(st.integers(28, 31), money), min_size=1, max_size=24),
)
def test_count_back_never_exceeds_the_days_of_the_history(
    ar: Decimal, history: list[tuple[int, Decimal]]
) -> None:
    windows = tuple(SalesWindow(days, sales) for days, sales in history)
    value = dso_count_back(ar, windows)

    assert value is None or D(0) <= value <= sum(w.days for w in windows)
