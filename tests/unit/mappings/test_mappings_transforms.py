"""Each transform, through a one-field mapping: good values, bad values, both directions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings import TRANSFORMS, CompiledMapping, RecordMappingError, load_mapping
from mappings.errors import OutboundMappingError
from mappings.values import Target
from rules.canonical import Allocation, FieldValue

# A canonical field of each value type to carry the transform under test.
FIELD_OF_KIND = {
    "str": ("invoice", "memo"),
    "ref": ("invoice", "customer"),
    "int": ("invoice", "dunning_level"),
    "bool": ("invoice", "in_dispute"),
    "decimal": ("invoice", "amount"),
    "date": ("invoice", "due_date"),
    "allocations": ("payment", "allocations"),
    "enum": ("invoice", "status"),
}


def one_field(
    kind: str, via: str, args: dict[str, Any], *, out: bool = False
) -> CompiledMapping:
    """A mapping whose only rule maps raw field ``raw`` to/from a field of ``kind``."""
    object_type, field = FIELD_OF_KIND[kind]
    stream = {"object_type": object_type, "key": "id", "fields": {}}
    section = {"record_type": "r", "fields": {}}
    rule = {"from": field if out else "raw", "via": via, "args": args}
    (section if out else stream)["fields"] = {"raw" if out else field: rule}
    spec = {
        "system": "test",
        "streams": {"s": stream},
        "outbound": {object_type: section},
    }
    return load_mapping(json.dumps(spec), "test.yaml")  # JSON is YAML


def inbound(kind: str, via: str, args: dict[str, Any], raw: object) -> FieldValue:
    mapping = one_field(kind, via, args)
    return mapping.inbound("s", {"id": "1", "raw": raw}).fields[FIELD_OF_KIND[kind][1]]


def outbound(kind: str, via: str, args: dict[str, Any], value: FieldValue) -> object:
    object_type, field = FIELD_OF_KIND[kind]
    mapping = one_field(kind, via, args, out=True)
    _, payload = mapping.outbound(object_type, {field: value})
    return payload["raw"]


GOOD_INBOUND = [
    ("str", "str", {}, "Net 30", "Net 30"),
    ("str", "str", {}, 12, "12"),
    ("str", "str", {"strip": True}, "  padded ", "padded"),
    ("ref", "ref", {}, "311", "311"),
    ("ref", "ref", {}, 311, "311"),
    ("int", "int", {}, "2", 2),
    ("int", "int", {}, "-7", -7),
    ("int", "int", {}, 5, 5),
    ("int", "int", {}, 3.0, 3),
    ("int", "int", {}, Decimal("4"), 4),
    ("bool", "bool", {}, "T", True),
    ("bool", "bool", {}, "F", False),
    ("bool", "bool", {}, "true", True),
    ("bool", "bool", {}, "FALSE", False),
    ("bool", "bool", {}, "1", True),
    ("bool", "bool", {}, "0", False),
    ("bool", "bool", {}, True, True),
    ("bool", "bool", {}, 0, False),
    ("bool", "bool", {"negate": True}, "T", False),
    ("bool", "bool", {"negate": True}, False, True),
    ("bool", "bool", {"true_values": ["Y"], "false_values": ["N"]}, "y", True),
    ("bool", "bool", {"true_values": ["Y"], "false_values": ["N"]}, "N", False),
    ("decimal", "decimal", {}, "1.23456", Decimal("1.23456")),
    ("decimal", "decimal", {"places": 2}, "250.5", Decimal("250.50")),
    ("decimal", "decimal", {"places": 2}, "0.125", Decimal("0.13")),
    ("decimal", "decimal", {"places": 2}, "-0.125", Decimal("-0.13")),
    ("decimal", "decimal", {"abs": True}, "-5", Decimal("5")),
    ("decimal", "decimal", {}, 7, Decimal("7")),
    ("decimal", "decimal", {}, 0.1, Decimal("0.1")),
    ("date", "date", {}, "2024-03-01", date(2024, 3, 1)),
    ("date", "date", {"format": "%d.%m.%Y"}, "01.03.2024", date(2024, 3, 1)),
    ("date", "date", {}, date(2024, 2, 29), date(2024, 2, 29)),
    ("enum", "value_map", {"map": {"A": "open"}}, "A", "open"),
    ("enum", "value_map", {"map": {1: "open", 2: "paid"}}, "2", "paid"),
    ("enum", "value_map", {"map": {1: "open", 2: "paid"}}, 2, "paid"),
    ("enum", "value_map", {"map": {"A": "open"}, "default": "void"}, "Z", "void"),
    ("enum", "str", {}, "open", "open"),
    (
        "allocations",
        "allocations",
        {"places": 2},
        [{"doc": "1042", "amount": "10"}, {"doc": 7, "amount": 2}],
        (Allocation("1042", Decimal("10.00")), Allocation("7", Decimal("2.00"))),
    ),
    (
        "allocations",
        "allocations",
        {"invoice_field": "inv", "amount_field": "amt"},
        ({"inv": "9", "amt": "1.5"},),
        (Allocation("9", Decimal("1.5")),),
    ),
]


@pytest.mark.parametrize(("kind", "via", "args", "raw", "expected"), GOOD_INBOUND)
def test_inbound_converts_good_raw_values(
    kind: str, via: str, args: dict[str, Any], raw: object, expected: FieldValue
) -> None:
    result = inbound(kind, via, args, raw)
    assert result == expected
    assert type(result) is type(expected) or isinstance(expected, str)


BAD_INBOUND = [
    ("str", "str", {}, 1.5, "not text"),
    ("str", "str", {}, True, "not text"),
    ("ref", "ref", {}, ["311"], "not an external id"),
    ("int", "int", {}, "2.5", "not an integer"),
    ("int", "int", {}, "abc", "not an integer"),
    ("int", "int", {}, "1_000", "not an integer"),
    ("int", "int", {}, True, "not an integer"),
    ("int", "int", {}, 2.5, "not an integer"),
    ("bool", "bool", {}, "yes", "not a boolean"),
    ("bool", "bool", {}, 2, "not a boolean"),
    (
        "bool",
        "bool",
        {"true_values": ["Y"], "false_values": ["N"]},
        "T",
        "not a boolean",
    ),
    ("decimal", "decimal", {}, "abc", "not a decimal"),
    ("decimal", "decimal", {}, "1_000", "not a decimal"),
    ("decimal", "decimal", {}, "NaN", "not a finite decimal"),
    ("decimal", "decimal", {}, "-Infinity", "not a finite decimal"),
    ("decimal", "decimal", {}, True, "not a decimal"),
    ("decimal", "decimal", {"places": 2}, "1e999", "decimal too large"),
    ("date", "date", {}, "20240301", "not a date (%Y-%m-%d)"),
    ("date", "date", {}, "2024-W09-5", "not a date (%Y-%m-%d)"),
    ("date", "date", {}, "2024-02-30", "not a date (%Y-%m-%d)"),
    ("date", "date", {}, "03/01/2024", "not a date (%Y-%m-%d)"),
    ("date", "date", {"format": "%d.%m.%Y"}, "2024-03-01", "not a date (%d.%m.%Y)"),
    ("date", "date", {}, datetime(2024, 3, 1, tzinfo=UTC), "not a date (%Y-%m-%d)"),
    ("enum", "value_map", {"map": {"A": "open"}}, "Z", "unmapped value (known: 'A')"),
    (
        "enum",
        "str",
        {},
        "overdue",
        "'overdue' is not one of: open, paid, void, deleted",
    ),
    ("allocations", "allocations", {}, "1042", "not a list of allocations"),
    ("allocations", "allocations", {}, ["1042"], "item 0: not a mapping"),
    ("allocations", "allocations", {}, [{"amount": "1"}], "item 0: no doc"),
    (
        "allocations",
        "allocations",
        {},
        [{"doc": "1", "amount": "1"}, {"doc": "2", "amount": "x"}],
        "item 1: amount not a decimal",
    ),
]


@pytest.mark.parametrize(("kind", "via", "args", "raw", "reason"), BAD_INBOUND)
def test_inbound_refuses_bad_raw_values_naming_field_value_and_reason(
    kind: str, via: str, args: dict[str, Any], raw: object, reason: str
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        inbound(kind, via, args, raw)
    error = caught.value
    assert (error.stream, error.external_id, error.source_field) == ("s", "1", "raw")
    assert (error.field, error.raw_value, error.reason) == (
        FIELD_OF_KIND[kind][1],
        raw,
        reason,
    )


GOOD_OUTBOUND = [
    ("str", "str", {}, "legal", "legal"),
    ("int", "int", {}, 2, 2),
    ("bool", "bool", {}, True, True),
    ("bool", "bool", {"out_true": "T", "out_false": "F"}, False, "F"),
    ("bool", "bool", {"negate": True}, True, False),
    ("decimal", "decimal", {"places": 2}, Decimal("1.005"), Decimal("1.01")),
    ("decimal", "decimal", {}, 5, Decimal("5")),
    ("date", "date", {}, date(2024, 3, 1), "2024-03-01"),
    ("date", "date", {"format": "%d/%m/%Y"}, date(2024, 3, 1), "01/03/2024"),
    ("enum", "value_map", {"map": {"open": "A", "void": "V"}}, "void", "V"),
    ("enum", "value_map", {"map": {"open": "A"}, "default": "?"}, "paid", "?"),
    (
        "allocations",
        "allocations",
        {"places": 2},
        (Allocation("1042", Decimal("3")),),
        [{"doc": "1042", "amount": Decimal("3.00")}],
    ),
    ("int", "int", {}, None, None),
]


@pytest.mark.parametrize(("kind", "via", "args", "value", "expected"), GOOD_OUTBOUND)
def test_outbound_converts_canonical_values_to_remote_values(
    kind: str, via: str, args: dict[str, Any], value: FieldValue, expected: object
) -> None:
    result = outbound(kind, via, args, value)
    assert result == expected
    assert type(result) is type(expected)


BAD_OUTBOUND = [
    ("int", "int", {}, "2", "not an integer"),
    ("bool", "bool", {}, "T", "not a boolean"),
    ("decimal", "decimal", {}, True, "not a decimal"),
    ("date", "date", {}, "2024-03-01", "not a date"),
    (
        "enum",
        "value_map",
        {"map": {"open": "A"}},
        "void",
        "unmapped value (known: 'open')",
    ),
    ("allocations", "allocations", {}, ("1042",), "not a list of allocations"),
]


@pytest.mark.parametrize(("kind", "via", "args", "value", "reason"), BAD_OUTBOUND)
def test_outbound_refuses_values_of_the_wrong_type(
    kind: str, via: str, args: dict[str, Any], value: FieldValue, reason: str
) -> None:
    with pytest.raises(OutboundMappingError) as caught:
        outbound(kind, via, args, value)
    assert (caught.value.field, caught.value.reason) == (FIELD_OF_KIND[kind][1], reason)


def modified_of(args: dict[str, Any], raw: object) -> datetime | None:
    spec = {
        "system": "test",
        "streams": {
            "s": {
                "object_type": "invoice",
                "key": "id",
                "modified": {"from": "ts", "via": "datetime", "args": args},
                "fields": {},
            }
        },
    }
    mapping = load_mapping(json.dumps(spec), "test.yaml")
    return mapping.inbound("s", {"id": "1", "ts": raw}).remote_modified


@pytest.mark.parametrize(
    ("args", "raw", "expected"),
    [
        (
            {"format": "%Y-%m-%d %H:%M:%S"},
            "2024-03-02 10:11:12",
            datetime(2024, 3, 2, 10, 11, 12, tzinfo=UTC),
        ),
        ({}, "2024-03-02T10:11:12+02:00", datetime(2024, 3, 2, 8, 11, 12, tzinfo=UTC)),
        ({}, "2024-03-02T10:11:12", datetime(2024, 3, 2, 10, 11, 12, tzinfo=UTC)),
        (
            {"format": "%Y-%m-%d %H:%M:%S", "tz": "America/New_York"},
            "2024-07-01 12:00:00",
            datetime(2024, 7, 1, 16, 0, tzinfo=UTC),
        ),
        (
            {"format": "%d.%m.%Y %H:%M"},
            "02.03.2024 10:11",
            datetime(2024, 3, 2, 10, 11, tzinfo=UTC),
        ),
        ({}, None, None),
    ],
)
def test_datetime_inbound_is_always_utc_aware(
    args: dict[str, Any], raw: object, expected: datetime | None
) -> None:
    result = modified_of(args, raw)
    assert result == expected
    assert result is None or result.tzinfo is UTC


@pytest.mark.parametrize(
    ("args", "raw"),
    [
        ({"format": "%Y-%m-%d %H:%M:%S"}, "2024-03-02T10:11:12"),
        ({"format": "%Y-%m-%d %H:%M:%S"}, "2024-03-02"),
        ({}, "yesterday"),
        ({}, 1709374272),
    ],
)
def test_datetime_inbound_refuses_other_shapes(
    args: dict[str, Any], raw: object
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        modified_of(args, raw)
    assert caught.value.field == "remote_modified"
    assert caught.value.reason.startswith("not a time")


def test_datetime_outbound_writes_the_remote_zone_and_format() -> None:
    transform = TRANSFORMS["datetime"]
    args = transform.args_schema().load(
        {"format": "%Y-%m-%d %H:%M:%S", "tz": "Europe/Berlin"}
    )
    write = transform.outbound(args, Target("datetime"))
    assert write(datetime(2024, 7, 1, 10, 0, tzinfo=UTC)) == "2024-07-01 12:00:00"


DECIMAL_IN = one_field("decimal", "decimal", {"places": 2})
DECIMAL_OUT = one_field("decimal", "decimal", {"places": 2}, out=True)


@settings(database=None, max_examples=300)
@given(
    st.decimals(
        min_value=Decimal("-1e12"),
        max_value=Decimal("1e12"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_decimal_round_trips_quantized_values_exactly(value: Decimal) -> None:
    record = DECIMAL_IN.inbound("s", {"id": "1", "raw": str(value)})
    parsed = record.fields["amount"]
    assert type(parsed) is Decimal
    assert parsed == value
    assert parsed.as_tuple().exponent == -2
    _, payload = DECIMAL_OUT.outbound("invoice", {"amount": parsed})
    assert type(payload["raw"]) is Decimal
    assert payload["raw"] == value


@settings(database=None, max_examples=300)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans()))
def test_decimal_never_returns_a_float_whatever_it_is_given(raw: object) -> None:
    try:
        record = DECIMAL_IN.inbound("s", {"id": "1", "raw": raw})
    except RecordMappingError:
        return
    result = record.fields["amount"]
    assert result is None or type(result) is Decimal
