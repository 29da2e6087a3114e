from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from gateway.store.types import MoneyAmount, UTCDateTime, int_to_money, money_to_int


@pytest.mark.parametrize(
    ("amount", "scaled"),
    [
        (Decimal("1250.00"), 12_500_000),
        (Decimal("0.0001"), 1),
        (Decimal("-17.5"), -175_000),
        (Decimal("99999999999.99"), 999_999_999_999_900),
    ],
)
def test_money_is_stored_as_an_exact_scaled_integer(amount, scaled):
    assert money_to_int(amount) == scaled
    assert int_to_money(scaled) == amount


def test_money_with_more_than_four_places_is_refused():
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        money_to_int(Decimal("0.00001"))


def test_money_comes_back_with_cents_shown():
    assert str(int_to_money(12_500_000)) == "1250.00"
    assert str(int_to_money(1)) == "0.0001"


def test_money_column_refuses_floats():
    with pytest.raises(TypeError, match="not float"):
        MoneyAmount().process_bind_param(12.5, sqlite.dialect())


def test_utc_column_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), sqlite.dialect())  # noqa: DTZ001


def test_utc_column_converts_other_zones_to_utc_and_reattaches_utc_on_sqlite():
    column = UTCDateTime()
    paris = datetime(2026, 1, 1, 13, tzinfo=timezone(timedelta(hours=1)))
    stored = column.process_bind_param(paris, sqlite.dialect())
    assert stored == datetime(2026, 1, 1, 12)  # noqa: DTZ001 - SQLite stores naive UTC
    loaded = column.process_result_value(stored, sqlite.dialect())
    assert loaded == paris
    assert loaded.tzinfo is UTC
    assert column.process_bind_param(paris, postgresql.dialect()).tzinfo is UTC
