"""Who is calling: a bearer token, or the web session of a logged-in user."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from flask import current_app, g, request, session

from gateway.api.errors import ApiError
from gateway.services.users import token_role

if TYPE_CHECKING:
    from gateway.bootstrap import Services

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: str
    via: str  # "token" or "session"


def services() -> Services:
    return current_app.extensions["arbridge"]  # type: ignore[no-any-return]


def _principal() -> Principal:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "the Authorization header must be 'Bearer <token>'")
        found = token_role(services(), token.strip())
        if found is None:
            log.info("API call with an unknown or revoked bearer token")
            raise ApiError(401, "the bearer token is not valid")
        return Principal(found[0], found[1], "token")
    # ui.auth writes these keys on login; the session cookie is signed.
    user, role = session.get("user"), session.get("role")
    if user and role:
        return Principal(str(user), str(role), "session")
    raise ApiError(401, "authentication required: send 'Authorization: Bearer <token>'")


def require_roles(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let the view run only for a caller whose role is one of ``roles``."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = _principal()
            if principal.role not in roles:
                raise ApiError(
                    403, f"role {principal.role!r} may not use this endpoint"
                )
            g.principal = principal
            return view(*args, **kwargs)

        return wrapped

    return decorate
