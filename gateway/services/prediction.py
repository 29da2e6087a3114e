"""Payment prediction use cases: train, evaluate, predict, on the mirror's own history.

Protocol (payment-prediction.md section 4.1): a model trained at cutoff ``T`` learns
from invoices issued and settled before ``T`` (features from what was known on each
one's issue date) and is evaluated on invoices issued on or after ``T``. Predictions
for open invoices at an as-of date use what was known at the start of that day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gateway.queries.prediction_facts import load_fact_columns, load_facts
from gateway.services.prediction_model import (
    ESTIMATORS,
    FittedModel,
    PredictionError,
    evaluate,
    fit,
)
from gateway.store import prediction_repo
from gateway.store.prediction_repo import StoredModel
from rules.prediction import (
    FEATURE_SETS,
    InvoiceFacts,
    holdout_rows,
    training_rows,
)
from rules.prediction_columns import (
    InvoiceColumns,
    amount_weighted_by_customer,
    open_features,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gateway.bootstrap import Services

DEFAULT_FEATURE_SET = "with_dispute"
DEFAULT_ESTIMATOR = "logistic"

__all__ = [
    "DEFAULT_ESTIMATOR",
    "DEFAULT_FEATURE_SET",
    "ESTIMATORS",
    "FEATURE_SETS",
    "CustomerLateness",
    "InvoicePrediction",
    "PredictionError",
    "PredictionSet",
    "TrainingReport",
    "evaluate_model",
    "latest_customer_p_late",
    "open_p_late_by_customer",
    "predict_open",
    "predictions",
    "retrain_latest",
    "stored_model",
    "train_model",
    "train_on",
]


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """A model trained at a cutoff and how it did on the invoices after it."""

    cutoff: date
    feature_set: str
    n_train: int
    n_test: int
    metrics: dict[str, Any]
    version: str | None = None


@dataclass(frozen=True, slots=True)
class InvoicePrediction:
    invoice: InvoiceFacts
    p_late: float
    p_late_30: float
    expected_days_to_pay: float
    predicted_pay_date: date


@dataclass(frozen=True, slots=True)
class CustomerLateness:
    """Per customer id, the amount-weighted mean p_late of their open invoices."""

    model_version: str
    p_late: dict[int, Decimal]


@dataclass(frozen=True, slots=True)
class PredictionSet:
    as_of: date
    model_version: str
    items: list[InvoicePrediction] = field(default_factory=list)


def train_on(
    facts: Sequence[InvoiceFacts],
    cutoff: date,
    feature_set: str = DEFAULT_FEATURE_SET,
    estimator: str = DEFAULT_ESTIMATOR,
) -> tuple[FittedModel, TrainingReport]:
    """Train at ``cutoff`` on ``facts`` and evaluate on those issued from it on.

    Raises:
        PredictionError: unknown feature set or estimator, or too little history.
    """
    for name, value, known in (
        ("feature set", feature_set, FEATURE_SETS),
        ("estimator", estimator, ESTIMATORS),
    ):
        if value not in known:
            names = ", ".join(sorted(known))
            raise PredictionError(f"unknown {name} {value!r} (known: {names})")
    train = training_rows(facts, cutoff, feature_set)
    model = fit(train, feature_set, estimator)
    holdout = holdout_rows(facts, cutoff, feature_set)
    metrics = evaluate(model, holdout, train) | {"estimator": estimator}
    report = TrainingReport(
        cutoff, feature_set, len(train.features), len(holdout.features), metrics
    )
    return model, report


def predict_open(
    model: FittedModel, facts: Sequence[InvoiceFacts], as_of: date
) -> list[InvoicePrediction]:
    """Predict every invoice open at the start of ``as_of``, by issue date then key.

    The predicted date is the issue date plus the expected days to pay, but never
    before ``as_of``: an invoice still open cannot have been paid in the past.
    """
    found = open_features(InvoiceColumns.of(facts), as_of, model.feature_set)
    out = model.predict(found.matrix)
    # As known on the day: a settlement after it is not shown (nor used).
    open_then = (replace(facts[i], settled_date=None) for i in found.rows.tolist())
    items = [
        InvoicePrediction(
            inv, p, p30, days, max(inv.issue_date + timedelta(days=round(days)), as_of)
        )
        for inv, p, p30, days in zip(
            open_then,
            out.p_late.tolist(),
            out.p_late_30.tolist(),
            out.days_to_pay.tolist(),
            strict=True,
        )
    ]
    items.sort(key=lambda item: (item.invoice.issue_date, item.invoice.key))
    return items


def open_p_late_by_customer(
    model: FittedModel, cols: InvoiceColumns, as_of: date
) -> dict[str, Decimal]:
    """Each customer's amount-weighted mean p_late over their invoices open at
    ``as_of`` (to 4 places), for the risk score: cash at risk, so a likely-late small
    invoice does not outweigh a likely-on-time large one."""
    found = open_features(cols, as_of, model.feature_set)
    p_late = model.late_probability(found.matrix)
    mean, present = amount_weighted_by_customer(
        cols.customer[found.rows], cols.amount[found.rows], p_late, len(cols.customers)
    )
    return {
        cols.customers[code]: Decimal(str(round(value, 4)))
        for code, value in zip(
            present.nonzero()[0].tolist(), mean[present].tolist(), strict=True
        )
    }


def _facts(services: Services) -> list[InvoiceFacts]:
    with services.read_uow() as uow:
        return load_facts(uow.session)


def evaluate_model(
    services: Services,
    cutoff: date,
    feature_set: str = DEFAULT_FEATURE_SET,
    estimator: str = DEFAULT_ESTIMATOR,
) -> TrainingReport:
    """Train at ``cutoff`` and evaluate after it, without storing the model."""
    return train_on(_facts(services), cutoff, feature_set, estimator)[1]


def train_model(
    services: Services,
    cutoff: date,
    feature_set: str = DEFAULT_FEATURE_SET,
    estimator: str = DEFAULT_ESTIMATOR,
) -> TrainingReport:
    """Train at ``cutoff``, evaluate after it and store the model with its figures."""
    model, report = train_on(_facts(services), cutoff, feature_set, estimator)
    trained_at = services.clock.now()
    with services.uow() as uow:
        number = prediction_repo.next_number(uow.session)
        version = f"pm{number}-{cutoff:%Y%m%d}-{feature_set}-{estimator}"
        prediction_repo.save(
            uow.session,
            StoredModel(
                version,
                trained_at,
                cutoff,
                feature_set,
                report.n_train,
                report.n_test,
                json.dumps(report.metrics, sort_keys=True),
                model.dumps(),
            ),
        )
        uow.commit()
    return TrainingReport(
        cutoff, feature_set, report.n_train, report.n_test, report.metrics, version
    )


def predictions(
    services: Services, as_of: date, version: str | None = None
) -> PredictionSet:
    """Predict the invoices open at ``as_of`` with a stored model (default: latest).

    Raises:
        PredictionError: no model is stored (or none with that version).
    """
    found = stored_model(services, version)
    if found is None:
        which = f"model {version!r}" if version else "prediction model"
        raise PredictionError(f"no {which}: run `arbridge model train --cutoff DATE`")
    model, model_version = found
    items = predict_open(model, _facts(services), as_of)
    return PredictionSet(as_of, model_version, items)


def stored_model(
    services: Services, version: str | None = None
) -> tuple[FittedModel, str] | None:
    """A stored model (default: the latest) with its version, or None.

    A stored version never changes, so each is unpickled once per process: pages
    that predict (the account view) then only ask the database which is latest.
    """
    with services.read_uow() as uow:
        found = prediction_repo.find_version(uow.session, version)
        if found is None:
            return None

        def load() -> FittedModel:
            blob = prediction_repo.model_blob(uow.session, found)
            if blob is None:
                raise PredictionError(f"model {found!r} has no stored estimators")
            return FittedModel.loads(blob)

        model = services.cached(("prediction-model", found), load)
    return model, found


def latest_customer_p_late(services: Services, as_of: date) -> CustomerLateness | None:
    """Predict the invoices open at ``as_of`` with the latest model and fold them per
    customer for scoring; None when no model is stored yet."""
    found = stored_model(services)
    if found is None:
        return None
    model, version = found
    with services.read_uow() as uow:
        cols = load_fact_columns(uow.session)
    by_customer = open_p_late_by_customer(model, cols, as_of)
    # load_facts keys customers by their mirror id, as text.
    return CustomerLateness(version, {int(c): p for c, p in by_customer.items()})


def retrain_latest(services: Services, cutoff: date) -> TrainingReport | None:
    """Train a new version at ``cutoff`` with the latest model's feature set and
    estimator (what the user chose stays chosen); None when no model is stored."""
    found = stored_model(services)
    if found is None:
        return None
    model = found[0]
    return train_model(services, cutoff, model.feature_set, model.estimator)
