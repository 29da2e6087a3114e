"""Unit of work: one session and one transaction; rolls back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """``with UnitOfWork(factory) as uow: ...; uow.commit()``."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            msg = "UnitOfWork used outside its with-block"
            raise RuntimeError(msg)
        return self._session

    def __enter__(self) -> Self:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back anything uncommitted; unlike rollback() it leaves loaded
        # objects readable (detached), which read models hand to their callers.
        self.session.close()
        self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
