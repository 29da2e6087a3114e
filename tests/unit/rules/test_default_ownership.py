"""The shipped ownership defaults: they load, list every field and say what AR wants."""

from __future__ import annotations

from pathlib import Path

import pytest

import rules
from rules.canonical import FIELDS, Owner
from rules.loaders import load_ownership_yaml, parse_yaml
from rules.ownership import ConflictPolicy, DriftPolicy, FieldRule, OwnershipRules

DEFAULTS = Path(rules.__file__).parent / "defaults" / "ownership.yaml"
CATALOG = [(obj, field) for obj, fields in FIELDS.items() for field in fields]


@pytest.fixture(scope="module")
def text() -> str:
    return DEFAULTS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def default_rules(text: str) -> OwnershipRules:
    return load_ownership_yaml(text, DEFAULTS.name)


@pytest.mark.parametrize(("object_type", "field"), CATALOG)
def test_every_catalog_field_is_listed_with_all_three_settings(
    text: str, object_type: str, field: str
) -> None:
    listed = parse_yaml(text, DEFAULTS.name)["fields"]

    entry = listed[object_type][field]  # type: ignore[index]
    assert set(entry) == {"owner", "on_drift", "on_conflict"}


def test_defaults_load_and_cover_the_catalog(default_rules: OwnershipRules) -> None:
    covered = [(obj, field) for obj, field, _ in default_rules.items()]

    assert covered == CATALOG


ERP_FACT = FieldRule(Owner.ERP, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS)
ERP_FLAGGED = FieldRule(Owner.ERP, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS)
GATEWAY_STATE = FieldRule(Owner.GATEWAY, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS)
GATEWAY_FLAGGED = FieldRule(Owner.GATEWAY, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS)
SHARED_CONTACT = FieldRule(Owner.CRM, DriftPolicy.ACCEPT, ConflictPolicy.LATEST_WINS)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("customer.number", ERP_FACT),
        ("customer.credit_limit", ERP_FACT),
        ("customer.name", ERP_FLAGGED),
        ("customer.terms", ERP_FLAGGED),
        ("customer.segment", ERP_FLAGGED),
        ("customer.email", SHARED_CONTACT),
        ("customer.phone", SHARED_CONTACT),
        ("customer.collection_status", GATEWAY_STATE),
        ("customer.risk_score", GATEWAY_STATE),
        ("invoice.amount", ERP_FACT),
        ("invoice.open_amount", ERP_FACT),
        ("invoice.due_date", ERP_FACT),
        ("invoice.status", ERP_FACT),
        ("invoice.currency", ERP_FACT),
        ("invoice.customer", ERP_FACT),
        ("invoice.dunning_level", GATEWAY_STATE),
        ("invoice.collection_status", GATEWAY_STATE),
        ("invoice.promise_date", GATEWAY_FLAGGED),
        ("invoice.in_dispute", GATEWAY_FLAGGED),
        ("payment.amount", ERP_FACT),
        ("payment.allocations", ERP_FACT),
    ],
)
def test_defaults_follow_the_ar_teams_ownership(
    default_rules: OwnershipRules, path: str, expected: FieldRule
) -> None:
    object_type, field = path.split(".")

    assert default_rules.rule_for(object_type, field) == expected


def test_erp_owns_every_invoice_and_payment_fact(
    default_rules: OwnershipRules,
) -> None:
    gateway_fields = {
        "collection_status",
        "dunning_level",
        "promise_date",
        "in_dispute",
    }
    owners = {
        (obj, field): rule.owner
        for obj, field, rule in default_rules.items()
        if obj in ("invoice", "payment") and field not in gateway_fields
    }

    assert set(owners.values()) == {Owner.ERP}
