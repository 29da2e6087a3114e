"""The account use case: one customer's facts and predictions, and how they pay."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from gateway.queries.prediction_facts import load_facts
from gateway.services.account import (
    NO_MODEL,
    Totals,
    account,
    behaviour,
    customer_predictions,
)
from gateway.services.prediction import PredictionError, predictions, train_model
from rules.prediction import InvoiceFacts
from tests.e2e.account_seed import CUTOFF, mirror_with_history
from tests.e2e.web_seed import TODAY, Seed

if TYPE_CHECKING:
    from gateway.bootstrap import Services


@pytest.fixture
def seed(services: Services) -> Seed:
    return mirror_with_history(services)


def test_a_customer_filter_loads_exactly_that_customers_facts(
    services: Services, seed: Seed
) -> None:
    acme = seed.customers["acme"]

    with services.read_uow() as uow:
        everyone = load_facts(uow.session)
        mine = load_facts(uow.session, acme)

    expected = [f for f in everyone if f.customer == str(acme)]
    assert sorted(mine, key=lambda f: f.key) == sorted(expected, key=lambda f: f.key)
    assert sum(f.settled_date is not None for f in mine) == 30
    assert len(mine) == 32  # and INV-1, INV-2 open; INV-3 paid with no payment


def test_one_customers_predictions_equal_the_whole_books_for_that_customer(
    services: Services, seed: Seed
) -> None:
    train_model(services, CUTOFF, estimator="logistic")
    acme = str(seed.customers["acme"])
    book = [p for p in predictions(services, TODAY).items if p.invoice.customer == acme]

    mine = customer_predictions(services, int(acme), TODAY)

    assert [p.invoice for p in mine.items] == [p.invoice for p in book]
    for one, all_ in zip(mine.items, book, strict=True):
        assert one.p_late == pytest.approx(all_.p_late)
        assert one.p_late_30 == pytest.approx(all_.p_late_30)
        assert one.expected_days_to_pay == pytest.approx(all_.expected_days_to_pay)


def test_without_a_model_customer_predictions_say_how_to_train_one(
    services: Services, seed: Seed
) -> None:
    with pytest.raises(PredictionError, match="arbridge model train --cutoff DATE"):
        customer_predictions(services, seed.customers["acme"], TODAY)


def test_an_unknown_customer_has_no_account(services: Services, seed: Seed) -> None:
    assert account(services, 987654, TODAY) is None


def test_an_account_brings_items_latest_payments_and_behaviour_together(
    services: Services, seed: Seed
) -> None:
    found = account(services, seed.customers["acme"], TODAY)

    assert found is not None
    assert [i.number for i in found.items] == ["INV-1", "INV-2"]
    assert found.totals == (Totals("EUR", Decimal("15500.00"), Decimal("12500.00")),)
    dates = [p.payment_date for p in found.payments]
    assert len(dates) == 10
    assert dates == sorted(dates, reverse=True)
    assert all(p.invoices == (f"H-{p.number[2:]}",) for p in found.payments)
    assert found.behaviour.settled == 30
    assert (found.model_version, found.prediction_problem) == (None, NO_MODEL)
    assert found.score is None
    assert found.priority is None


def _paid(amount: str, days_to_pay: int, terms: int = 30) -> InvoiceFacts:
    issued = date(2025, 1, 1)
    return InvoiceFacts(
        key=amount, customer="1", issue_date=issued,
        due_date=issued + timedelta(days=terms), amount=Decimal(amount),
        currency="EUR", settled_date=issued + timedelta(days=days_to_pay),
    )  # fmt: skip


def test_behaviour_averages_days_to_pay_and_beyond_terms_plain_and_weighted() -> None:
    # The reference's example: $10 paid in 5 days and $100 in 10 days.
    facts = [_paid("10", 5, terms=10), _paid("100", 10, terms=0)]

    found = behaviour(facts, date(2025, 6, 1))

    assert found.settled == 2
    assert (found.days_to_pay, found.days_to_pay_weighted) == (
        Decimal("7.50"),
        Decimal("9.55"),
    )
    # beyond terms: -5 (early) and +10
    assert found.days_beyond_terms == Decimal("2.50")
    assert found.days_beyond_terms_weighted == Decimal("8.64")


def test_behaviour_ignores_settlements_on_or_after_the_as_of_day() -> None:
    facts = [_paid("10", 5), _paid("100", 10)]

    found = behaviour(facts, date(2025, 1, 11))

    assert found.settled == 1
    assert found.days_to_pay == Decimal("5.00")
