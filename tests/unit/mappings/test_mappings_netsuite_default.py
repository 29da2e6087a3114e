"""Golden tests of the shipped NetSuite mapping: SuiteQL rows in, canonical out, and back.

The raw records have the shape docs/netsuite-wire.md fixes: lower-case column aliases,
every value a string, NULL columns omitted, payments with ``applications``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from mappings import DEFAULTS_DIR, CompiledMapping, RecordMappingError, load_mapping
from rules.canonical import FIELDS, Allocation, CanonicalRecord


@pytest.fixture(scope="module")
def netsuite() -> CompiledMapping:
    path = Path(DEFAULTS_DIR) / "netsuite.yaml"
    return load_mapping(path.read_text(encoding="utf-8"), path.name)


CUSTOMER_ROW = {
    "id": "311",
    "entityid": "CUST-311",
    "companyname": "Globex Corporation",
    "email": "ap@globex.example",
    "phone": "+1 555 0100",
    "currency": "USD",
    "creditlimit": "50000",
    "subsidiary": "ACME US",
    "terms": "Net 30",
    "category": "Mid-Market",
    "isinactive": "F",
    "externalid": "crm-311",
    "custentity_arb_collection_status": "watch",
    "custentity_arb_risk_score": "42",
    "lastmodifieddate": "2024-03-02 08:15:00",
    "links": [],
}

INVOICE_ROW = {
    "id": "1042",
    "tranid": "INV-1042",
    "type": "CustInvc",
    "status": "A",
    "entity": "311",
    "trandate": "2024-03-01",
    "duedate": "2024-03-31",
    "currency": "USD",
    "foreigntotal": "1250.00",
    "foreignamountunpaid": "250.5",
    "voided": "F",
    "memo": "March services",
    "externalid": "SO-77",
    "subsidiary": "ACME US",
    "custbody_arb_collection_status": "promised",
    "custbody_arb_dunning_level": "2",
    "custbody_arb_promise_date": "2024-04-15",
    "custbody_arb_in_dispute": "T",
    "tobeemailed": "T",
    "lastmodifieddate": "2024-03-02 10:11:12",
    "links": [],
}

# A fully applied credit memo: no due date, no memo, no collection fields (omitted NULLs).
CREDIT_MEMO_ROW = {
    "id": "1077",
    "tranid": "CM-1077",
    "type": "CustCred",
    "status": "B",
    "entity": "311",
    "trandate": "2024-03-10",
    "currency": "EUR",
    "foreigntotal": "99.99",
    "foreignamountunpaid": "0",
    "voided": "F",
    "subsidiary": "ACME EU",
    "tobeemailed": "F",
    "lastmodifieddate": "2024-03-11 00:00:00",
    "links": [],
}

PAYMENT_ROW = {
    "id": "2001",
    "tranid": "PMT-2001",
    "status": "C",
    "entity": "311",
    "trandate": "2024-03-20",
    "currency": "USD",
    "foreigntotal": "1100.00",
    "foreignpaymentamountunused": "100.00",
    "voided": "F",
    "memo": "Wire 8812",
    "lastmodifieddate": "2024-03-20 16:45:01",
    "applications": [
        {"doc": "1042", "amount": "1000.00"},
        {"doc": "1043", "amount": "0.5"},
    ],
    "links": [],
}


def test_customer_row_maps_to_the_golden_canonical_customer(
    netsuite: CompiledMapping,
) -> None:
    assert netsuite.inbound("customers", CUSTOMER_ROW) == CanonicalRecord(
        object_type="customer",
        external_id="311",
        fields={
            "number": "CUST-311",
            "name": "Globex Corporation",
            "email": "ap@globex.example",
            "phone": "+1 555 0100",
            "currency": "USD",
            "credit_limit": Decimal("50000.00"),
            "company": "ACME US",
            "terms": "Net 30",
            "segment": "Mid-Market",
            "is_active": True,
            "collection_status": "watch",
            "risk_score": 42,
        },
        remote_modified=datetime(2024, 3, 2, 8, 15, tzinfo=UTC),
    )


def test_inactive_customer_with_null_columns_is_inactive_with_cleared_fields(
    netsuite: CompiledMapping,
) -> None:
    row = {k: v for k, v in CUSTOMER_ROW.items() if k not in {"email", "phone"}}
    record = netsuite.inbound("customers", {**row, "isinactive": "T"})
    assert record.fields["is_active"] is False
    assert record.fields["email"] is None
    assert record.fields["phone"] is None


def test_customer_category_is_the_segment_and_no_category_clears_it(
    netsuite: CompiledMapping,
) -> None:
    row = {k: v for k, v in CUSTOMER_ROW.items() if k != "category"}

    assert netsuite.inbound("customers", CUSTOMER_ROW).fields["segment"] == "Mid-Market"
    assert netsuite.inbound("customers", row).fields["segment"] is None


def test_customer_without_isinactive_column_is_active(
    netsuite: CompiledMapping,
) -> None:
    row = {k: v for k, v in CUSTOMER_ROW.items() if k != "isinactive"}
    assert netsuite.inbound("customers", row).fields["is_active"] is True


def test_invoice_row_maps_to_the_golden_canonical_invoice(
    netsuite: CompiledMapping,
) -> None:
    assert netsuite.inbound("invoices", INVOICE_ROW) == CanonicalRecord(
        object_type="invoice",
        external_id="1042",
        fields={
            "number": "INV-1042",
            "kind": "invoice",
            "customer": "311",
            "company": "ACME US",
            "currency": "USD",
            "amount": Decimal("1250.00"),
            "open_amount": Decimal("250.50"),
            "issue_date": date(2024, 3, 1),
            "due_date": date(2024, 3, 31),
            "status": "open",
            "memo": "March services",
            "collection_status": "promised",
            "dunning_level": 2,
            "promise_date": date(2024, 4, 15),
            "in_dispute": True,
            "channel": "electronic",
        },
        remote_modified=datetime(2024, 3, 2, 10, 11, 12, tzinfo=UTC),
    )


def test_credit_memo_row_maps_to_the_golden_canonical_credit_memo(
    netsuite: CompiledMapping,
) -> None:
    assert netsuite.inbound("invoices", CREDIT_MEMO_ROW) == CanonicalRecord(
        object_type="invoice",
        external_id="1077",
        fields={
            "number": "CM-1077",
            "kind": "credit_memo",
            "customer": "311",
            "company": "ACME EU",
            "currency": "EUR",
            "amount": Decimal("99.99"),
            "open_amount": Decimal("0.00"),
            "issue_date": date(2024, 3, 10),
            "due_date": None,
            "status": "paid",
            "memo": None,
            "collection_status": None,
            "dunning_level": None,
            "promise_date": None,
            "in_dispute": False,
            "channel": "paper",
        },
        remote_modified=datetime(2024, 3, 11, tzinfo=UTC),
    )


def test_payment_row_maps_to_the_golden_canonical_payment(
    netsuite: CompiledMapping,
) -> None:
    assert netsuite.inbound("payments", PAYMENT_ROW) == CanonicalRecord(
        object_type="payment",
        external_id="2001",
        fields={
            "number": "PMT-2001",
            "customer": "311",
            "currency": "USD",
            "amount": Decimal("1100.00"),
            "unapplied_amount": Decimal("100.00"),
            "payment_date": date(2024, 3, 20),
            "status": "posted",
            "memo": "Wire 8812",
            "allocations": (
                Allocation("1042", Decimal("1000.00")),
                Allocation("1043", Decimal("0.50")),
            ),
        },
        remote_modified=datetime(2024, 3, 20, 16, 45, 1, tzinfo=UTC),
    )


def test_voided_payment_without_applications_maps_to_void_and_no_allocations(
    netsuite: CompiledMapping,
) -> None:
    row = {**PAYMENT_ROW, "status": "V", "voided": "T", "applications": []}
    fields = netsuite.inbound("payments", row).fields
    assert fields["status"] == "void"
    assert fields["allocations"] == ()


@pytest.mark.parametrize(
    ("stream", "object_type"),
    [("customers", "customer"), ("invoices", "invoice"), ("payments", "payment")],
)
def test_every_default_stream_maps_every_canonical_field_netsuite_supplies(
    netsuite: CompiledMapping, stream: str, object_type: str
) -> None:
    assert netsuite.object_type(stream) == object_type
    assert netsuite.inbound_fields(stream) == frozenset(FIELDS[object_type])


# The channel comes from the "To Be E-mailed" checkbox alone (a rule reads one
# column): not e-mailed reads as paper; no value or an unexpected one leaves it unknown.
@pytest.mark.parametrize(
    ("tobeemailed", "channel"),
    [("T", "electronic"), ("F", "paper"), (None, None), ("X", None)],
)
def test_invoice_channel_is_electronic_when_to_be_emailed_and_paper_when_not(
    netsuite: CompiledMapping, tobeemailed: str | None, channel: str | None
) -> None:
    row = {k: v for k, v in INVOICE_ROW.items() if k != "tobeemailed"}
    if tobeemailed is not None:
        row["tobeemailed"] = tobeemailed

    assert netsuite.inbound("invoices", row).fields["channel"] == channel


def test_the_deletions_stream_is_left_to_the_gateway(netsuite: CompiledMapping) -> None:
    assert netsuite.stream_names == ("customers", "invoices", "payments")


def test_an_unknown_invoice_status_letter_is_refused_with_the_raw_value(
    netsuite: CompiledMapping,
) -> None:
    with pytest.raises(RecordMappingError) as caught:
        netsuite.inbound("invoices", {**INVOICE_ROW, "status": "X"})
    assert str(caught.value).startswith(
        "invoices 1042: field status (raw 'X' from status): unmapped value"
    )


def test_invoice_outbound_writes_the_collection_custom_fields(
    netsuite: CompiledMapping,
) -> None:
    values = netsuite.inbound("invoices", INVOICE_ROW).fields
    assert netsuite.outbound("invoice", values) == (
        "invoice",
        {
            "custbody_arb_collection_status": "promised",
            "custbody_arb_dunning_level": 2,
            "custbody_arb_promise_date": "2024-04-15",
            "custbody_arb_in_dispute": True,
        },
    )


def test_credit_memo_outbound_targets_the_credit_memo_record_type(
    netsuite: CompiledMapping,
) -> None:
    values = {"kind": "credit_memo", "dunning_level": 1, "promise_date": None}
    assert netsuite.outbound("invoice", values) == (
        "creditMemo",
        {"custbody_arb_dunning_level": 1, "custbody_arb_promise_date": None},
    )


def test_customer_outbound_writes_only_the_requested_fields(
    netsuite: CompiledMapping,
) -> None:
    values = {"collection_status": "legal", "risk_score": 87, "name": "Globex"}
    assert netsuite.outbound("customer", values, fields={"risk_score"}) == (
        "customer",
        {"custentity_arb_risk_score": 87},
    )


@pytest.mark.parametrize(
    ("object_type", "expected"),
    [
        (
            "invoice",
            {"collection_status", "dunning_level", "promise_date", "in_dispute"},
        ),
        ("customer", {"collection_status", "risk_score"}),
        ("payment", set()),
    ],
)
def test_outbound_fields_are_the_gateway_owned_collection_fields(
    netsuite: CompiledMapping, object_type: str, expected: set[str]
) -> None:
    assert netsuite.outbound_fields(object_type) == frozenset(expected)


def _as_suiteql_reads_it(value: object) -> str:
    """What SuiteQL returns for a value the REST record API stored."""
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


@pytest.mark.parametrize(
    ("stream", "object_type", "row"),
    [
        ("invoices", "invoice", INVOICE_ROW),
        ("invoices", "invoice", {**INVOICE_ROW, "custbody_arb_in_dispute": "F"}),
        ("customers", "customer", CUSTOMER_ROW),
    ],
)
def test_outbound_of_inbound_restores_the_raw_values_of_the_outbound_fields(
    netsuite: CompiledMapping, stream: str, object_type: str, row: dict[str, object]
) -> None:
    values = netsuite.inbound(stream, row).fields
    _, payload = netsuite.outbound(object_type, values)
    assert payload  # the round trip must cover something
    assert {k: _as_suiteql_reads_it(v) for k, v in payload.items()} == {
        k: row[k] for k in payload
    }
