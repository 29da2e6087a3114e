"""Shared shapes for paged results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# SQLite refuses more than 999 bound parameters in one statement on older builds.
CHUNK = 900


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """One page of a list, with the total across all pages."""

    items: tuple[T, ...]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class Keyset(Generic[T]):
    """One page of a newest-first list; ``next_before_id`` is None on the last page."""

    items: tuple[T, ...]
    next_before_id: int | None


def offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def chunks(values: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def unique(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))
