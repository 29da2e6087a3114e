"""Retry policy for adapter calls: the one place (with the gateway outbox) that sleeps.

Only :class:`~adapters.errors.TransientError` is retried, a bounded number of times,
with exponential backoff and jitter. A :class:`~adapters.errors.RateLimited` error that
carries ``retry_after`` waits exactly that long (capped at ``max_wait``): the remote
told us when to come back, so guessing would only earn another 429.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_none,
)
from tenacity.wait import wait_base

from adapters.errors import RateLimited, TransientError

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]
ShouldRetry = Callable[[BaseException], bool]


class _WaitHonouringRetryAfter(wait_base):
    """Exponential backoff with jitter, unless the remote named its own delay.

    Written out rather than using ``wait_exponential_jitter``, whose parameters
    changed across the tenacity versions we allow.
    """

    def __init__(self, initial: float, max_wait: float, jitter: float) -> None:
        self._initial = initial
        self._max_wait = max_wait
        self._jitter = jitter

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return max(0.0, min(exc.retry_after, self._max_wait))
        backoff = self._initial * 2.0 ** (retry_state.attempt_number - 1)
        # Jitter spreads retries of many workers; it needs no cryptographic quality.
        jitter = random.uniform(0.0, self._jitter)  # noqa: S311
        return max(0.0, min(backoff + jitter, self._max_wait))


def _log_before_sleep(retry_state: RetryCallState) -> None:
    outcome = retry_state.outcome
    exc = outcome.exception() if outcome is not None else None
    delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
    logger.warning(
        "transient failure on attempt %d, retrying in %.2fs: %s",
        retry_state.attempt_number,
        delay,
        exc,
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry transient adapter errors.

    Attributes:
        max_attempts: Total attempts, the first one included.
        initial: First backoff in seconds; doubles on every attempt.
        max_wait: Upper bound of any single wait, ``Retry-After`` included.
        jitter: Up to this many random seconds added to each backoff.
        sleep: The sleeping function; tests inject a recorder instead of sleeping.
        waits: ``False`` turns every wait into zero (see :meth:`immediate`).
    """

    max_attempts: int = 5
    initial: float = 0.5
    max_wait: float = 30.0
    jitter: float = 1.0
    sleep: Sleep = field(default=time.sleep, repr=False, compare=False)
    waits: bool = True

    @classmethod
    def immediate(cls, max_attempts: int = 5) -> RetryPolicy:
        """Return a policy that retries without ever waiting (for tests)."""
        return cls(max_attempts=max_attempts, waits=False)

    def retrying(self, *, should_retry: ShouldRetry | None = None) -> Retrying:
        """Build a tenacity controller for one call.

        Args:
            should_retry: Narrows which transient errors are retried (e.g. a
                non-idempotent create retries only errors raised before the remote
                acted). Errors that are not ``TransientError`` are never retried.

        Returns:
            A ``tenacity.Retrying`` that re-raises the last error when it gives up.
        """

        def predicate(exc: BaseException) -> bool:
            if not isinstance(exc, TransientError):
                return False
            return should_retry is None or should_retry(exc)

        return Retrying(
            retry=retry_if_exception(predicate),
            wait=self._wait(),
            stop=stop_after_attempt(self.max_attempts),
            sleep=self.sleep,
            before_sleep=_log_before_sleep,
            reraise=True,
        )

    def _wait(self) -> wait_base:
        if not self.waits:
            return wait_none()
        return _WaitHonouringRetryAfter(self.initial, self.max_wait, self.jitter)
