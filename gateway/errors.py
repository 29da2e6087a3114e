"""Errors the gateway raises to its callers (CLI, API, pages)."""

from __future__ import annotations


class GatewayError(Exception):
    """Base of gateway errors; the message is safe to show a user."""


class ConfigError(GatewayError):
    """Configuration is missing or invalid (settings, connections, mapping, rules)."""


class UnknownConnection(ConfigError):  # noqa: N818 - reads as the condition it names
    """A connection name is not in the connections file."""


class LeaseHeld(GatewayError):  # noqa: N818
    """Another process holds the lease for this stream."""


class StaleBinding(GatewayError):  # noqa: N818
    """Another process bound the same remote record meanwhile (e.g. the outbox
    worker recording a payment it just created); re-applying the page resolves it."""


class AuditChainBroken(GatewayError):  # noqa: N818
    """The audit log's hash chain does not verify."""


class ValidationFailed(GatewayError):  # noqa: N818
    """Input from an API caller or a form is invalid; names the field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
