"""NetSuite outcomes -> the adapter error taxonomy: one table, one context manager.

Retry safety matters as much as the class: a ``POST`` that failed *before* NetSuite
acted (connection refused, connect timeout, 429, 503) can be sent again, but one whose
response was lost (read timeout, dropped connection, 500/502/504) may already have
created its record. For non-idempotent requests the latter become
:class:`OutcomeUnknown`, which ``RetryPolicy`` is told not to retry blindly; the
adapter looks the record up by external id instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final

import requests
from urllib3.exceptions import NewConnectionError

from adapters.errors import (
    AdapterError,
    AuthError,
    ConfigError,
    NotFound,
    RateLimited,
    RejectedError,
    TransientError,
)

logger = logging.getLogger(__name__)

SYSTEM: Final = "netsuite"

_MAX_BODY_SNIPPET: Final = 200


class OutcomeUnknown(TransientError):  # noqa: N818 - named for what the caller knows
    """A non-idempotent request may or may not have been applied remotely.

    Transient (try again later), but never by blind re-sending: look the record up by
    its external id first.
    """


#: Status -> error class. 503 and 429 are answered before NetSuite acts, so they are
#: safe to resend even for a create; other 5xx are resolved by :func:`error_class_for`.
STATUS_ERRORS: Final[Mapping[int, type[AdapterError]]] = {
    400: RejectedError,
    401: AuthError,
    403: AuthError,
    404: NotFound,
    408: TransientError,
    429: RateLimited,
    503: TransientError,
}


def error_class_for(status: int, *, idempotent: bool) -> type[AdapterError]:
    """Return the taxonomy class for an HTTP error status.

    Args:
        status: The HTTP status (>= 300).
        idempotent: Whether re-sending the request is harmless.
    """
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return TransientError if idempotent else OutcomeUnknown
    return RejectedError


def parse_retry_after(value: str | None) -> float | None:
    """Parse a ``Retry-After`` header (delta seconds or HTTP date) into seconds."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def describe_body(response: requests.Response) -> tuple[str, str | None]:
    """Return ``(message, first o:errorCode)`` from a NetSuite error response."""
    try:
        body = response.json()
    except ValueError:
        snippet = " ".join(response.text.split())[:_MAX_BODY_SNIPPET]
        return f"HTTP {response.status_code}: {snippet or response.reason}", None
    details = body.get("o:errorDetails") if isinstance(body, dict) else None
    if not isinstance(details, list) or not details:
        title = body.get("title") if isinstance(body, dict) else None
        return f"HTTP {response.status_code}: {title or response.reason}", None
    parts: list[str] = []
    codes: list[str] = []
    for item in details:
        if not isinstance(item, dict):
            continue
        code = item.get("o:errorCode")
        if isinstance(code, str):
            codes.append(code)
        text = f"{code or 'ERROR'}: {item.get('detail', '')}"
        path = item.get("o:errorPath") or item.get("o:errorQueryParam")
        parts.append(f"{text} (at {path})" if path else text)
    message = f"HTTP {response.status_code}: " + "; ".join(parts)
    return message, (codes[0] if codes else None)


def error_from_response(
    response: requests.Response, operation: str, *, idempotent: bool
) -> AdapterError:
    """Build the taxonomy error for a non-2xx NetSuite response.

    Args:
        response: The error response (its body is read, never the request headers).
        operation: What we were doing, for the message.
        idempotent: Whether re-sending the request is harmless.
    """
    status = response.status_code
    message, code = describe_body(response)
    cls = error_class_for(status, idempotent=idempotent)
    if cls is RateLimited:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(
            SYSTEM,
            operation,
            message,
            retry_after=retry_after,
            code=code,
            status=status,
        )
    return cls(SYSTEM, operation, message, code=code, status=status)


def _failed_before_sending(exc: requests.RequestException) -> bool:
    """Whether the request certainly never reached NetSuite."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause: BaseException | None = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError)


_CONFIG_FAILURES: Final = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)


@contextmanager
def translate_errors(operation: str, *, idempotent: bool) -> Iterator[None]:
    """Turn transport exceptions raised inside the block into taxonomy errors.

    Args:
        operation: What we were doing, for the message.
        idempotent: Whether re-sending the request is harmless; if not, failures that
            may have happened after NetSuite acted raise :class:`OutcomeUnknown`.

    Raises:
        ConfigError: The base URL is unusable.
        TransientError: The transport failed (timeouts, resets, lost responses).
    """
    try:
        yield
    except _CONFIG_FAILURES as exc:
        raise ConfigError(SYSTEM, operation, f"unusable URL: {exc}") from exc
    except requests.RequestException as exc:
        # str(exc) names host and path only; requests never puts headers in it.
        message = f"{type(exc).__name__}: {exc}"
        if idempotent or _failed_before_sending(exc):
            raise TransientError(SYSTEM, operation, message) from exc
        raise OutcomeUnknown(SYSTEM, operation, message) from exc
