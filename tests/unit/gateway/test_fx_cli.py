"""``arbridge fx set``: rates into the base currency, stored for the KPIs; and
``arbridge kpis refresh``, which brings the KPI ledger up to date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from gateway.bootstrap import build_services
from gateway.cli import cli
from gateway.errors import ConfigError
from gateway.settings import Settings, base_currency
from gateway.store.fx import rates_on
from gateway.store.migrate import upgrade
from gateway.store.models import Customer, Invoice

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/arbridge.db", testing=True)
    services = build_services(settings)
    upgrade(services.engine)
    services.dispose()
    return settings


def _run(settings: Settings, *args: str):
    return CliRunner().invoke(cli, ["fx", "set", *args], obj={"settings": settings})


def _rates(settings: Settings, day: date) -> dict[str, tuple[Decimal, date]]:
    services = build_services(settings)
    try:
        with services.read_uow() as uow:
            return rates_on(uow.session, day)
    finally:
        services.dispose()


def test_fx_set_stores_the_rate_from_its_date(settings: Settings) -> None:
    result = _run(settings, "eur", "1.0825", "--as-of", "2026-01-01")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 EUR = 1.0825 USD from 2026-01-01"
    assert _rates(settings, date(2026, 3, 31)) == {
        "EUR": (Decimal("1.0825"), date(2026, 1, 1))
    }
    assert _rates(settings, date(2025, 12, 31)) == {}


def test_the_latest_rate_on_or_before_the_date_wins(settings: Settings) -> None:
    _run(settings, "JPY", "0.0067", "--as-of", "2026-01-01")
    _run(settings, "JPY", "0.0065", "--as-of", "2026-03-01")
    _run(settings, "JPY", "0.0066", "--as-of", "2026-03-01")  # replaces that day's rate

    assert _rates(settings, date(2026, 2, 1))["JPY"] == (
        Decimal("0.0067"),
        date(2026, 1, 1),
    )
    assert _rates(settings, date(2026, 3, 1))["JPY"] == (
        Decimal("0.0066"),
        date(2026, 3, 1),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("EURO", "1.1"), "three-letter"),
        (("EUR", "abc"), "not a number"),
        (("EUR", "0"), "above 0"),
        (("EUR", "--", "-1"), "above 0"),
        (("USD", "2"), "base currency"),
    ],
)
def test_bad_rates_end_in_one_line(
    settings: Settings, args: tuple[str, ...], message: str
) -> None:
    result = _run(settings, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("env", "expected"), [({}, "USD"), ({"ARBRIDGE_BASE_CURRENCY": "eur"}, "EUR")]
)
def test_base_currency_setting(env: dict[str, str], expected: str) -> None:
    assert base_currency(env) == expected


def test_a_bad_base_currency_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="ARBRIDGE_BASE_CURRENCY"):
        base_currency({"ARBRIDGE_BASE_CURRENCY": "dollars"})


NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def test_kpis_refresh_builds_the_ledger_once(settings: Settings) -> None:
    services = build_services(settings)
    with services.uow() as uow:
        customer = Customer(number="C1", currency="USD", created_at=NOW, updated_at=NOW)
        uow.session.add(customer)
        uow.session.flush()
        uow.session.add(
            Invoice(
                customer_id=customer.id, kind="invoice", status="open",
                amount=Decimal(100), open_amount=Decimal(100),
                issue_date=date(2026, 1, 5), created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        uow.commit()
    services.dispose()

    def refresh() -> str:
        result = CliRunner().invoke(
            cli, ["kpis", "refresh"], obj={"settings": settings}
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert refresh() == "KPI ledger up to date (1 invoices rebuilt)\n"
    assert refresh() == "KPI ledger up to date (0 invoices rebuilt)\n"
