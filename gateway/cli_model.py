"""``arbridge model``: train, evaluate and benchmark payment prediction."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gateway.errors import GatewayError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from gateway.bootstrap import Services
    from gateway.services.prediction import TrainingReport

F = TypeVar("F", bound="Callable[..., Any]")
_DATE = click.DateTime(formats=["%Y-%m-%d"])
_FEATURES = click.Choice(["with_dispute", "issue_time"])
_ESTIMATORS = click.Choice(["boosting", "logistic"])


def _services(ctx: click.Context) -> Services:
    # Imported here: gateway.cli imports this module to register the group.
    from gateway.cli import _services as shared

    return shared(ctx)


def _user_errors(func: F) -> F:
    """A user-fixable error (no model, too little history) is one line, exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GatewayError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _show(report: TrainingReport) -> None:
    from gateway.prediction_benchmark import format_report

    if report.version:
        click.echo(f"model {report.version} stored")
    click.echo(format_report(report))


def _options(func: F) -> F:
    func = click.option(
        "--estimator", default="logistic", type=_ESTIMATORS, show_default=True
    )(func)
    func = click.option(
        "--features", default="with_dispute", type=_FEATURES, show_default=True
    )(func)
    return click.option(
        "--cutoff",
        required=True,
        type=_DATE,
        help="Learn from what was settled before it.",
    )(func)


@click.group()
def model() -> None:
    """Payment prediction models."""


@model.command("train")
@_options
@click.pass_context
@_user_errors
def train(ctx: click.Context, cutoff: datetime, features: str, estimator: str) -> None:
    """Train at CUTOFF, evaluate on the invoices issued after it, store the model."""
    from gateway.services.prediction import train_model

    _show(train_model(_services(ctx), cutoff.date(), features, estimator))


@model.command("evaluate")
@_options
@click.pass_context
@_user_errors
def evaluate(
    ctx: click.Context, cutoff: datetime, features: str, estimator: str
) -> None:
    """Train at CUTOFF and print the figures on the invoices after it (not stored)."""
    from gateway.services.prediction import evaluate_model

    _show(evaluate_model(_services(ctx), cutoff.date(), features, estimator))


@model.command("benchmark-ibm")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The IBM AR sample (default: ../shared/data/ar-ibm-sample/).",
)
@_user_errors
def benchmark(data: Path | None) -> None:
    """Sync the IBM AR sample through a csv connection and evaluate at two cutoffs."""
    from gateway import prediction_benchmark as bench

    source = data or bench.DATA
    if not source.exists():
        raise click.ClickException(f"{source}: not found (pass --data)")
    click.echo("reference (payment-prediction.md section 4):")
    for name, figures in bench.REFERENCE.items():
        click.echo(f"  {name:<15} {figures}")
    with tempfile.TemporaryDirectory() as scratch:
        bench.run(Path(scratch) / "ibm.db", data=source, echo=click.echo)
