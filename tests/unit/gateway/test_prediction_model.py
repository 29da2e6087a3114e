"""Training and predicting: later outcomes change nothing; stored models load back."""

from __future__ import annotations

import dataclasses
import pickle
import random
from datetime import date

import pytest

from gateway.services.prediction import (
    PredictionError,
    TrainingReport,
    predict_open,
    train_on,
)
from gateway.services.prediction_model import FittedModel
from tests.prediction_facts_support import synthetic_facts

CUTOFF = date(2023, 10, 1)


def _shuffle_outcomes_after(facts, cutoff: date, seed: int):
    later = [
        i for i, f in enumerate(facts) if f.settled_date and f.settled_date >= cutoff
    ]
    dates = [facts[i].settled_date for i in later]
    random.Random(seed).shuffle(dates)
    out = list(facts)
    for i, when in zip(later, dates, strict=True):
        out[i] = dataclasses.replace(out[i], settled_date=when)
    return out


@pytest.fixture(scope="module")
def trained() -> tuple[FittedModel, TrainingReport]:
    return train_on(synthetic_facts(), CUTOFF)


def test_shuffling_outcomes_after_the_cutoff_changes_no_prediction(
    trained: tuple[FittedModel, TrainingReport],
) -> None:
    facts = synthetic_facts()
    shuffled = _shuffle_outcomes_after(facts, CUTOFF, seed=9)
    assert shuffled != facts

    model_shuffled, _ = train_on(shuffled, CUTOFF)

    assert predict_open(trained[0], facts, CUTOFF) == predict_open(
        model_shuffled, shuffled, CUTOFF
    )


def test_a_model_beats_always_on_time_on_invoices_after_the_cutoff(
    trained: tuple[FittedModel, TrainingReport],
) -> None:
    report = trained[1]

    assert report.n_train > 0
    assert report.n_test > 0
    assert report.metrics["accuracy"] > report.metrics["baseline_on_time_accuracy"]
    assert 0 <= report.metrics["brier"] <= 1


def test_a_stored_model_loads_back_and_predicts_the_same(
    trained: tuple[FittedModel, TrainingReport],
) -> None:
    facts = synthetic_facts()
    model = trained[0]

    loaded = FittedModel.loads(model.dumps())

    assert predict_open(loaded, facts, CUTOFF) == predict_open(model, facts, CUTOFF)


def test_a_blob_that_is_not_a_prediction_model_is_refused() -> None:
    with pytest.raises(PredictionError, match="not a payment-prediction model"):
        FittedModel.loads(pickle.dumps({"not": "a model"}))


@pytest.mark.parametrize(
    ("cutoff", "kwargs", "message"),
    [
        (date(2023, 1, 10), {}, "need at least 20"),
        (CUTOFF, {"feature_set": "everything"}, "unknown feature set"),
        (CUTOFF, {"estimator": "oracle"}, "unknown estimator"),
    ],
)
def test_training_refuses_too_little_history_or_unknown_options(
    cutoff: date, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(PredictionError, match=message):
        train_on(synthetic_facts(), cutoff, **kwargs)
