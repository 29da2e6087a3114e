"""The scoring run's prediction path (columns straight from the mirror) agrees with
the per-invoice predictions the API and the account view show."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pytest

from gateway.queries.prediction_facts import load_fact_columns, load_facts
from gateway.services.prediction import (
    latest_customer_p_late,
    predictions,
    stored_model,
    train_model,
)
from rules.prediction_columns import InvoiceColumns
from tests.e2e.account_seed import CUTOFF, mirror_with_history
from tests.e2e.web_seed import TODAY, Seed

if TYPE_CHECKING:
    from gateway.bootstrap import Services


@pytest.fixture
def seed(services: Services) -> Seed:
    return mirror_with_history(services)


def test_columns_from_the_mirror_equal_the_facts_laid_out(
    services: Services, seed: Seed
) -> None:
    with services.read_uow() as uow:
        direct = load_fact_columns(uow.session)
        via_facts = InvoiceColumns.of(load_facts(uow.session))

    assert direct.customers == via_facts.customers
    assert len(direct.customer) > 30
    for name in ("customer", "issue", "due", "settled", "amount", "disputed"):
        assert np.array_equal(getattr(direct, name), getattr(via_facts, name)), name


def test_the_scores_p_late_is_the_amount_weighted_mean_of_the_shown_predictions(
    services: Services, seed: Seed
) -> None:
    assert latest_customer_p_late(services, TODAY) is None  # no model yet
    train_model(services, CUTOFF)
    shown = predictions(services, TODAY)
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for item in shown.items:
        acc = sums[int(item.invoice.customer)]
        acc[0] += item.invoice.amount * Decimal(item.p_late)
        acc[1] += item.invoice.amount

    folded = latest_customer_p_late(services, TODAY)

    assert folded is not None
    assert folded.model_version == shown.model_version
    assert set(folded.p_late) == set(sums)
    for customer, (weighted, total) in sums.items():
        assert float(folded.p_late[customer]) == pytest.approx(
            float(weighted / total), abs=5e-5
        )


def test_a_stored_model_is_loaded_once_and_a_newer_one_is_picked_up(
    services: Services, seed: Seed
) -> None:
    assert stored_model(services) is None
    first = train_model(services, CUTOFF).version
    model, version = stored_model(services) or (None, None)

    again = stored_model(services)
    newer = train_model(services, CUTOFF, estimator="boosting").version
    latest = stored_model(services)

    assert version == first
    assert again is not None
    assert again[0] is model
    assert latest is not None
    assert latest[1] == newer != first
    assert latest[0].estimator == "boosting"
    assert stored_model(services, first) == (model, first)
