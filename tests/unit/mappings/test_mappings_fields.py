"""Field rules: required, default, const, missing columns, keys, create-only, outbound."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mappings import (
    CompiledMapping,
    OutboundMappingError,
    RecordMappingError,
    UnknownStreamError,
    load_mapping,
)

MAPPING = """\
system: erp
streams:
  invoices:
    object_type: invoice
    key: id
    fields:
      number: {from: nbr, via: str, required: true, only_on_create: true}
      kind: {const: credit_memo}
      amount: {from: amt, via: decimal, args: {places: 2}, default: "0"}
      status: {from: st, via: value_map, args: {map: {O: open, P: paid}}}
      memo: {from: memo, via: str}
      in_dispute: {from: disp, via: bool, default: false}
  sparse:
    object_type: customer
    key: id
    missing: omit
    fields:
      name: {from: name, via: str}
      email: {from: email, via: str}
outbound:
  invoice:
    record_type: {from: kind, via: value_map, args: {map: {invoice: inv, credit_memo: cm}}}
    fields:
      level: {from: dunning_level, via: int}
      level_text: {from: dunning_level, via: value_map, args: {map: {1: one, 2: two}}}
      source: {const: arbridge}
  customer:
    record_type: customer
    fields:
      score: {from: risk_score, via: int}
"""


@pytest.fixture(scope="module")
def mapping() -> CompiledMapping:
    return load_mapping(MAPPING, "erp.yaml")


def test_const_field_is_set_on_every_record(mapping: CompiledMapping) -> None:
    record = mapping.inbound("invoices", {"id": "9", "nbr": "N9"})
    assert record.fields["kind"] == "credit_memo"


def test_default_is_used_for_a_missing_or_empty_raw_field(
    mapping: CompiledMapping,
) -> None:
    absent = mapping.inbound("invoices", {"id": "9", "nbr": "N9"}).fields
    empty = mapping.inbound("invoices", {"id": "9", "nbr": "N9", "amt": ""}).fields
    assert absent["amount"] == empty["amount"] == Decimal("0")
    assert absent["in_dispute"] is False


def test_missing_field_without_default_is_cleared(mapping: CompiledMapping) -> None:
    record = mapping.inbound("invoices", {"id": "9", "nbr": "N9"})
    assert "memo" in record.fields
    assert record.fields["memo"] is None


def test_stream_with_missing_omit_leaves_absent_fields_unknown(
    mapping: CompiledMapping,
) -> None:
    record = mapping.inbound("sparse", {"id": "4", "name": "Initech"})
    assert record.fields == {"name": "Initech"}


@pytest.mark.parametrize("raw_number", [None, ""])
def test_missing_required_field_is_refused(
    mapping: CompiledMapping, raw_number: str | None
) -> None:
    raw = {"id": "9"} if raw_number is None else {"id": "9", "nbr": raw_number}
    with pytest.raises(RecordMappingError) as caught:
        mapping.inbound("invoices", raw)
    assert str(caught.value) == (
        f"invoices 9: field number (raw {raw_number!r} from nbr): required"
    )


def test_unknown_value_map_code_is_refused_naming_the_known_codes(
    mapping: CompiledMapping,
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        mapping.inbound("invoices", {"id": "9", "nbr": "N9", "st": "X"})
    assert caught.value.reason == "unmapped value (known: 'O', 'P')"


def test_bad_value_message_names_stream_record_field_raw_value_and_reason(
    mapping: CompiledMapping,
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        mapping.inbound("invoices", {"id": "1042", "nbr": "N", "amt": "abc"})
    assert str(caught.value) == (
        "invoices 1042: field amount (raw 'abc' from amt): not a decimal"
    )


@pytest.mark.parametrize("raw", [{}, {"id": ""}, {"id": None}, {"id": 1.5}])
def test_record_without_an_external_id_is_refused(
    mapping: CompiledMapping, raw: dict[str, object]
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        mapping.inbound("sparse", raw)
    assert (caught.value.field, caught.value.reason) == ("id", "no external id")


def test_integer_external_id_becomes_text(mapping: CompiledMapping) -> None:
    assert mapping.inbound("sparse", {"id": 17}).external_id == "17"


def test_only_on_create_flag_is_kept_for_the_gateway(mapping: CompiledMapping) -> None:
    assert mapping.only_on_create("invoice") == frozenset({"number"})
    assert mapping.only_on_create("customer") == frozenset()
    assert mapping.only_on_create("payment") == frozenset()


@pytest.mark.parametrize("call", ["inbound", "object_type", "inbound_fields"])
def test_unknown_stream_is_a_lookup_error(mapping: CompiledMapping, call: str) -> None:
    method = getattr(mapping, call)
    args = ("nope", {"id": "1"}) if call == "inbound" else ("nope",)
    with pytest.raises(UnknownStreamError, match="no stream 'nope'"):
        method(*args)


def test_outbound_writes_one_canonical_field_to_every_raw_field_it_feeds(
    mapping: CompiledMapping,
) -> None:
    values = {"kind": "invoice", "dunning_level": 2}
    assert mapping.outbound("invoice", values) == (
        "inv",
        {"source": "arbridge", "level": 2, "level_text": "two"},
    )


def test_outbound_without_any_applicable_field_is_empty_even_with_constants(
    mapping: CompiledMapping,
) -> None:
    values = {"kind": "invoice", "dunning_level": 2, "memo": "x"}
    assert mapping.outbound("invoice", values, fields=["memo"]) == ("inv", {})


def test_outbound_needs_the_field_that_picks_the_record_type(
    mapping: CompiledMapping,
) -> None:
    with pytest.raises(OutboundMappingError) as caught:
        mapping.outbound("invoice", {"dunning_level": 2})
    assert caught.value.field == "kind"
    assert caught.value.reason.startswith("record type: unmapped value")


def test_outbound_value_error_names_the_canonical_field(
    mapping: CompiledMapping,
) -> None:
    with pytest.raises(OutboundMappingError) as caught:
        mapping.outbound("invoice", {"kind": "invoice", "dunning_level": 3})
    assert str(caught.value).startswith("outbound invoice: field dunning_level (3):")


def test_outbound_record_type_may_be_a_plain_constant(mapping: CompiledMapping) -> None:
    assert mapping.outbound("customer", {"risk_score": 7}) == ("customer", {"score": 7})


def test_outbound_for_a_type_without_a_section_is_a_lookup_error(
    mapping: CompiledMapping,
) -> None:
    assert mapping.outbound_fields("payment") == frozenset()
    with pytest.raises(UnknownStreamError, match="no outbound 'payment'"):
        mapping.outbound("payment", {"amount": Decimal(1)})


def test_compiled_mapping_describes_itself(mapping: CompiledMapping) -> None:
    assert (mapping.system, mapping.source) == ("erp", "erp.yaml")
    assert mapping.stream_names == ("invoices", "sparse")
    assert mapping.outbound_types == ("invoice", "customer")
    assert mapping.outbound_fields("invoice") == frozenset({"dunning_level"})
