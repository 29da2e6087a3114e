"""Login state, role checks and the per-session CSRF token for forms."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for

P = ParamSpec("P")
R = TypeVar("R")
CSRF_FIELD = "csrf_token"
# Where each role lands after login; gateway.api reads the same session keys.
HOME = {
    "admin": "worklist.index",
    "collector": "worklist.index",
    "auditor": "audit.index",
}


def current_user() -> tuple[str, str] | None:
    user, role = session.get("user"), session.get("role")
    return (str(user), str(role)) if user and role else None


def log_in(username: str, role: str) -> None:
    # A fresh session on login, so a session id planted before login is useless.
    session.clear()
    session["user"] = username
    session["role"] = role


def log_out() -> None:
    session.clear()


def home_endpoint(role: str) -> str:
    return HOME.get(role, "auth.login")


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login would help phishers."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target


def login_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Send anonymous users to the login form; answer 403 to a role without access."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            user = current_user()
            if user is None:
                target = request.full_path.rstrip("?")
                return redirect(url_for("auth.login", next=target))  # type: ignore[return-value]
            if roles and user[1] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def csrf_ok() -> bool:
    expected = session.get("csrf")
    sent = request.form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(str(expected), sent)
