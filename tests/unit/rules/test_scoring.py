"""Every score component on its own, then the weighted total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rules.scoring import COMPONENTS, Component, ScoringModel, score
from tests.unit.rules.collections_support import AS_OF, facts

D = Decimal

# (component, args, facts, expected value, words expected in the detail)
CASES: list[tuple[str, dict[str, Decimal], Any, Decimal, str]] = [
    ("overdue_share", {}, facts({"open_total": "1000", "overdue_total": "250"}), D("0.25"), "25%"),
    ("overdue_share", {}, facts({"open_total": "-50"}), D(0), "nothing open"),
    ("overdue_amount", {"full_at": D(1000)}, facts({"overdue_total": "250"}), D("0.25"), "250 overdue"),
    ("overdue_amount", {"full_at": D(1000)}, facts({"overdue_total": "5000"}), D(1), "full weight at 1000"),
    ("days_beyond_terms", {"full_at_days": D(90)}, facts({"overdue_count": 2, "weighted_days": "45.0", "oldest_days": 70}), D("0.50"), "oldest 70"),
    ("days_beyond_terms", {"full_at_days": D(90)}, facts(), D(0), "nothing past due"),
    ("broken_promises", {"full_at": D(2)}, facts(broken_promises=1, kept_promises=1, evaluated_promises=2), D("0.50"), "kept rate 50%"),
    ("broken_promises", {"full_at": D(2)}, facts(), D(0), "no promise evaluated yet"),
    ("open_disputes", {"full_at": D(4)}, facts(open_disputes=1), D("0.25"), "1 open dispute"),
    ("open_disputes", {"full_at": D(4)}, facts({"disputed_items": 2}), D("0.50"), "2 open dispute"),
    ("credit_limit_use", {"full_at": D(1)}, facts({"open_total": "800"}, credit_limit=D(1000)), D("0.80"), "80% of the credit limit"),
    ("credit_limit_use", {"full_at": D(1)}, facts({"open_total": "800"}), D(0), "no credit limit"),
    ("trend", {"full_at_days": D(30)}, facts(recent_days_late=D(20), prior_days_late=D(5)), D("0.50"), "15 days later"),
    ("trend", {"full_at_days": D(30)}, facts(recent_days_late=D(2), prior_days_late=D(5)), D(0), "earlier"),
    ("trend", {"full_at_days": D(30)}, facts(recent_days_late=D(2)), D(0), "not enough payment history"),
    ("predicted_lateness", {}, facts(p_late=D("0.83")), D("0.83"), "probability 0.83"),
    ("predicted_lateness", {}, facts(), D(0), "no prediction for this customer (contributes 0)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "given", "value", "words"), CASES)
def test_component_maps_its_fact_onto_zero_to_one_and_explains_it(
    name: str, args: dict[str, Decimal], given: Any, value: Decimal, words: str
) -> None:
    got, detail = COMPONENTS[name].fn(given, args, AS_OF)

    assert got == value
    assert words in detail


def test_every_registered_component_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(COMPONENTS)


def _model(*parts: tuple[str, int, dict[str, Decimal]]) -> ScoringModel:
    return ScoringModel("t-1", tuple(Component(n, w, a) for n, w, a in parts))


def test_total_is_the_weighted_mean_times_100_with_points_per_component() -> None:
    model = _model(
        ("overdue_share", 3, {}), ("predicted_lateness", 1, {}),
    )  # fmt: skip
    given = facts({"open_total": "100", "overdue_total": "50"}, p_late=D("0.9"))

    result = score(given, model, date(2026, 3, 31))

    # (3 x 0.5 + 1 x 0.9) / 4 x 100 = 60
    assert result.total == 60
    assert [c.points for c in result.components] == [D("37.5"), D("22.5")]


def test_a_customer_without_prediction_scores_zero_on_that_component() -> None:
    model = _model(("predicted_lateness", 1, {}), ("overdue_share", 1, {}))

    result = score(facts({"open_total": "10", "overdue_total": "10"}), model, AS_OF)

    assert result.total == 50
    assert result.components[0].points == 0
    assert "no prediction" in result.components[0].detail


def test_total_rounds_half_up_and_stays_within_0_and_100() -> None:
    model = _model(("overdue_share", 1, {}), ("predicted_lateness", 1, {}))
    quarter = facts({"open_total": "100", "overdue_total": "25"})  # 12.5 points
    everything = facts({"open_total": "1", "overdue_total": "5"}, p_late=D(3))

    assert score(quarter, model, AS_OF).total == 13
    assert score(everything, model, AS_OF).total == 100
