"""Users (web logins) and API tokens: hashed, never stored in clear."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum
from typing import TYPE_CHECKING

from werkzeug.security import check_password_hash, generate_password_hash

from gateway.errors import ValidationFailed
from gateway.store.accounts import find_token, find_user
from gateway.store.models import ApiToken, User

if TYPE_CHECKING:
    from gateway.bootstrap import Services


class Role(StrEnum):
    ADMIN = "admin"
    COLLECTOR = "collector"
    AUDITOR = "auditor"


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            f"role {value!r} is not one of {choices}", field="role"
        ) from None


def add_user(services: Services, username: str, password: str, role: str) -> None:
    """Create a user, or reset the password and role of an existing one."""
    checked = _role(role)
    if not username or len(username) > 64:
        raise ValidationFailed("username must be 1 to 64 characters", field="username")
    if len(password) < 8:
        raise ValidationFailed(
            "password must be at least 8 characters", field="password"
        )
    with services.uow() as uow:
        user = find_user(uow.session, username)
        if user is None:
            user = User(username=username, created_at=services.clock.now())
            uow.session.add(user)
        user.password_hash = generate_password_hash(password)
        user.role = checked.value
        uow.commit()


def authenticate(
    services: Services, username: str, password: str
) -> tuple[str, str] | None:
    """Return (username, role) when the password matches."""
    with services.read_uow() as uow:
        user = find_user(uow.session, username)
        if user is None or not check_password_hash(user.password_hash, password):
            return None
        return user.username, user.role


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(services: Services, name: str, role: str) -> str:
    """Create an API bearer token; the clear token is returned once, never stored."""
    checked = _role(role)
    token = "arb_" + secrets.token_urlsafe(32)
    with services.uow() as uow:
        uow.session.add(
            ApiToken(
                name=name,
                token_hash=token_digest(token),
                role=checked.value,
                created_at=services.clock.now(),
            )
        )
        uow.commit()
    return token


def token_role(services: Services, token: str) -> tuple[str, str] | None:
    """Return (token name, role) for a valid bearer token."""
    with services.read_uow() as uow:
        row = find_token(uow.session, token_digest(token))
        return (row.name, row.role) if row else None
