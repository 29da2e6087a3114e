"""`arbridge score` with a stored prediction model: predicted lateness counts."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from gateway.services.prediction import train_model
from gateway.services.scoring import load_config, score_all
from gateway.store.models.collections import CustomerPriority, CustomerScore
from tests.e2e.prediction.ibm_export import synced_csv_mirror

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from gateway.bootstrap import Services

TODAY = date(2024, 3, 1)
CUTOFF = date(2023, 10, 1)


@pytest.fixture
def services(tmp_path: Path, sqlite_url: str, clock) -> Iterator[Services]:
    built = synced_csv_mirror(tmp_path, sqlite_url, clock, TODAY)
    yield built
    built.dispose()


def _stored(services: Services) -> tuple[dict[int, dict], list[str]]:
    with services.read_uow() as uow:
        scores = uow.session.scalars(select(CustomerScore)).all()
        priorities = uow.session.scalars(select(CustomerPriority)).all()
        lateness = {
            s.customer_id: next(
                c for c in json.loads(s.components) if c["name"] == "predicted_lateness"
            )
            for s in scores
        }
        reasons = [r for p in priorities for r in json.loads(p.reasons)]
    return lateness, reasons


def test_with_a_model_predicted_lateness_scores_and_the_strategy_rule_fires(
    services: Services,
) -> None:
    version = train_model(services, CUTOFF).version

    summary = score_all(services, load_config(), TODAY)

    lateness, reasons = _stored(services)
    assert summary.model_version == version
    assert any(float(c["value"]) > 0 for c in lateness.values())
    assert any("probability" in c["detail"] for c in lateness.values())
    assert any(r.startswith("predicted late with probability") for r in reasons)


def test_without_a_model_predicted_lateness_counts_zero_and_never_fires(
    services: Services,
) -> None:
    summary = score_all(services, load_config(), TODAY)

    lateness, reasons = _stored(services)
    assert summary.model_version is None
    assert lateness
    assert all(
        c["value"] == "0" and "contributes 0" in c["detail"] for c in lateness.values()
    )
    assert not any("predicted late" in r for r in reasons)


def test_a_given_p_late_overrides_the_model(services: Services) -> None:
    train_model(services, CUTOFF)

    summary = score_all(services, load_config(), TODAY, p_late={})

    lateness, _ = _stored(services)
    assert summary.model_version is None
    assert all(c["value"] == "0" for c in lateness.values())
