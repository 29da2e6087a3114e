"""The account page's update form: only what the collector changed is sent, typed as
the API types it; the messages name the invoice and the fields."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from gateway.api.write_support import STATUS
from gateway.errors import ValidationFailed
from gateway.queries.account import AccountItem
from gateway.services.write_errors import OwnershipRefused
from ui.accounts import forms

SHOWN = {"shown_collection_status": "reminded", "shown_in_dispute": "no",
         "shown_dunning_level": "1", "shown_promise_date": ""}  # fmt: skip
UNTOUCHED = {"collection_status": "reminded", "dunning_level": "1", "promise_date": ""}


def _form(**fields: str | None) -> MultiDict[str, str]:
    data = {**SHOWN, **UNTOUCHED, **fields}
    return MultiDict({k: v for k, v in data.items() if v is not None})


def test_the_form_shows_the_mirror_values_as_the_text_it_posts() -> None:
    item = AccountItem(
        id=7, number="INV-7", kind="invoice", currency="EUR", issue_date=None,
        due_date=None, days_past_due=0, open_amount=None, in_dispute=True,
        dunning_level=0, promise_date=date(2026, 3, 1), collection_status="legacy",
    )  # fmt: skip

    assert forms.shown(item) == {
        "collection_status": "",  # not one of ours: the form offers ours
        "in_dispute": "yes",
        "dunning_level": "0",
        "promise_date": "2026-03-01",
    }


CHANGES: list[tuple[str, dict[str, Any], dict[str, object]]] = [
    ("untouched", {}, {}),
    ("status", {"collection_status": "promised"}, {"collection_status": "promised"}),
    ("box ticked", {"in_dispute": "yes"}, {"in_dispute": True}),
    ("box unticked", {"shown_in_dispute": "yes"}, {"in_dispute": False}),
    ("dunning level", {"dunning_level": " 3 "}, {"dunning_level": 3}),
    ("promise date set", {"promise_date": "2026-02-01"},
     {"promise_date": date(2026, 2, 1)}),
    ("promise date cleared", {"shown_promise_date": "2026-02-01"},
     {"promise_date": None}),
    ("fields not on the form", {"shown_in_dispute": None, "dunning_level": None,
                                "promise_date": None}, {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"), [pytest.param(f, e, id=n) for n, f, e in CHANGES]
)
def test_only_the_changed_fields_are_sent_typed(
    fields: dict[str, Any], expected: dict[str, object]
) -> None:
    assert forms.invoice_edits(_form(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"dunning_level": "ten"}, "dunning_level"),
        ({"dunning_level": "1.5"}, "dunning_level"),
        ({"dunning_level": ""}, "dunning_level"),
        ({"collection_status": ""}, "collection_status"),
        ({"promise_date": "tomorrow"}, "promise_date"),
    ],
)
def test_text_the_api_would_refuse_is_refused_naming_the_field(
    fields: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        forms.invoice_edits(_form(**fields))

    assert refused.value.field == field
    message = forms.edit_refused("INV-7", refused.value)
    assert message.startswith(f"INV-7 not updated: {forms.LABELS[field]} ")


def test_the_message_after_saving_lists_each_change_in_form_order() -> None:
    values = {"collection_status": "promised", "in_dispute": True,
              "dunning_level": 2, "promise_date": None}  # fmt: skip

    done = forms.edit_done("INV-1", ["collection_status", "in_dispute"], values)
    cleared = forms.edit_done("INV-1", ["dunning_level", "promise_date"], values)

    assert done == "INV-1: collection status → promised; in dispute → yes"
    assert cleared == "INV-1: dunning level → 2; promise date → none"
    assert forms.edit_done("INV-1", [], values) == "INV-1: nothing changed"


def test_a_refusal_has_the_status_the_api_gives_it() -> None:
    refused = OwnershipRefused("dunning_level is owned by erp", field="dunning_level")

    assert forms.REFUSAL_STATUS == STATUS
    assert forms.refusal_status(refused) == 409
    assert forms.refusal_status(ValidationFailed("bad", field="x")) == 400
    assert forms.edit_refused("INV-1", refused) == (
        "INV-1 not updated: dunning_level is owned by erp"
    )
