"""The open book's features as arrays equal the per-invoice features, row by row."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from rules.prediction import (
    FEATURE_SETS,
    InvoiceFacts,
    feature_row,
    histories,
    visible_as_of,
)
from rules.prediction_columns import (
    InvoiceColumns,
    amount_weighted_by_customer,
    open_features,
)
from tests.prediction_facts_support import synthetic_facts

DAY = date(2024, 3, 1)


def _inv(key: str, customer: str, issued: date, settled: date | None, **kw):
    return InvoiceFacts(
        key, customer, issued, issued + timedelta(days=30),
        Decimal(kw.pop("amount", "100.00")), "EUR", settled_date=settled, **kw,
    )  # fmt: skip


def _regular(n: int) -> InvoiceFacts:
    issued = date(2023, 6, 1) + timedelta(days=10 * n)
    settled = date(2023, 7, 10) + timedelta(days=12 * n)
    return _inv(f"r{n}", "R", issued, settled, disputed=n % 3 == 0)


# Edge cases beside the synthetic book: two settlements on the same day (input order
# decides which is "last"), more than RECENT settled, a zero-amount history, an
# invoice settled on the as-of day itself (still open then), one issued that day (not
# yet known), and a customer with nothing settled.
EDGES = [
    _inv("t1", "T", date(2024, 1, 1), date(2024, 2, 5)),
    _inv("t2", "T", date(2024, 1, 2), date(2024, 2, 5), amount="50.00"),
    *(_regular(n) for n in range(8)),
    _inv("r-open", "R", date(2024, 2, 1), None, channel="electronic"),
    _inv("z1", "Z", date(2024, 1, 1), date(2024, 1, 15), amount="0.00"),
    _inv("z-open", "Z", date(2024, 2, 10), DAY),
    _inv("n-open", "N", date(2024, 2, 20), None, disputed=True),
    _inv("n-future", "N", DAY, None),
    _inv("t-open", "T", date(2024, 2, 25), None),
]


def _expected(facts: list[InvoiceFacts], as_of: date, feature_set: str):
    known = visible_as_of(facts, as_of)
    by_customer = histories(known)
    return {
        inv.key: feature_row(inv, by_customer[inv.customer].at(as_of), feature_set)
        for inv in known
        if inv.settled_date is None
    }


@pytest.mark.parametrize("feature_set", sorted(FEATURE_SETS))
@pytest.mark.parametrize(
    ("facts", "as_of"),
    [
        (EDGES, DAY),
        (EDGES, date(2023, 9, 1)),
        (synthetic_facts(), date(2023, 10, 1)),
        (synthetic_facts(), date(2024, 2, 15)),
        (synthetic_facts(), date(2022, 1, 1)),  # before anything: no open invoice
    ],
)
def test_array_features_equal_the_per_invoice_features(
    facts: list[InvoiceFacts], as_of: date, feature_set: str
) -> None:
    expected = _expected(facts, as_of, feature_set)

    found = open_features(InvoiceColumns.of(facts), as_of, feature_set)

    keys = [facts[i].key for i in found.rows.tolist()]
    assert sorted(keys) == sorted(expected)
    assert found.matrix.shape == (len(keys), len(FEATURE_SETS[feature_set]))
    for key, row in zip(keys, found.matrix, strict=True):
        np.testing.assert_allclose(row, expected[key], rtol=1e-12, atol=1e-9)


def test_the_last_of_two_settlements_on_one_day_is_the_later_in_input_order() -> None:
    swapped = [EDGES[1], EDGES[0], *EDGES[2:]]
    names = FEATURE_SETS["issue_time"]
    last = names.index("h_last_days_late")

    def last_days_late(facts: list[InvoiceFacts]) -> float:
        found = open_features(InvoiceColumns.of(facts), DAY, "issue_time")
        row = [facts[i].key for i in found.rows.tolist()].index("t-open")
        return float(found.matrix[row, last])

    # t1 is due 2024-01-31 (5 days late), t2 due 2024-02-01 (4 days late).
    assert last_days_late(EDGES) == 4.0
    assert last_days_late(swapped) == 5.0


def test_a_settlement_on_the_as_of_day_is_not_yet_history() -> None:
    on_the_day = dataclasses.replace(EDGES[0], settled_date=DAY)
    found = open_features(InvoiceColumns.of([on_the_day]), DAY, "issue_time")

    assert found.rows.tolist() == [0]


def test_amount_weighted_mean_per_customer_falls_back_to_the_plain_mean() -> None:
    customer = np.array([0, 0, 1, 3, 3])
    amount = np.array([300.0, 100.0, 50.0, 0.0, 0.0])
    p = np.array([0.9, 0.1, 0.4, 0.2, 0.6])

    mean, present = amount_weighted_by_customer(customer, amount, p, size=4)

    assert present.tolist() == [True, True, False, True]
    np.testing.assert_allclose(mean[[0, 1, 3]], [0.7, 0.4, 0.4])
