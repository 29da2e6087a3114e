"""Shared helpers for the NetSuite sandbox contract tests (imported by the tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests
from requests_oauthlib import OAuth1

from adapters.netsuite.sandbox import NetSuiteSandbox

ANCHOR = date(2025, 6, 30)
SUITEQL = "/services/rest/query/v1/suiteql"
RECORD = "/services/rest/record/v1"


def make_auth(sandbox: NetSuiteSandbox, **overrides: Any) -> OAuth1:
    """OAuth1 exactly as the adapter builds it, with optional overrides for tests."""
    creds = sandbox.credentials
    kwargs: dict[str, Any] = {
        "client_key": creds.consumer_key,
        "client_secret": creds.consumer_secret,
        "resource_owner_key": creds.token_id,
        "resource_owner_secret": creds.token_secret,
        "signature_method": "HMAC-SHA256",
        "realm": sandbox.account,
    }
    kwargs.update(overrides)
    return OAuth1(**kwargs)


class Api:
    """A thin signed client over one requests.Session."""

    def __init__(self, sandbox: NetSuiteSandbox, session: requests.Session) -> None:
        self.sandbox = sandbox
        self.session = session
        assert sandbox.base_url is not None
        self.base = sandbox.base_url

    def suiteql(
        self,
        q: str,
        *,
        limit: int | None = 1000,
        offset: int | None = 0,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        params = {
            k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None
        }
        return self.session.post(
            self.base + SUITEQL,
            params=params,
            json={"q": q},
            headers={"Prefer": "transient"} if headers is None else headers,
            timeout=30,
        )

    def rows(self, q: str) -> list[dict[str, Any]]:
        response = self.suiteql(q)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    def record(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "X-NetSuite-PropertyNameValidation": "error",
            **kwargs.pop("headers", {}),
        }
        return self.session.request(
            method, self.base + RECORD + path, headers=headers, timeout=30, **kwargs
        )


def error_code(response: requests.Response) -> str:
    """The first ``o:errorCode`` of a NetSuite error body."""
    return str(response.json()["o:errorDetails"][0]["o:errorCode"])
