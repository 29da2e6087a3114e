"""The payment-prediction estimators (scikit-learn) and their evaluation.

Three estimators on the same features (``rules.prediction``): a calibrated
classifier for "paid late", another for "paid more than 30 days late", and a
gradient-boosting regressor with absolute-error loss for days to pay. The classifiers
are gradient boosting by default, or logistic regression (``estimator="logistic"``),
which does better on the IBM sample (docs/prediction.md shows both).
Calibration matters because collectors read ``p_late`` as a probability (and the
Brier score measures exactly that), which raw boosting scores are not.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    mean_absolute_error,
    roc_auc_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from gateway.errors import GatewayError
from rules.prediction import FEATURE_SETS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rules.prediction import Rows

SEED = 0
THRESHOLD = 0.5


class PredictionError(GatewayError):
    """A model cannot be trained or used (too little history, no model yet)."""


@dataclass
class FittedModel:
    """The fitted estimators; a constant stands in for a class never seen in training."""

    feature_set: str
    estimator: str
    late: Any
    late_30: Any
    days: Any

    def predict(self, features: Sequence[tuple[float, ...]]) -> list[Prediction]:
        """Return ``(p_late, p_late_30, expected days to pay)`` per feature row."""
        if not features:
            return []
        late = _probabilities(self.late, features)
        late_30 = _probabilities(self.late_30, features)
        days = [max(float(d), 0.0) for d in self.days.predict(features)]
        return [
            Prediction(p, min(p30, p), d)
            for p, p30, d in zip(late, late_30, days, strict=True)
        ]

    def dumps(self) -> bytes:
        """Serialise for the ``prediction_models`` table (our own models only)."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(blob: bytes) -> FittedModel:
        """Load a model this gateway trained and stored itself (pickle runs code:
        never feed it bytes from anywhere but our own ``prediction_models`` rows)."""
        model = pickle.loads(blob)  # noqa: S301 - our own rows, see above
        if not isinstance(model, FittedModel):
            raise PredictionError("stored model is not a payment-prediction model")
        return model


@dataclass(frozen=True, slots=True)
class Prediction:
    p_late: float
    p_late_30: float
    days_to_pay: float


def _probabilities(
    estimator: Any, features: Sequence[tuple[float, ...]]
) -> list[float]:
    if isinstance(estimator, float):
        return [estimator] * len(features)
    return [float(p) for p in estimator.predict_proba(features)[:, 1]]


def _boosting() -> Any:
    boosted = GradientBoostingClassifier(
        n_estimators=200,
        max_depth=3,
        learning_rate=0.05,
        subsample=0.8,
        random_state=SEED,
    )
    return boosted


def _logistic() -> Any:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


#: Classifier families; both are calibrated (sigmoid, cross-validated).
ESTIMATORS = {"boosting": _boosting, "logistic": _logistic}


def _classifier(
    features: Sequence[tuple[float, ...]], labels: Sequence[int], estimator: str
) -> Any:
    positives, n = sum(labels), len(labels)
    if min(positives, n - positives) < 3:
        return float(positives / n)  # too few of one outcome to learn: its base rate
    folds = min(5, positives, n - positives)
    calibrated = CalibratedClassifierCV(
        ESTIMATORS[estimator](), method="sigmoid", cv=folds
    )
    return calibrated.fit(features, labels)


def fit(rows: Rows, feature_set: str, estimator: str = "boosting") -> FittedModel:
    """Fit the three estimators on labelled rows (``estimator``: the classifiers').

    Raises:
        PredictionError: fewer than 20 settled invoices to learn from.
    """
    if len(rows.features) < 20:
        msg = (
            f"only {len(rows.features)} invoices settled before the cutoff; "
            "need at least 20 to train"
        )
        raise PredictionError(msg)
    days = GradientBoostingRegressor(
        loss="absolute_error",
        n_estimators=300,
        max_depth=3,
        learning_rate=0.05,
        subsample=0.8,
        random_state=SEED,
    ).fit(rows.features, rows.days_to_pay)
    return FittedModel(
        feature_set,
        estimator,
        _classifier(rows.features, rows.late, estimator),
        _classifier(rows.features, rows.late_30, estimator),
        days,
    )


def evaluate(model: FittedModel, holdout: Rows, train: Rows) -> dict[str, Any]:
    """Score ``model`` on held-out rows, next to the simple baselines."""
    n = len(holdout.features)
    if n == 0:
        return {"n_test": 0}
    predicted = model.predict(holdout.features)
    p_late = [p.p_late for p in predicted]
    labels = list(holdout.late)
    both = 0 < sum(labels) < n
    return {
        "n_test": n,
        "late_share": sum(labels) / n,
        "accuracy": accuracy_score(labels, [int(p >= THRESHOLD) for p in p_late]),
        "auc": roc_auc_score(labels, p_late) if both else None,
        "brier": brier_score_loss(labels, p_late),
        "mae_days_to_pay": mean_absolute_error(
            holdout.days_to_pay, [p.days_to_pay for p in predicted]
        ),
        "baseline_on_time_accuracy": 1 - sum(labels) / n,
        "baseline_customer_mean_mae": _customer_mean_mae(
            holdout, train, model.feature_set
        ),
    }


def _customer_mean_mae(holdout: Rows, train: Rows, feature_set: str) -> float:
    """MAE of "the customer's mean days to pay so far" (train mean without history)."""
    names = FEATURE_SETS[feature_set]
    at_mean, at_missing = names.index("h_mean_days_to_pay"), names.index("h_missing")
    fallback = sum(train.days_to_pay) / max(len(train.days_to_pay), 1)
    errors = [
        abs(actual - (fallback if row[at_missing] else row[at_mean]))
        for row, actual in zip(holdout.features, holdout.days_to_pay, strict=True)
    ]
    return sum(errors) / len(errors)
