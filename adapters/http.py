"""Shared HTTP plumbing for adapters: session defaults, timeouts, redacted logging."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

logger = logging.getLogger(__name__)

#: (connect, read) seconds: fail fast on an unreachable host, but give slow remote
#: queries (SuiteQL over large tables) a minute to answer.
DEFAULT_TIMEOUT: Final[tuple[float, float]] = (5.0, 60.0)

DEFAULT_USER_AGENT: Final = "ARBridge/0.1"

REDACTED: Final = "***"

# Header names (lower-case) whose values are credentials, and name fragments that
# mark a header as secret-bearing even when we have never seen it before.
_SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie"}
)
_SECRET_FRAGMENTS: Final = ("secret", "token", "password", "signature", "api-key")


def build_session(
    user_agent: str = DEFAULT_USER_AGENT, *, pool_size: int = 10
) -> requests.Session:
    """Return a ``requests.Session`` with ARBridge's defaults.

    urllib3's own retries are switched off: retrying is ``adapters.retry``'s job, and a
    transport that silently re-sends a POST could double-post.

    Args:
        user_agent: The ``User-Agent`` header sent on every request.
        pool_size: Connections kept per host.

    Returns:
        A new session; the caller owns it and must close it.
    """
    session = requests.Session()
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    adapter = HTTPAdapter(
        pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def is_secret_header(name: str) -> bool:
    """Return whether a header's value must never be logged."""
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(f in lowered for f in _SECRET_FRAGMENTS)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``headers`` with credential values replaced by ``***``."""
    return {k: (REDACTED if is_secret_header(k) else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """Drop user info and the query string, which may carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def log_exchange(
    log: logging.Logger,
    method: str,
    url: str,
    status: int | None,
    elapsed: float,
) -> None:
    """Log one request/response pair at DEBUG, without headers, bodies or query.

    Args:
        log: The caller's module logger.
        method: HTTP method.
        url: Full URL; it is redacted before logging.
        status: Response status, or ``None`` when no response arrived.
        elapsed: Seconds spent.
    """
    log.debug("%s %s -> %s in %.3fs", method, redact_url(url), status, elapsed)
