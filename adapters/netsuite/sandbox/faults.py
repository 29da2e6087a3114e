"""The scripted fault queue: the next N responses misbehave in a chosen way."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Final

FAULT_KINDS: Final = frozenset({"429", "503", "slow", "drop"})


@dataclass(frozen=True, slots=True)
class Fault:
    """One scripted misbehaviour, consumed by exactly one request.

    ``retry_after`` (seconds) goes into a 429's ``Retry-After`` header; ``delay``
    (seconds) is how long a ``slow`` fault holds the request before answering.
    """

    kind: str
    retry_after: int | None = None
    delay: float | None = None


class FaultScript:
    """A thread-safe FIFO of faults; each API request takes at most one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()

    def inject(
        self,
        kind: str,
        count: int = 1,
        *,
        retry_after: int | None = None,
        delay: float | None = None,
    ) -> None:
        """Script the next ``count`` API requests to fail as ``kind``.

        Args:
            kind: ``"429"``, ``"503"``, ``"slow"`` or ``"drop"``.
            count: How many consecutive requests get this fault.
            retry_after: Seconds for a 429's ``Retry-After`` header (none if omitted).
            delay: Seconds a ``slow`` request waits before being answered normally.

        Raises:
            ValueError: Unknown kind, a count below 1, or ``slow`` without a delay.
        """
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}"
            )
        if count < 1:
            raise ValueError("count must be at least 1")
        if kind == "slow" and (delay is None or delay < 0):
            raise ValueError("a slow fault needs a delay >= 0")
        fault = Fault(kind, retry_after=retry_after, delay=delay)
        with self._lock:
            self._queue.extend([fault] * count)

    def take(self) -> Fault | None:
        """Remove and return the next fault, or ``None`` when none is scripted."""
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def pending(self) -> int:
        """Return how many scripted faults have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Drop every fault not consumed yet."""
        with self._lock:
            self._queue.clear()
