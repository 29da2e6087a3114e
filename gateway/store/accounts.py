"""Lookups of users and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.store.models import ApiToken, User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def find_token(session: Session, digest: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def count_users(session: Session) -> int:
    return len(session.scalars(select(User.id)).all())
