"""The adapter error taxonomy, chosen by what the caller should do.

Every error carries the ``system``, the ``operation``, a redacted message and the
vendor's own code. Vendor exceptions never escape an adapter package: each client
translates them into one of these at its seam.
"""

from __future__ import annotations


class AdapterError(Exception):
    """Base of every error an adapter raises."""

    def __init__(
        self,
        system: str,
        operation: str,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        self.system = system
        self.operation = operation
        self.message = message
        self.code = code
        self.status = status
        super().__init__(f"{system} {operation}: {message}")


class TransientError(AdapterError):
    """Retry with backoff now: timeouts, 5xx, connection resets."""


class RateLimited(TransientError):  # noqa: N818 - the taxonomy name from STYLE.md
    """The remote asked us to slow down; retry after ``retry_after`` seconds if given."""

    def __init__(
        self,
        system: str,
        operation: str,
        message: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(system, operation, message, code=code, status=status)
        self.retry_after = retry_after


class AuthError(AdapterError):
    """Credentials or permissions are wrong: stop the connection and tell the admin."""


class NotFound(AdapterError):  # noqa: N818 - the name says what happened, as in the taxonomy
    """The record does not exist remotely."""


class RejectedError(AdapterError):
    """The remote refused this record; dead-letter it and keep going."""


class RetryLaterError(AdapterError):
    """A dependency is not there yet (e.g. a payment for an invoice not yet mirrored)."""


class ConfigError(AdapterError):
    """The connection settings are unusable (missing account, bad URL)."""
