"""Typing an invoice edit's values: the checks the API and the account page share."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.errors import ValidationFailed
from gateway.services.invoice_edits import parse_edit

GOOD: list[tuple[str, object, object]] = [
    ("dunning_level", 0, 0),
    ("dunning_level", 9, 9),
    ("in_dispute", False, False),
    ("promise_date", "2026-02-28", date(2026, 2, 28)),
    ("promise_date", None, None),
    ("collection_status", "legal", "legal"),
    ("due_date", "2027-01-01", "2027-01-01"),  # left for the ownership check
]
BAD: list[tuple[str, object, str]] = [
    ("dunning_level", 10, "must be from 0 to 9, not 10"),
    ("dunning_level", -1, "must be from 0 to 9, not -1"),
    ("dunning_level", "2", "must be a whole number from 0 to 9, not '2'"),
    ("dunning_level", True, "must be a whole number from 0 to 9, not True"),
    ("in_dispute", "yes", "must be true or false, not 'yes'"),
    ("promise_date", "2026-02-30", "'2026-02-30' is not a valid date"),
    ("promise_date", "30.01.2026", "must be an ISO date like 2026-01-31"),
    ("collection_status", "paid", "must be one of none, reminded, promised"),
    ("collection_status", None, "not None"),
]


@pytest.mark.parametrize(("name", "value", "expected"), GOOD)
def test_acceptable_values_are_typed(
    name: str, value: object, expected: object
) -> None:
    assert parse_edit(name, value) == expected


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_a_bad_value_is_refused_naming_the_field(
    name: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_edit(name, value)

    assert refused.value.field == name
    assert message in str(refused.value)
    assert not str(refused.value).startswith(name)  # each surface adds the name
