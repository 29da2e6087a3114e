"""Ownership rule documents: layering of defaults, and errors that name the key."""

from __future__ import annotations

import pytest

from rules.canonical import FIELDS, Owner
from rules.loaders import (
    RuleFileError,
    dump_ownership,
    load_ownership,
    load_ownership_yaml,
    parse_yaml,
)
from rules.ownership import ConflictPolicy, DriftPolicy, FieldRule

SOURCE = "ownership.yaml"
GLOBAL = {"owner": "erp", "on_drift": "revert", "on_conflict": "owner_wins"}
ERP_REVERT = FieldRule(Owner.ERP, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS)


def test_global_defaults_alone_give_every_catalog_field_a_rule() -> None:
    rules = load_ownership({"defaults": GLOBAL}, SOURCE)

    resolved = {(obj, field): rule for obj, field, rule in rules.items()}
    catalog = {(obj, field) for obj, fields in FIELDS.items() for field in fields}
    assert set(resolved) == catalog
    assert set(resolved.values()) == {ERP_REVERT}


@pytest.mark.parametrize(
    ("object_defaults", "field_rule", "expected"),
    [
        ({}, {}, ERP_REVERT),
        (
            {"on_drift": "flag"},
            {},
            FieldRule(Owner.ERP, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS),
        ),
        (
            {"on_drift": "flag"},
            {"owner": "gateway"},
            FieldRule(Owner.GATEWAY, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS),
        ),
        (
            {"on_drift": "flag"},
            {"on_drift": "accept", "on_conflict": "latest_wins"},
            FieldRule(Owner.ERP, DriftPolicy.ACCEPT, ConflictPolicy.LATEST_WINS),
        ),
        (
            {},
            {"owner": "crm", "on_drift": "accept", "on_conflict": "manual"},
            FieldRule(Owner.CRM, DriftPolicy.ACCEPT, ConflictPolicy.MANUAL),
        ),
        (
            {"on_drift": "flag"},
            None,
            FieldRule(Owner.ERP, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS),
        ),
    ],
)
def test_field_settings_override_object_defaults_which_override_global_ones(
    object_defaults: dict[str, str],
    field_rule: dict[str, str] | None,
    expected: FieldRule,
) -> None:
    doc = {
        "defaults": {**GLOBAL, "invoice": object_defaults},
        "fields": {"invoice": {"due_date": field_rule}},
    }

    rules = load_ownership(doc, SOURCE)

    assert rules.rule_for("invoice", "due_date") == expected
    assert rules.rule_for("customer", "name") == ERP_REVERT


def test_object_defaults_apply_only_to_their_object_type() -> None:
    doc = {"defaults": {**GLOBAL, "payment": {"owner": "crm"}}}

    rules = load_ownership(doc, SOURCE)

    assert rules.rule_for("payment", "memo").owner == Owner.CRM
    assert rules.rule_for("invoice", "memo").owner == Owner.ERP


def test_fully_listed_fields_need_no_defaults() -> None:
    fields = {obj: dict.fromkeys(names, GLOBAL) for obj, names in FIELDS.items()}

    rules = load_ownership({"fields": fields}, SOURCE)

    assert rules.rule_for("payment", "allocations") == ERP_REVERT


def test_empty_sections_count_as_empty() -> None:
    rules = load_ownership_yaml(
        "version: 1\ndefaults:\n  owner: erp\n  on_drift: revert\n"
        "  on_conflict: owner_wins\n  invoice:\nfields:\n",
        SOURCE,
    )

    assert rules.rule_for("invoice", "amount") == ERP_REVERT


def test_a_dumped_document_loads_back_to_the_same_rules() -> None:
    doc = {
        "defaults": {**GLOBAL, "customer": {"owner": "crm"}},
        "fields": {"invoice": {"dunning_level": {"owner": "gateway"}}},
    }
    rules = load_ownership(doc, SOURCE)

    dumped = dump_ownership(rules)

    assert load_ownership(dumped, SOURCE) == rules
    assert dumped["fields"]["invoice"]["dunning_level"] == {  # type: ignore[index]
        "owner": "gateway",
        "on_drift": "revert",
        "on_conflict": "owner_wins",
    }


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"defaults": GLOBAL, "fields": {"invoice": {"due_dat": {}}}},
            "ownership.yaml: fields.invoice.due_dat: unknown field"
            " (did you mean due_date?)",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoice": {"colour": {}}}},
            "ownership.yaml: fields.invoice.colour: unknown field",
        ),
        (
            # A customer field, but not an invoice field.
            {"defaults": GLOBAL, "fields": {"invoice": {"credit_limit": {}}}},
            "ownership.yaml: fields.invoice.credit_limit: unknown field",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoce": {}}},
            "ownership.yaml: fields.invoce: unknown object type"
            " (did you mean invoice?)",
        ),
        (
            {"fields": {"invoice": {"due_date": {**GLOBAL, "owner": "sap"}}}},
            "ownership.yaml: fields.invoice.due_date.owner: unknown owner 'sap'"
            " (expected one of erp, crm, gateway)",
        ),
        (
            {"defaults": {**GLOBAL, "on_drift": "ignore"}},
            "ownership.yaml: defaults.on_drift: unknown policy 'ignore'"
            " (expected one of revert, flag, accept)",
        ),
        (
            {"defaults": {**GLOBAL, "invoice": {"on_conflict": "newest_wins"}}},
            "ownership.yaml: defaults.invoice.on_conflict: unknown policy"
            " 'newest_wins' (expected one of owner_wins, latest_wins, manual)",
        ),
        (
            {"defaults": {**GLOBAL, "on_drift": "REVERT"}},
            "ownership.yaml: defaults.on_drift: unknown policy 'REVERT'"
            " (expected one of revert, flag, accept)",
        ),
        (
            {"defaults": {**GLOBAL, "owner": 1}},
            "ownership.yaml: defaults.owner: expected one of erp, crm, gateway,"
            " got int",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoice": {"due_date": {"onwer": "crm"}}}},
            "ownership.yaml: fields.invoice.due_date.onwer: unknown key"
            " (expected one of owner, on_drift, on_conflict)",
        ),
        (
            {"defaults": {**GLOBAL, "invoce": {}}},
            "ownership.yaml: defaults.invoce: unknown key (expected one of owner,"
            " on_drift, on_conflict, customer, invoice, payment)",
        ),
        (
            {"defaults": GLOBAL, "rules": {}},
            "ownership.yaml: rules: unknown key"
            " (expected one of version, defaults, fields)",
        ),
        (
            {"version": 2, "defaults": GLOBAL},
            "ownership.yaml: version: unsupported version 2 (expected 1)",
        ),
        (
            {"version": True, "defaults": GLOBAL},
            "ownership.yaml: version: unsupported version True (expected 1)",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoice": ["due_date"]}},
            "ownership.yaml: fields.invoice: expected a mapping, got a list",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoice": {"due_date": "erp"}}},
            "ownership.yaml: fields.invoice.due_date: expected a mapping, got text",
        ),
        (
            {"defaults": GLOBAL, "fields": {"invoice": {1: {}}}},
            "ownership.yaml: fields.invoice.1: keys must be text",
        ),
        (
            {"defaults": {"on_drift": "revert", "on_conflict": "owner_wins"}},
            "ownership.yaml: fields.customer.number: no owner"
            " (set it here, in defaults.customer or in defaults)",
        ),
        (
            {
                "defaults": {"owner": "erp", "on_drift": "revert"},
                "fields": {
                    obj: {name: {"on_conflict": "manual"} for name in names}
                    for obj, names in FIELDS.items()
                    if obj != "payment"
                },
            },
            "ownership.yaml: fields.payment.number: no on_conflict"
            " (set it here, in defaults.payment or in defaults)",
        ),
        (
            ["owner", "erp"],
            "ownership.yaml: expected a mapping, got a list",
        ),
    ],
)
def test_invalid_documents_name_the_file_and_the_key_path(
    doc: object, message: str
) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_ownership(doc, SOURCE)  # type: ignore[arg-type]

    assert str(caught.value) == message


def test_rule_file_error_keeps_its_parts_for_the_config_page() -> None:
    with pytest.raises(RuleFileError) as caught:
        load_ownership({"fields": {"quote": {}}}, "acme/ownership.yaml")

    error = caught.value
    assert (error.source, error.path, error.reason) == (
        "acme/ownership.yaml",
        "fields.quote",
        "unknown object type",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "fields:\n  invoice:\n    due_date: {owner: erp}\n"
            "    due_date: {owner: crm}\n",
            "ownership.yaml: line 4: duplicate key 'due_date'",
        ),
        ("defaults: [owner: erp\n", "ownership.yaml: line 2: "),
        ("- owner: erp\n", "ownership.yaml: expected a mapping, got a list"),
        ("just text\n", "ownership.yaml: expected a mapping, got text"),
        ("? [a, b]\n: 1\n", "ownership.yaml: line 1: found unhashable key"),
    ],
)
def test_yaml_problems_are_rule_file_errors_with_a_line(
    text: str, message: str
) -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_yaml(text, SOURCE)

    assert str(caught.value).startswith(message)


def test_an_empty_yaml_file_is_an_empty_document() -> None:
    assert parse_yaml("", SOURCE) == {}


def test_yaml_merge_keys_let_admins_reuse_a_rule() -> None:
    text = (
        "fields:\n  customer:\n"
        "    email: &shared {owner: crm, on_drift: accept, on_conflict: latest_wins}\n"
        "    phone: {<<: *shared, on_conflict: manual}\n"
    )

    rules = load_ownership({**parse_yaml(text, SOURCE), "defaults": GLOBAL}, SOURCE)

    assert rules.rule_for("customer", "phone") == FieldRule(
        Owner.CRM, DriftPolicy.ACCEPT, ConflictPolicy.MANUAL
    )
