"""A scoring run: risk scores and strategy priorities for every customer, as of a day.

Batch, not per request: the worklist then reads ready-made priorities through an
index instead of evaluating strategies over a million open invoices on every page.
"""

from __future__ import annotations

import gc
import importlib.resources
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.errors import ConfigError
from gateway.queries.collections_facts import customer_facts
from gateway.services.prediction import latest_customer_p_late
from gateway.services.score_writeback import write_back_scores
from gateway.store import collections_repo as repo
from rules.collections_loaders import load_scoring_yaml, load_strategies_yaml
from rules.loaders import RuleFileError
from rules.scoring import RiskScore, ScoringModel, score
from rules.strategies import Assignment, Strategies, prioritize

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime
    from decimal import Decimal
    from pathlib import Path

    from gateway.bootstrap import Services
    from rules.exposure import CustomerFacts


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    scoring: ScoringModel
    strategies: Strategies


@dataclass(frozen=True, slots=True)
class ScoringSummary:
    as_of: date
    scored: int
    prioritized: int
    seconds: float
    version: str
    model_version: str | None = None  # the prediction model behind p_late, if any
    changed: int = 0  # customers whose risk_score changed (and went to their ERPs)


def _text(path: Path | None, name: str) -> tuple[str, str]:
    if path is None:
        resource = importlib.resources.files("rules").joinpath("defaults", name)
        return resource.read_text(encoding="utf-8"), f"rules/defaults/{name}"
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def load_config(
    scoring: Path | None = None, strategies: Path | None = None
) -> ScoringConfig:
    """The scoring and strategy files (the shipped defaults unless paths are given)."""
    try:
        return ScoringConfig(
            load_scoring_yaml(*_text(scoring, "scoring.yaml")),
            load_strategies_yaml(*_text(strategies, "strategies.yaml")),
        )
    except RuleFileError as exc:
        raise ConfigError(str(exc)) from exc


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a run that makes millions of small
    acyclic values (tuples, Decimals): reference counting frees them all the same, and
    the collector's full passes over a heap that large cost a third of the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def evaluate(
    facts: list[CustomerFacts], config: ScoringConfig, as_of: date
) -> tuple[list[RiskScore], list[Assignment]]:
    """Score everyone, then run the strategies with each customer's fresh score."""
    scores: list[RiskScore] = []
    assignments: list[Assignment] = []
    for item in facts:
        risk = score(item, config.scoring, as_of)
        scores.append(risk)
        found = prioritize(item, config.strategies, as_of, risk.total)
        if found is not None:
            assignments.append(found)
    return scores, assignments


def _score_row(
    risk: RiskScore, as_of: date, version: str, now: datetime
) -> dict[str, Any]:
    parts = [
        {"name": c.name, "weight": c.weight, "value": f"{c.value:f}",
         "points": f"{c.points:f}", "detail": c.detail}
        for c in risk.components
    ]  # fmt: skip
    return {
        "customer_id": risk.customer_id, "as_of": as_of, "total": risk.total,
        "components": json.dumps(parts), "version": version, "computed_at": now,
    }  # fmt: skip


def _priority_row(
    found: Assignment, facts: CustomerFacts, risk: int, as_of: date, now: datetime
) -> dict[str, Any]:
    return {
        "customer_id": found.customer_id, "as_of": as_of,
        "score": int(found.priority.score), "reasons": json.dumps(list(found.priority.reasons)),
        "group": found.group, "collector": found.collector, "risk_score": risk,
        "currency": facts.attributes.get("currency"), "computed_at": now,
    }  # fmt: skip


def _lateness(
    services: Services, as_of: date, given: Mapping[int, Decimal] | None
) -> tuple[Mapping[int, Decimal] | None, str | None]:
    """The p_late given, else the latest model's (with its version), else none."""
    if given is not None:
        return given, None
    found = latest_customer_p_late(services, as_of)
    return (None, None) if found is None else (found.p_late, found.model_version)


def score_all(
    services: Services, config: ScoringConfig, as_of: date,
    p_late: Mapping[int, Decimal] | None = None,
) -> ScoringSummary:  # fmt: skip
    """Compute and store every customer's score and the worklist priorities.

    A customer whose score differs from its ``risk_score`` gets the new one, audited
    and queued for its ERPs, in the same transaction (see ``score_writeback``).
    ``p_late`` (customer id -> probability of paying late) defaults to the latest
    stored prediction model's forecast for the invoices open at ``as_of``; without a
    model (or for customers it has nothing open for) that component scores 0.
    """
    started = time.perf_counter()
    p_late, model_version = _lateness(services, as_of, p_late)
    now = services.clock.now()
    version = f"{config.scoring.version}+{config.strategies.version}"
    with services.uow() as uow:
        with paused_gc():
            facts = customer_facts(uow.session, as_of, p_late)
            scores, assignments = evaluate(facts, config, as_of)
        totals = {s.customer_id: s.total for s in scores}
        by_id = {f.customer_id: f for f in facts}
        repo.replace_scores(
            uow.session, as_of, [_score_row(s, as_of, version, now) for s in scores]
        )
        repo.replace_priorities(
            uow.session,
            [
                _priority_row(
                    a, by_id[a.customer_id], totals[a.customer_id], as_of, now
                )
                for a in assignments
            ],
        )
        changed = write_back_scores(services, uow.session, totals, now)
        uow.commit()
    seconds = time.perf_counter() - started
    return ScoringSummary(
        as_of, len(scores), len(assignments), seconds, version, model_version, changed
    )
