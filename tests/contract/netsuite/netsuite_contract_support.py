"""Helpers shared by the NetSuite contract tests (a unique name: not a conftest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.sandbox import NetSuiteSandbox
from adapters.retry import RetryPolicy


def make_client(
    sb: NetSuiteSandbox,
    *,
    account: str | None = None,
    token_secret: str | None = None,
    timeout: tuple[float, float] = (5.0, 60.0),
) -> NetSuiteClient:
    creds = sb.credentials
    return NetSuiteClient(
        account if account is not None else sb.account,
        creds.consumer_key,
        creds.consumer_secret,
        creds.token_id,
        token_secret if token_secret is not None else creds.token_secret,
        base_url=sb.base_url,
        retry_policy=RetryPolicy.immediate(),
        timeout=timeout,
    )


def column(rows: Sequence[Mapping[str, object]], name: str) -> list[str]:
    """One column of ``sb.query`` rows as strings."""
    return [str(row[name]) for row in rows]
