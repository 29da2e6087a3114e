"""Payment-prediction models: each trained model, versioned, with its evaluation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.db import Base


class PredictionModel(Base):
    """One trained model: when, on what cutoff, how big, how good, and the model.

    ``model`` holds the fitted estimators serialised with joblib (pickle). Only models
    ARBridge trained and wrote itself are ever stored here and loaded back; never
    load a blob from anywhere else, since unpickling runs code.
    """

    __tablename__ = "prediction_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    trained_at: Mapped[datetime]
    cutoff: Mapped[date]
    feature_set: Mapped[str] = mapped_column(String(32))
    n_train: Mapped[int]
    n_test: Mapped[int]
    metrics: Mapped[str] = mapped_column(Text)  # JSON: accuracy, auc, brier, mae...
    model: Mapped[bytes] = mapped_column(LargeBinary)
