"""Turn a refused write from the services into the API's error answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g

from gateway.api.errors import ApiError
from gateway.services.write_errors import (
    InvalidInput,
    NotFoundError,
    OwnershipRefused,
    StateConflict,
    WriteRefused,
)

STATUS: dict[type[WriteRefused], int] = {
    NotFoundError: 404,
    InvalidInput: 422,
    OwnershipRefused: 409,
    StateConflict: 409,
}


@contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except WriteRefused as exc:
        message = exc.message
        if exc.field and not message.startswith(exc.field):
            message = f"{exc.field}: {message}"  # as body.bad() words it
        raise ApiError(STATUS.get(type(exc), 400), message, field=exc.field) from exc


def actor() -> str:
    """Who the audit log names: the user, or the API token's name."""
    return str(g.principal.name)[:64]  # the audit log's actor column
