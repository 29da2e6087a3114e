"""Why a write through the API or a page was refused; the message names the field.

The classes say what kind of refusal it is, not which HTTP status to send: the API
maps them to statuses in one table (gateway.api.write_support); the account page
answers with the same statuses (ui.accounts.forms, kept equal by a test).
"""

from __future__ import annotations

from gateway.errors import ValidationFailed


class WriteRefused(ValidationFailed):
    """Base: nothing was changed; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.message = message


class NotFoundError(WriteRefused):
    """The record addressed by the URL does not exist."""


class InvalidInput(WriteRefused):
    """Well-formed input that does not fit the data (unknown invoice, over-allocation)."""


class OwnershipRefused(WriteRefused):
    """The field is owned by another system; change it there."""


class StateConflict(WriteRefused):
    """The record is not in a state that allows this (already resolved, key reused)."""
