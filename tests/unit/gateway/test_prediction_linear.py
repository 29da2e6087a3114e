"""The folded logistic ensemble gives scikit-learn's own probabilities."""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV

from gateway.services.prediction_linear import LinearEnsemble, fold
from gateway.services.prediction_model import ESTIMATORS


def _data(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 6)) * [1, 10, 100, 0.1, 1, 5] + [0, 50, 1e4, 0, 3, 0]
    late = (x[:, 0] + x[:, 1] / 10 + rng.normal(size=rows) > 5).astype(int)
    return x, late


def _calibrated(estimator: str) -> tuple[CalibratedClassifierCV, np.ndarray]:
    x, late = _data(400, seed=1)
    model = CalibratedClassifierCV(ESTIMATORS[estimator](), method="sigmoid", cv=5)
    return model.fit(x, late), x


def test_the_fold_predicts_unseen_rows_as_scikit_learn_does() -> None:
    model, train = _calibrated("logistic")
    unseen, _ = _data(2000, seed=2)

    folded = fold(model, train)

    assert isinstance(folded, LinearEnsemble)
    assert folded.weights.shape == (6, 5)  # one column per calibrated member
    expected = model.predict_proba(unseen)[:, 1]
    np.testing.assert_allclose(folded.probability(unseen), expected, atol=1e-9)


def test_a_boosted_ensemble_is_not_folded() -> None:
    model, train = _calibrated("boosting")

    assert fold(model, train) is None


def test_extreme_decisions_give_probabilities_not_overflow() -> None:
    model, train = _calibrated("logistic")
    folded = fold(model, train)
    assert folded is not None
    far = np.full((2, 6), 1e12)
    far[1] *= -1

    p = folded.probability(far)

    assert np.isfinite(p).all()
    assert ((p >= 0) & (p <= 1)).all()
