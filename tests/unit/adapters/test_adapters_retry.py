from __future__ import annotations

import pytest

from adapters.errors import RateLimited, RejectedError, TransientError
from adapters.retry import RetryPolicy


class Flaky:
    """Fails with the given errors in order, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def transient() -> TransientError:
    return TransientError("x", "op", "boom")


def recording_policy(**kwargs: float) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    return RetryPolicy(sleep=slept.append, **kwargs), slept  # type: ignore[arg-type]


def test_transient_errors_are_retried_until_success() -> None:
    flaky = Flaky(transient(), transient())
    assert RetryPolicy.immediate().retrying()(flaky) == "ok"
    assert flaky.calls == 3


def test_permanent_errors_are_not_retried() -> None:
    flaky = Flaky(RejectedError("x", "op", "no"))
    with pytest.raises(RejectedError):
        RetryPolicy.immediate().retrying()(flaky)
    assert flaky.calls == 1


def test_gives_up_after_max_attempts_and_reraises_the_last_error() -> None:
    errors = [TransientError("x", "op", f"boom {i}") for i in range(5)]
    flaky = Flaky(*errors)
    with pytest.raises(TransientError, match="boom 2"):
        RetryPolicy.immediate(max_attempts=3).retrying()(flaky)
    assert flaky.calls == 3


def test_backoff_is_exponential_and_capped() -> None:
    policy, slept = recording_policy(initial=0.5, jitter=0.0, max_wait=1.5)
    policy.retrying()(Flaky(transient(), transient(), transient()))
    assert slept == [0.5, 1.0, 1.5]


def test_jitter_adds_at_most_jitter_seconds() -> None:
    policy, slept = recording_policy(initial=1.0, jitter=0.25, max_wait=30.0)
    policy.retrying()(Flaky(transient()))
    assert 1.0 <= slept[0] <= 1.25


def test_rate_limited_waits_for_retry_after() -> None:
    policy, slept = recording_policy(initial=0.5, jitter=0.0)
    policy.retrying()(Flaky(RateLimited("x", "op", "slow", retry_after=2.5)))
    assert slept == [2.5]


def test_retry_after_is_capped_at_max_wait() -> None:
    policy, slept = recording_policy(max_wait=4.0, jitter=0.0)
    policy.retrying()(Flaky(RateLimited("x", "op", "slow", retry_after=120)))
    assert slept == [4.0]


def test_rate_limited_without_retry_after_backs_off() -> None:
    policy, slept = recording_policy(initial=0.5, jitter=0.0)
    policy.retrying()(Flaky(RateLimited("x", "op", "slow")))
    assert slept == [0.5]


def test_immediate_policy_never_waits() -> None:
    slept: list[float] = []
    policy = RetryPolicy(waits=False, sleep=slept.append)
    policy.retrying()(Flaky(RateLimited("x", "op", "slow", retry_after=9), transient()))
    assert slept == [0, 0]


def test_should_retry_narrows_which_transient_errors_are_retried() -> None:
    class UnsafeError(TransientError):
        pass

    flaky = Flaky(transient(), UnsafeError("x", "op", "lost"))
    retrying = RetryPolicy.immediate().retrying(
        should_retry=lambda exc: not isinstance(exc, UnsafeError)
    )
    with pytest.raises(UnsafeError):
        retrying(flaky)
    assert flaky.calls == 2
