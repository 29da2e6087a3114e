"""Typed arguments of registry entries (score components, strategy rule types).

A registry entry declares its arguments as name -> kind; a rule file's ``args`` must
give exactly those names with values of that kind. No expressions: values are
numbers, and a YAML float is read through its text so ``0.7`` is ``Decimal("0.7")``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING

from rules.loaders import RuleFileError

if TYPE_CHECKING:
    from collections.abc import Mapping


class ArgKind(StrEnum):
    """What an argument holds."""

    DAYS = "days"  # a whole number of days, 0 or more
    COUNT = "count"  # a whole number, 1 or more
    AMOUNT = "amount"  # a non-negative decimal (money in the customer's currency)
    RATIO = "ratio"  # a positive decimal (1 = 100 %)
    PROBABILITY = "probability"  # a decimal from 0 to 1
    SCORE = "score"  # a whole number from 0 to 100


ArgSpec = dict[str, ArgKind]
Args = dict[str, Decimal]

_WHOLE = (ArgKind.DAYS, ArgKind.COUNT, ArgKind.SCORE)


def parse_args(
    raw: Mapping[str, object], spec: ArgSpec, path: str, source: str
) -> Args:
    """Check ``raw`` against ``spec``: every name present, no others, right kinds.

    Raises:
        RuleFileError: a missing or unknown argument, or a value of the wrong kind.
    """
    for name in raw:
        if name not in spec:
            expected = ", ".join(spec) or "no arguments"
            msg = f"unknown argument (expected {expected})"
            raise RuleFileError(source, f"{path}.{name}", msg)
    out: Args = {}
    for name, kind in spec.items():
        if name not in raw:
            raise RuleFileError(source, f"{path}.{name}", f"missing ({kind} value)")
        out[name] = _value(raw[name], kind, f"{path}.{name}", source)
    return out


def _value(raw: object, kind: ArgKind, path: str, source: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise RuleFileError(source, path, f"expected a number ({kind})")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RuleFileError(source, path, f"expected a number ({kind})") from None
    if not value.is_finite() or not _in_range(value, kind):
        raise RuleFileError(source, path, f"{raw!r} is not a valid {kind}")
    return value


def _in_range(value: Decimal, kind: ArgKind) -> bool:
    if kind in _WHOLE and value != value.to_integral_value():
        return False
    if kind is ArgKind.COUNT or kind is ArgKind.RATIO:
        return value > 0
    if kind is ArgKind.PROBABILITY:
        return 0 <= value <= 1
    if kind is ArgKind.SCORE:
        return 0 <= value <= 100  # the scale of a risk score
    return value >= 0
