"""A calibrated logistic-regression ensemble folded into one matrix product.

``CalibratedClassifierCV`` over ``StandardScaler`` + ``LogisticRegression`` (sigmoid
calibration, one member per fold) averages its members, and each member scales the
features, takes a linear decision and maps it through its own fitted sigmoid.
Scaling followed by a linear decision is one affine map, so every member's decision
comes out of a single product ``X @ W``: predicting a million open invoices takes
tens of milliseconds instead of five pipelines, each copying the whole matrix.

:func:`fold` checks its result against scikit-learn's own ``predict_proba`` on the
rows it was trained on and gives up (None) if they differ or the fitted objects are
not shaped as expected (another scikit-learn version, say): the caller then keeps
predicting through scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Largest difference from scikit-learn's probabilities that counts as the same.
TOLERANCE: Final = 1e-9


@dataclass(frozen=True, slots=True)
class LinearEnsemble:
    """Members as columns: decision ``X @ weights + offsets``, then each member's
    sigmoid ``1 / (1 + exp(slope * decision + shift))``, then the mean."""

    weights: NDArray[np.float64]
    offsets: NDArray[np.float64]
    slopes: NDArray[np.float64]
    shifts: NDArray[np.float64]

    def probability(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """The probability of the positive class per row."""
        decision = matrix @ self.weights + self.offsets
        exponent = np.clip(decision * self.slopes + self.shifts, -700.0, 700.0)
        return np.asarray((1.0 / (1.0 + np.exp(exponent))).mean(axis=1))


def fold(calibrated: Any, sample: NDArray[np.float64]) -> LinearEnsemble | None:
    """Fold a fitted calibrated logistic ensemble, if it is one and agrees on
    ``sample``; None otherwise."""
    try:
        members = [_member(member) for member in calibrated.calibrated_classifiers_]
    except (AttributeError, KeyError, ValueError):
        return None
    if not members:
        return None
    coefs, offsets, slopes, shifts = zip(*members, strict=True)
    ensemble = LinearEnsemble(
        np.array(coefs, np.float64).T,
        np.array(offsets, np.float64),
        np.array(slopes, np.float64),
        np.array(shifts, np.float64),
    )
    expected = calibrated.predict_proba(sample)[:, 1]
    same = np.allclose(ensemble.probability(sample), expected, rtol=0, atol=TOLERANCE)
    return ensemble if same else None


def _member(member: Any) -> tuple[NDArray[np.float64], float, float, float]:
    """One member's affine decision and sigmoid, or ValueError if it is not the
    shape this module folds (binary, scaler + logistic regression, sigmoid)."""
    scaler = member.estimator.named_steps["standardscaler"]
    logistic = member.estimator.named_steps["logisticregression"]
    (calibrator,) = member.calibrators  # binary: one calibrator
    if logistic.coef_.shape[0] != 1 or member.method != "sigmoid":
        raise ValueError("not a binary sigmoid-calibrated logistic regression")
    coef = logistic.coef_[0] / scaler.scale_
    offset = float(logistic.intercept_[0] - scaler.mean_ @ coef)
    return coef, offset, float(calibrator.a_), float(calibrator.b_)
