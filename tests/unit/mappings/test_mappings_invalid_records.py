"""A raw record an adapter could not read is refused with the adapter's reason."""

from __future__ import annotations

import pytest

from adapters.base import INVALID_FIELD
from mappings import RecordMappingError, load_mapping
from mappings.compiler import INVALID_FIELD as MAPPING_INVALID_FIELD

MAPPING = """
system: csv
streams:
  invoices:
    object_type: invoice
    key: id
    fields:
      number: {from: number, via: str, required: true}
"""


def test_adapters_and_mappings_name_the_invalid_marker_alike() -> None:
    assert INVALID_FIELD == MAPPING_INVALID_FIELD


@pytest.mark.parametrize(
    ("raw", "who"),
    [
        ({"id": "7", "number": "INV-7", INVALID_FIELD: "line 3: 2 values"}, "7"),
        ({INVALID_FIELD: "line 3: not valid utf-8 text"}, None),
    ],
)
def test_an_unreadable_record_is_refused_with_the_adapters_reason(
    raw: dict[str, object], who: str | None
) -> None:
    mapping = load_mapping(MAPPING, "csv.yaml")

    with pytest.raises(RecordMappingError, match="unreadable record: line 3") as info:
        mapping.inbound("invoices", raw)

    assert info.value.external_id == who
    assert info.value.field == "*"
