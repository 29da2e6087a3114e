"""The account page's forms: their text typed for the use cases, and what the page
says afterwards.

The update form of an invoice carries, beside each field, the value it showed
(``shown_<field>``). Only the fields the collector changed are sent to
:func:`~gateway.services.invoice_edits.edit_invoice`, so saving one field never
writes back the stale value of another that a colleague changed meanwhile, and a
dispute flag the mirror does not know (``None``) is not turned into "no" by an
unticked box.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from gateway.services.invoice_edits import COLLECTION_STATUSES, parse_edit
from gateway.services.write_errors import (
    InvalidInput,
    NotFoundError,
    OwnershipRefused,
    StateConflict,
    WriteRefused,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.datastructures import MultiDict

    from gateway.errors import ValidationFailed
    from gateway.queries.account import AccountItem

# In the order the form shows them (and the messages list them).
FIELDS = ("collection_status", "in_dispute", "dunning_level", "promise_date")
LABELS = {
    "collection_status": "collection status",
    "in_dispute": "in dispute",
    "dunning_level": "dunning level",
    "promise_date": "promise date",
}
SHOWN = "shown_"
CHECKED = "yes"
# The API's statuses for the same refusals (gateway.api.write_support.STATUS; a
# test keeps the two equal). A value the form could not type is a 400.
REFUSAL_STATUS: dict[type[WriteRefused], int] = {
    NotFoundError: 404,
    InvalidInput: 422,
    OwnershipRefused: 409,
    StateConflict: 409,
}
_WHOLE = re.compile(r"^[+-]?[0-9]+$")


def shown(item: AccountItem) -> dict[str, str]:
    """What the update form of ``item`` shows, as the text it posts back."""
    status = item.collection_status
    return {
        "collection_status": status if status in COLLECTION_STATUSES else "",
        "in_dispute": CHECKED if item.in_dispute else "no",
        "dunning_level": "" if item.dunning_level is None else str(item.dunning_level),
        "promise_date": item.promise_date.isoformat() if item.promise_date else "",
    }


def refilled(form: MultiDict[str, str]) -> dict[str, str]:
    """A refused update form's values as the collector left them, to show again."""
    return {name: _posted(form, name) or "" for name in FIELDS}


def _posted(form: MultiDict[str, str], name: str) -> str | None:
    """The field's text; None when the form did not have the field at all."""
    if name == "in_dispute":
        # An unticked box sends nothing: the "shown" marker says it was there.
        if name in form:
            return CHECKED
        return "no" if SHOWN + name in form else None
    value = form.get(name)
    return None if value is None else value.strip()


def _typed(name: str, text: str) -> object:
    """Form text as the JSON value the API would get for it."""
    if name == "in_dispute":
        return text == CHECKED
    if name == "promise_date":
        return text or None
    if name == "dunning_level" and _WHOLE.match(text):
        return int(text)
    return text  # a status, or text parse_edit refuses naming the field


def invoice_edits(form: MultiDict[str, str]) -> dict[str, object]:
    """The changed fields, typed and checked.

    Raises:
        ValidationFailed: a value is not acceptable (names the field).
    """
    values: dict[str, object] = {}
    for name in FIELDS:
        text = _posted(form, name)
        if text is None or text == form.get(SHOWN + name):
            continue
        values[name] = parse_edit(name, _typed(name, text))
    return values


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    return value.isoformat() if isinstance(value, date) else str(value)


def edit_done(number: str, changed: Sequence[str], values: Mapping[str, Any]) -> str:
    """``INV-1: collection status → promised; in dispute → yes``."""
    if not changed:
        return f"{number}: nothing changed"
    parts = [f"{LABELS.get(n, n)} → {_value(values[n])}" for n in changed]
    return f"{number}: {'; '.join(parts)}"


def edit_refused(number: str, exc: ValidationFailed) -> str:
    """The page's error for a refused update, naming the invoice and the field."""
    if isinstance(exc, WriteRefused):  # the service's words name the field already
        return f"{number} not updated: {exc}"
    label = LABELS.get(exc.field or "", exc.field or "value")
    return f"{number} not updated: {label} {exc}"


def refusal_status(exc: ValidationFailed) -> int:
    if isinstance(exc, WriteRefused):
        return REFUSAL_STATUS.get(type(exc), 400)
    return 400


def promise_input(form: MultiDict[str, str], customer_id: int) -> dict[str, Any]:
    """The promise form as :func:`gateway.services.promises.parse_promise` takes it.

    The customer is the account's (from the URL), never a form field.
    """
    return {
        "customer": customer_id,
        "amount": form.get("amount", "").strip(),
        "currency": form.get("currency"),
        "date": form.get("date"),
        "invoices": form.getlist("invoices") or None,
        "tolerance_days": form.get("tolerance_days", "").strip(),
    }
