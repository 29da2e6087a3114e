"""``arbridge score`` and ``arbridge promises evaluate``: the daily collections runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from gateway.cli import _services, user_errors

_AS_OF_HELP = "Run as of this day (YYYY-MM-DD); default: today (UTC)."


def _as_of(ctx: click.Context, raw: str | None) -> date:
    if raw is None:
        return _services(ctx).clock.now().date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter(
            f"{raw!r} is not a date (YYYY-MM-DD)", param_hint="--as-of"
        ) from None


@click.command()
@click.option("--as-of", "as_of", help=_AS_OF_HELP)
@click.option(
    "--scoring",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A scoring YAML (default: rules/defaults/scoring.yaml).",
)
@click.option(
    "--strategies",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A strategies YAML (default: rules/defaults/strategies.yaml).",
)
@click.pass_context
@user_errors
def score(
    ctx: click.Context, as_of: str | None, scoring: Path | None, strategies: Path | None
) -> None:
    """Compute every customer's risk score and the worklist priorities."""
    from gateway.services.scoring import load_config, score_all

    config = load_config(scoring, strategies)
    summary = score_all(_services(ctx), config, _as_of(ctx, as_of))
    model = summary.model_version or "none: predicted lateness counts 0"
    click.echo(
        f"scored {summary.scored} customers as of {summary.as_of} ({summary.version}): "
        f"{summary.prioritized} on the worklist, in {summary.seconds:.2f}s "
        f"(prediction model {model}); {summary.changed} risk scores changed "
        "(queued for the ERPs)"
    )


@click.group()
def promises() -> None:
    """Promises to pay."""


@promises.command("evaluate")
@click.option("--as-of", "as_of", help=_AS_OF_HELP)
@click.pass_context
@user_errors
def promises_evaluate(ctx: click.Context, as_of: str | None) -> None:
    """Judge open promises as kept, partially kept or broken."""
    from gateway.services.promises import evaluate_promises

    summary = evaluate_promises(_services(ctx), _as_of(ctx, as_of))
    counts = ", ".join(f"{n} {state}" for state, n in sorted(summary.by_state.items()))
    click.echo(
        f"judged {summary.judged} open promises as of {summary.as_of}: {counts or 'none'}"
    )
