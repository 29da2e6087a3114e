from __future__ import annotations

import logging

import pytest

from adapters.http import (
    DEFAULT_TIMEOUT,
    build_session,
    log_exchange,
    redact_headers,
    redact_url,
)


def test_session_sends_user_agent_and_json_accept_and_never_retries_itself() -> None:
    with build_session("ARBridge-test/1") as session:
        assert session.headers["User-Agent"] == "ARBridge-test/1"
        assert session.headers["Accept"] == "application/json"
        adapter = session.get_adapter("https://example.invalid/")
        assert adapter.max_retries.total == 0  # type: ignore[attr-defined]


def test_default_timeout_is_connect_then_read() -> None:
    connect, read = DEFAULT_TIMEOUT
    assert connect < read


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "authorization",
        "Proxy-Authorization",
        "Cookie",
        "X-Api-Key",
        "X-Token-Secret",
    ],
)
def test_secret_headers_are_redacted(name: str) -> None:
    assert redact_headers({name: "s3cr3t"}) == {name: "***"}


def test_ordinary_headers_are_kept() -> None:
    headers = {"Content-Type": "application/json", "Prefer": "transient"}
    assert redact_headers(headers) == headers


def test_redact_url_drops_userinfo_and_query() -> None:
    url = "https://user:pw@host.example:8443/path?token=abc&limit=5"
    assert redact_url(url) == "https://host.example:8443/path"


def test_log_exchange_logs_no_query_string(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test.http")
    with caplog.at_level(logging.DEBUG, logger="test.http"):
        log_exchange(log, "GET", "https://h/p?secret=1", 200, 0.1)
    assert "secret" not in caplog.text
    assert "GET https://h/p -> 200" in caplog.text
