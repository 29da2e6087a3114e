"""``arbridge fx``: the exchange rates the KPIs use to report in the base currency.

``arbridge kpis refresh``: bring the KPI ledger up to date now.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from gateway.errors import GatewayError

if TYPE_CHECKING:
    from gateway.bootstrap import Services


def _services(ctx: click.Context) -> Services:
    # Imported here: gateway.cli imports this module to register the group.
    from gateway.cli import _services as shared

    return shared(ctx)


@click.group()
def fx() -> None:
    """Exchange rates into the base currency (ARBRIDGE_BASE_CURRENCY)."""


@fx.command("set")
@click.argument("currency")
@click.argument("rate")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the rate applies from (YYYY-MM-DD; default: today).",
)
@click.pass_context
def fx_set(
    ctx: click.Context, currency: str, rate: str, as_of: datetime | None
) -> None:
    """Set the rate: one CURRENCY is worth RATE base-currency units."""
    from gateway.services.fx import set_rate

    services = _services(ctx)
    day: date | None = as_of.date() if as_of else None
    try:
        code, value, since = set_rate(services, currency, rate, day)
    except GatewayError as exc:
        raise click.ClickException(str(exc)) from exc
    base = services.settings.base_currency
    click.echo(f"1 {code} = {value:f} {base} from {since.isoformat()}")


@click.group()
def kpis() -> None:
    """The KPI ledger behind the KPI page and /api/v1/kpis."""


@kpis.command("refresh")
@click.pass_context
def kpis_refresh(ctx: click.Context) -> None:
    """Rebuild the ledger rows of every invoice changed since the last KPI request.

    KPI requests do this themselves; run it after an upgrade or a bulk load so that
    the first request does not wait for it.
    """
    from gateway.queries.kpis import catch_up

    count = catch_up(_services(ctx))
    click.echo(f"KPI ledger up to date ({count:,} invoices rebuilt)")
