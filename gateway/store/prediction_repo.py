"""Stored prediction models: save a trained model, find the latest or a version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from gateway.store.models import PredictionModel

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class StoredModel:
    version: str
    trained_at: datetime
    cutoff: date
    feature_set: str
    n_train: int
    n_test: int
    metrics: str
    model: bytes


def next_number(session: Session) -> int:
    """The number the next model's version takes (1 for the first)."""
    return int(session.scalar(select(func.count(PredictionModel.id))) or 0) + 1


def save(session: Session, stored: StoredModel) -> None:
    session.add(
        PredictionModel(
            version=stored.version,
            trained_at=stored.trained_at,
            cutoff=stored.cutoff,
            feature_set=stored.feature_set,
            n_train=stored.n_train,
            n_test=stored.n_test,
            metrics=stored.metrics,
            model=stored.model,
        )
    )
    session.flush()


def find_version(session: Session, version: str | None = None) -> str | None:
    """The version ``version`` if stored, or the latest one's; without the blob."""
    query = select(PredictionModel.version)
    if version is not None:
        query = query.where(PredictionModel.version == version)
    return session.scalars(
        query.order_by(PredictionModel.trained_at.desc(), PredictionModel.id.desc())
    ).first()


def model_blob(session: Session, version: str) -> bytes | None:
    """The pickled estimators of a stored version."""
    return session.scalar(
        select(PredictionModel.model).where(PredictionModel.version == version)
    )


def find(session: Session, version: str | None = None) -> StoredModel | None:
    """The model called ``version``, or the most recently trained one."""
    query = select(PredictionModel)
    if version is not None:
        query = query.where(PredictionModel.version == version)
    row = session.scalars(
        query.order_by(PredictionModel.trained_at.desc(), PredictionModel.id.desc())
    ).first()
    if row is None:
        return None
    return StoredModel(
        row.version,
        row.trained_at,
        row.cutoff,
        row.feature_set,
        row.n_train,
        row.n_test,
        row.metrics,
        row.model,
    )
