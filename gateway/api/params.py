"""Query-string parsing: a bad value is a 400 that names the parameter."""

from __future__ import annotations

import re
from collections.abc import Collection

from flask import request

from gateway.api.errors import ApiError

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, f"query parameter {name!r} {message}", field=name)


def optional_integer(name: str, *, low: int = 1, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, f"must be a whole number, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise _bad(name, f"must be {limit}, not {value}")
    return value


def integer(name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
    value = optional_integer(name, low=low, high=high)
    return default if value is None else value


def paging() -> tuple[int, int]:
    return integer("page", 1), integer("per_page", DEFAULT_PER_PAGE, high=MAX_PER_PAGE)


def choice(name: str, choices: Collection[str]) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise _bad(name, f"must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def boolean(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return _BOOLEANS[raw.lower()]
    except KeyError:
        raise _bad(name, f"must be true or false, not {raw!r}") from None


def currency(name: str = "currency") -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not _CURRENCY.match(raw):
        raise _bad(name, f"must be a three-letter currency code, not {raw!r}")
    return raw.upper()


def text(name: str, *, max_length: int = 200) -> str | None:
    raw = (request.args.get(name) or "").strip()
    if len(raw) > max_length:
        raise _bad(name, f"must be at most {max_length} characters")
    return raw or None
