"""NetSuite SuiteTalk REST adapter: client, adapter and loopback sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from adapters.errors import ConfigError
from adapters.netsuite.adapter import NetSuiteAdapter
from adapters.netsuite.client import NetSuiteClient

if TYPE_CHECKING:
    import requests

    from adapters.retry import RetryPolicy

__all__ = ["NetSuiteAdapter", "NetSuiteClient", "create_adapter"]

REQUIRED_SETTINGS: Final = (
    "account",
    "consumer_key",
    "consumer_secret",
    "token_id",
    "token_secret",
)
OPTIONAL_SETTINGS: Final = ("base_url",)


def _setting(settings: Mapping[str, object], key: str) -> str:
    value = settings[key]
    if not isinstance(value, str) or not value.strip():
        # Name the key only: the value may be a secret.
        raise ConfigError("netsuite", "configure", f"setting {key!r} must be text")
    return value


def create_adapter(
    name: str,
    settings: Mapping[str, object],
    *,
    session: requests.Session | None = None,
    retry_policy: RetryPolicy | None = None,
) -> NetSuiteAdapter:
    """Build a NetSuite adapter for one configured connection.

    Args:
        name: The connection's name (for logs and errors).
        settings: ``account``, ``consumer_key``, ``consumer_secret``, ``token_id``,
            ``token_secret`` and optionally ``base_url``; nothing else.
        session: HTTP session to use (tests and the sandbox inject one).
        retry_policy: Retry policy; the default backs off exponentially.

    Raises:
        ConfigError: A setting is missing, unknown or not text. The message names the
            key, never a value.
    """
    unknown = sorted(set(settings) - set(REQUIRED_SETTINGS) - set(OPTIONAL_SETTINGS))
    if unknown:
        raise ConfigError(
            "netsuite", "configure", f"{name}: unknown setting(s) {', '.join(unknown)}"
        )
    missing = [key for key in REQUIRED_SETTINGS if key not in settings]
    if missing:
        raise ConfigError(
            "netsuite", "configure", f"{name}: missing setting(s) {', '.join(missing)}"
        )
    base_url = _setting(settings, "base_url") if "base_url" in settings else None
    client = NetSuiteClient(
        _setting(settings, "account"),
        _setting(settings, "consumer_key"),
        _setting(settings, "consumer_secret"),
        _setting(settings, "token_id"),
        _setting(settings, "token_secret"),
        base_url=base_url,
        session=session,
        retry_policy=retry_policy,
    )
    return NetSuiteAdapter(client)
