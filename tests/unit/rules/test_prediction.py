"""Payment-prediction features: only what was known on the day, never an outcome."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from rules.prediction import (
    FEATURE_SETS,
    OUTCOME_FIELDS,
    InvoiceFacts,
    feature_row,
    histories,
    holdout_rows,
    training_rows,
    visible_as_of,
)
from rules.prediction_columns import InvoiceColumns, open_features
from tests.prediction_facts_support import synthetic_facts

CUTOFF = date(2023, 10, 1)


def _inv(key: str, issued: date, settled: date | None, **kw: object) -> InvoiceFacts:
    return InvoiceFacts(
        key=key,
        customer=str(kw.pop("customer", "C1")),
        issue_date=issued,
        due_date=issued + timedelta(days=30),
        amount=Decimal(str(kw.pop("amount", "100.00"))),
        currency="EUR",
        settled_date=settled,
        **kw,  # type: ignore[arg-type]
    )


def _named(invoice: InvoiceFacts, on: date, feature_set: str = "with_dispute"):
    history = histories([invoice, *PAST])[invoice.customer].at(on)
    return dict(
        zip(
            FEATURE_SETS[feature_set],
            feature_row(invoice, history, feature_set),
            strict=True,
        )
    )


PAST = [
    # 10 days late, 200.00; on time, 100.00; 40 days late but settled on 2024-03-10.
    _inv("a", date(2024, 1, 1), date(2024, 2, 10), amount="200.00", disputed=True),
    _inv("b", date(2024, 1, 5), date(2024, 1, 20)),
    _inv("c", date(2024, 1, 10), date(2024, 3, 20)),
]
NEW = _inv("new", date(2024, 3, 1), None, channel="electronic")


def test_history_counts_only_invoices_settled_before_the_day() -> None:
    values = _named(NEW, date(2024, 3, 1))

    assert values["h_count"] == 2
    assert values["h_late_share"] == 0.5
    assert values["h_mean_days_late"] == 5.0
    # Amount-weighted: (200 * 10 + 100 * 0) / 300.
    assert values["h_weighted_days_late"] == pytest.approx(20 / 3)
    assert values["h_dispute_share"] == 0.5
    assert values["h_last_days_late"] == 10.0  # "a" was settled after "b"


def test_open_exposure_is_issued_before_the_day_and_not_settled_before_it() -> None:
    values = _named(NEW, date(2024, 3, 1))

    assert values["h_open_count"] == 1  # "c", still open on 2024-03-01
    assert values["h_open_amount"] == 100.0


def test_invoice_facts_are_features_and_a_first_invoice_has_no_history() -> None:
    first = _inv("first", date(2024, 1, 1), None, channel="electronic", customer="C9")
    values = _named(first, date(2024, 1, 1))

    assert values["terms_days"] == 30.0
    assert values["electronic"] == 1.0
    assert (values["h_count"], values["h_missing"]) == (0.0, 1.0)


def test_no_outcome_is_a_feature_in_any_feature_set() -> None:
    outcome_words = ("settled", "days_to_pay", "days_late", "late", "paid")
    for names in FEATURE_SETS.values():
        invoice_features = [n for n in names if not n.startswith("h_")]
        assert not [n for n in invoice_features if any(w in n for w in outcome_words)]
    assert {f.name for f in dataclasses.fields(InvoiceFacts)} >= OUTCOME_FIELDS


@pytest.mark.parametrize("feature_set", sorted(FEATURE_SETS))
def test_an_invoices_own_outcome_never_changes_its_own_features(
    feature_set: str,
) -> None:
    facts = synthetic_facts()
    target = facts[5]
    moved = dataclasses.replace(
        target, settled_date=target.issue_date + timedelta(days=90)
    )

    def row(invoices: list[InvoiceFacts]) -> tuple[float, ...]:
        rows = holdout_rows(invoices, target.issue_date, feature_set)
        return rows.features[[i.key for i in rows.invoices].index(target.key)]

    assert row(facts) == row([moved if f is target else f for f in facts])


def test_visible_as_of_erases_later_settlements_and_later_invoices() -> None:
    seen = visible_as_of([*PAST, NEW], date(2024, 3, 1))

    assert [i.key for i in seen] == ["a", "b", "c"]
    assert seen[2].settled_date is None


def test_training_leaves_out_invoices_open_at_the_cutoff() -> None:
    rows = training_rows([*PAST, NEW], date(2024, 3, 1), "issue_time")

    assert [i.key for i in rows.invoices] == ["a", "b"]  # in issue order; "c" open
    assert rows.late == (1, 0)
    assert rows.days_to_pay == (40, 15)


def _shuffle_outcomes_after(facts: list[InvoiceFacts], cutoff: date, seed: int):
    later = [
        i for i, f in enumerate(facts) if f.settled_date and f.settled_date >= cutoff
    ]
    dates = [facts[i].settled_date for i in later]
    random.Random(seed).shuffle(dates)
    out = list(facts)
    for i, when in zip(later, dates, strict=True):
        out[i] = dataclasses.replace(out[i], settled_date=when)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("feature_set", sorted(FEATURE_SETS))
def test_shuffling_outcomes_after_the_cutoff_changes_no_feature_or_label(
    seed: int, feature_set: str
) -> None:
    facts = synthetic_facts()
    shuffled = _shuffle_outcomes_after(facts, CUTOFF, seed)
    assert shuffled != facts  # the shuffle did move outcomes

    assert training_rows(shuffled, CUTOFF, feature_set) == training_rows(
        facts, CUTOFF, feature_set
    )
    before = open_features(InvoiceColumns.of(facts), CUTOFF, feature_set)
    after = open_features(InvoiceColumns.of(shuffled), CUTOFF, feature_set)
    assert before.rows.tolist() == after.rows.tolist()
    assert before.matrix.tolist() == after.matrix.tolist()
