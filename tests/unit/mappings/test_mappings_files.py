"""Bad mapping files are refused at load time, naming the file, the line and the path."""

from __future__ import annotations

import pytest

from mappings import MappingFileError, load_mapping

# Field rules in FIELDS_AT_7 start on line 7.
FIELDS_AT_7 = """\
system: netsuite
streams:
  invoices:
    object_type: invoice
    key: id
    fields:
{rules}"""

FIELD_CASES = [
    pytest.param(
        "      amount: {from: foreigntotal, via: decmal}\n",
        7,
        "streams.invoices.fields.amount.via",
        "unknown transform 'decmal' (did you mean 'decimal'?)",
        id="unknown-transform",
    ),
    pytest.param(
        "      memo: {from: memo}\n      amout: {from: foreigntotal, via: decimal}\n",
        8,
        "streams.invoices.fields.amout",
        "unknown canonical field 'amout' for invoice (known: amount, ",
        id="unknown-canonical-field",
    ),
    pytest.param(
        "      memo: {from: memo}\n      amount:\n        via: decimal\n",
        8,
        "streams.invoices.fields.amount",
        "missing 'from' (the raw field to read) or 'const'",
        id="missing-from",
    ),
    pytest.param(
        "      amount:\n        from: t\n        args: {places: two}\n",
        9,
        "streams.invoices.fields.amount.args.places",
        "expected a whole number",
        id="bad-arg-type",
    ),
    pytest.param(
        "      amount:\n        from: t\n        args:\n          precision: 2\n",
        10,
        "streams.invoices.fields.amount.args.precision",
        "unknown key",
        id="unknown-arg",
    ),
    pytest.param(
        "      in_dispute: {from: d, via: bool, args: {true: T}}\n",
        7,
        "streams.invoices.fields.in_dispute.args.True",
        "YAML read the key True as a boolean",
        id="yaml-boolean-arg-key",
    ),
    pytest.param(
        "      kind: {from: type, via: value_map, args: {map: {CustInvc: invoyce}}}\n",
        7,
        "streams.invoices.fields.kind.args.map.CustInvc",
        "'invoyce' is not one of: invoice, credit_memo",
        id="value-map-to-unknown-choice",
    ),
    pytest.param(
        "      status: {from: s, via: value_map, args: {map: {on: open}}}\n",
        7,
        "streams.invoices.fields.status.args.map.True",
        "YAML read this key as true/false/null: quote it",
        id="value-map-boolean-key",
    ),
    pytest.param(
        "      issue_date: {from: d, via: date, args: {format: '%Y-%m'}}\n",
        7,
        "streams.invoices.fields.issue_date.args.format",
        "format '%Y-%m' does not hold a whole date",
        id="date-format-without-day",
    ),
    pytest.param(
        "      due_date: {from: d, via: decimal}\n",
        7,
        "streams.invoices.fields.due_date.via",
        "transform 'decimal' cannot map a field of type date",
        id="transform-of-wrong-type",
    ),
    pytest.param(
        "      in_dispute: {const: 'yes'}\n",
        7,
        "streams.invoices.fields.in_dispute.const",
        "expected true or false",
        id="const-of-wrong-type",
    ),
    pytest.param(
        "      amount: {from: t, via: decimal, default: lots}\n",
        7,
        "streams.invoices.fields.amount.default",
        "expected a decimal number",
        id="default-of-wrong-type",
    ),
    pytest.param(
        "      number: {from: t, required: true, default: x}\n",
        7,
        "streams.invoices.fields.number",
        "'required' and 'default' exclude each other",
        id="required-and-default",
    ),
    pytest.param(
        "      number: {from: no}\n",
        7,
        "streams.invoices.fields.number.from",
        "expected text (quote it if it reads as yes/no/on/off/true/false)",
        id="unquoted-yaml-boolean-column",
    ),
    pytest.param(
        "      memo: {from: m, via: str, requird: true}\n",
        7,
        "streams.invoices.fields.memo.requird",
        "unknown key",
        id="misspelt-option",
    ),
    pytest.param(
        "      memo: {from: m}\n      memo: {from: n}\n",
        8,
        "streams.invoices.fields.memo",
        "duplicate key 'memo' (YAML keeps the last)",
        id="duplicate-field",
    ),
    pytest.param(
        "      memo: {from: m\n      number: {from: n}\n",
        8,
        "",
        "not valid YAML: ",
        id="yaml-syntax-error",
    ),
    pytest.param(
        "      memo: from\n",
        7,
        "streams.invoices.fields.memo",
        "expected a mapping (key: value lines)",
        id="rule-not-a-mapping",
    ),
]


def refused(text: str) -> MappingFileError:
    with pytest.raises(MappingFileError) as caught:
        load_mapping(text, "bad.yaml")
    return caught.value


@pytest.mark.parametrize(("rules", "line", "path", "reason"), FIELD_CASES)
def test_bad_field_rule_is_refused_with_file_line_and_path(
    rules: str, line: int, path: str, reason: str
) -> None:
    error = refused(FIELDS_AT_7.format(rules=rules))
    where = f"bad.yaml:{line}: {path}: " if path else f"bad.yaml:{line}: "
    assert str(error).startswith(where + reason), str(error)
    assert (error.source, error.line, error.path) == ("bad.yaml", line, path)


FILE_CASES = [
    pytest.param("", 1, "", "the mapping file is empty", id="empty"),
    pytest.param("- a\n- b\n", 1, "", "expected a mapping", id="not-a-mapping"),
    pytest.param(
        "system: netsuite\n", 1, "streams", "missing (required)", id="no-streams"
    ),
    pytest.param(
        "system: x\nversion: 2\nstreams: {}\n",
        2,
        "version",
        "Must be equal to 1",
        id="future-version",
    ),
    pytest.param(
        "system: x\nstreams:\n  s: {object_type: widget, key: id, fields: {}}\n",
        3,
        "streams.s.object_type",
        "Must be one of: customer, invoice, payment",
        id="unknown-object-type",
    ),
    pytest.param(
        "system: x\nstreams:\n  s:\n    object_type: invoice\n    fields: {}\n",
        3,
        "streams.s.key",
        "missing (required)",
        id="stream-without-key",
    ),
    pytest.param(
        "system: x\nstreams:\n  s:\n    object_type: invoice\n    key: id\n"
        "    modified: {from: ts, args: {tz: Mars/Olympus}}\n    fields: {}\n",
        6,
        "streams.s.modified.args.tz",
        "unknown time zone 'Mars/Olympus'",
        id="unknown-time-zone",
    ),
    pytest.param(
        "system: x\nstreams:\n  s:\n    object_type: invoice\n    key: id\n"
        "    modified: {from: ts, via: date}\n    fields: {}\n",
        6,
        "streams.s.modified.via",
        "transform 'date' cannot map a field of type datetime",
        id="modified-not-a-datetime",
    ),
    pytest.param(
        "system: x\nstreams: {}\noutbound:\n  invoice:\n    record_type: invoice\n"
        "    fields:\n      custbody_x: {from: dunning_levl, via: int}\n",
        7,
        "outbound.invoice.fields.custbody_x.from",
        "unknown canonical field 'dunning_levl' for invoice",
        id="outbound-unknown-canonical-field",
    ),
    pytest.param(
        "system: x\nstreams: {}\noutbound:\n  invoice:\n    record_type: invoice\n"
        "    fields:\n      custbody_x: {from: memo, const: x}\n",
        7,
        "outbound.invoice.fields.custbody_x",
        "give one of 'from' (canonical field) or 'const'",
        id="outbound-from-and-const",
    ),
    pytest.param(
        "system: x\nstreams: {}\noutbound:\n  widget: {record_type: w, fields: {}}\n",
        4,
        "outbound.widget",
        "unknown object type 'widget'",
        id="outbound-unknown-object-type",
    ),
    pytest.param(
        "system: x\nstreams: {}\noutbound:\n  invoice:\n    fields: {}\n",
        4,
        "outbound.invoice.record_type",
        "missing (required)",
        id="outbound-without-record-type",
    ),
]


@pytest.mark.parametrize(("text", "line", "path", "reason"), FILE_CASES)
def test_bad_file_structure_is_refused_with_line_and_path(
    text: str, line: int, path: str, reason: str
) -> None:
    error = refused(text)
    where = f"bad.yaml:{line}: {path}: " if path else f"bad.yaml:{line}: "
    assert str(error).startswith(where + reason), str(error)


def test_every_problem_in_a_file_is_reported_in_line_order() -> None:
    error = refused(
        FIELDS_AT_7.format(
            rules="      amount: {from: t, via: decmal}\n"
            "      memo: {from: m}\n"
            "      amout: {from: t}\n"
        )
    )
    assert [(p.line, p.path) for p in error.problems] == [
        (7, "streams.invoices.fields.amount.via"),
        (9, "streams.invoices.fields.amout"),
    ]
    assert len(str(error).splitlines()) == 2


def test_a_good_file_loads() -> None:
    mapping = load_mapping(
        FIELDS_AT_7.format(rules="      memo: {from: m}\n"), "ok.yaml"
    )
    assert mapping.inbound("invoices", {"id": "1", "m": "hi"}).fields == {"memo": "hi"}
