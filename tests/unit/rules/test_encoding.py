from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.canonical import Allocation
from rules.encoding import encode_decimal, encode_fields


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("12.5", "12.50"),
        ("12.50", "12.50"),
        ("12.500", "12.50"),
        ("1E+2", "100.00"),
        ("100", "100.00"),
        ("0.001", "0.001"),
        ("-3.10", "-3.10"),
        ("1.23E+5", "123000.00"),
        ("0.1000", "0.10"),
    ],
)
def test_equal_amounts_encode_identically(value, encoded):
    assert encode_decimal(Decimal(value)) == encoded


def test_fields_encode_to_json_safe_values_and_drop_unknown_names():
    values = {
        "amount": Decimal("5.0"),
        "due_date": date(2026, 1, 31),
        "in_dispute": False,
        "dunning_level": 2,
        "customer": 17,
        "memo": None,
        "not_a_field": "x",
    }
    assert encode_fields("invoice", values) == {
        "amount": "5.00",
        "due_date": "2026-01-31",
        "in_dispute": False,
        "dunning_level": 2,
        "customer": "17",
        "memo": None,
    }


def test_allocations_encode_sorted_so_order_is_not_a_change():
    a = (Allocation("2", Decimal("1")), Allocation("1", Decimal("2.5")))
    b = tuple(reversed(a))
    assert encode_fields("payment", {"allocations": a}) == encode_fields(
        "payment", {"allocations": b}
    )
    assert encode_fields("payment", {"allocations": a})["allocations"] == [
        ["1", "2.50"],
        ["2", "1.00"],
    ]
