"""Field ownership: who may change a canonical field, and what happens when others do.

Every canonical field (``invoice.due_date``) has a :class:`FieldRule`: its owner (the
home ERP, the CRM or the gateway), what to do when a non-owner changes it (drift) and
what to do when it changed on both sides since the last sync (conflict).

:func:`decide` is called for every field of every record the sync engine applies, so
it is a handful of comparisons and one small allocation. Changes are detected against
the *shadow* (what that system told us last, or what we last wrote to it): a value
equal to the shadow did not change there, which is also how our own write-backs are
recognised when they come back (echo suppression). Nothing here does I/O or reads
the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from rules.canonical import Owner

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from datetime import datetime


# The type of the field values compared: canonical values (rules.canonical.FieldValue)
# or their stored encoding; decide() only needs ==.
V = TypeVar("V")


class Missing(Enum):
    """Type of :data:`MISSING`: an enum so that ``x is MISSING`` narrows for mypy."""

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing.MISSING
"""No value at all: the system never told us (shadow) or the mirror has no record.

Distinct from ``None``, which is a value (the field was cleared).
"""


class DriftPolicy(StrEnum):
    """What to do when a system that does not own a field changes it."""

    REVERT = "revert"  # keep the owner's value and write it back over the drift
    FLAG = "flag"  # keep the owner's value, raise the drift for review
    ACCEPT = "accept"  # treat the change as if the owner had made it


class ConflictPolicy(StrEnum):
    """What to do when a field changed on both sides since the last sync."""

    OWNER_WINS = "owner_wins"
    LATEST_WINS = "latest_wins"
    MANUAL = "manual"  # keep the mirror's value, queue both for an admin


class DecisionKind(StrEnum):
    """The outcome of one field decision; the sync engine dispatches on it."""

    NO_CHANGE = "no_change"  # the source did not change the field (or echoed us)
    IN_SYNC = "in_sync"  # the source's value is already the mirror's value
    ACCEPT = "accept"  # the mirror takes the new value
    REVERT = "revert"  # the mirror keeps its value and writes it back to the source
    FLAG = "flag"  # the mirror keeps its value; the drift is raised for review
    CONFLICT = "conflict"  # the mirror keeps its value; queued for an admin
    REJECTED = "rejected"  # a gateway edit of a field the gateway does not own


@dataclass(frozen=True, slots=True)
class FieldRule:
    """The ownership rule of one canonical field."""

    owner: Owner
    on_drift: DriftPolicy
    on_conflict: ConflictPolicy


@dataclass(frozen=True, slots=True)
class Decision(Generic[V]):
    """What to do with one incoming field value.

    Attributes:
        kind: the outcome.
        value: the value the mirror holds afterwards.
        rule: why, for the audit log: ``owner:erp``, ``drift:revert``,
            ``conflict:latest_wins``, ``initial``, ``no_change``, ``in_sync`` or
            ``rejected:owner:crm``.
        write_back: ``value`` must be written back to the system that sent the
            change (or, for a gateway edit, to the systems that hold the field).
        reason: a short human explanation for flags, conflicts and rejections.
    """

    kind: DecisionKind
    value: V
    rule: str
    write_back: bool = False
    reason: str = ""


class NoRuleError(KeyError):
    """Raised for a field without an ownership rule (not a canonical field)."""


@dataclass(frozen=True, slots=True)
class OwnershipRules:
    """The resolved rule of every canonical field, looked up per field on the hot path.

    Build it with :func:`rules.loaders.load_ownership`, which fills in every field of
    the catalog from the document's defaults and overrides.
    """

    by_object: Mapping[str, Mapping[str, FieldRule]]

    def rule_for(self, object_type: str, field: str) -> FieldRule:
        """Return the rule of ``object_type.field``.

        Raises:
            NoRuleError: the field is not in the rules (not a canonical field).
        """
        try:
            return self.by_object[object_type][field]
        except KeyError:
            raise NoRuleError(f"{object_type}.{field}") from None

    def items(self) -> Iterator[tuple[str, str, FieldRule]]:
        """Yield ``(object_type, field, rule)`` for every field, in catalog order."""
        for object_type, fields in self.by_object.items():
            for field, rule in fields.items():
                yield object_type, field, rule


# Audit labels, built once: decide() runs for every field of every record.
_OWNER_LABEL: Final = {owner: f"owner:{owner}" for owner in Owner}
_DRIFT_LABEL: Final = {policy: f"drift:{policy}" for policy in DriftPolicy}
_CONFLICT_LABEL: Final = {policy: f"conflict:{policy}" for policy in ConflictPolicy}
_FLAG_REASON: Final = "changed by a system that does not own the field"
_MANUAL_REASON: Final = "changed on both sides since the last sync"


def decide(
    *,
    rule: FieldRule,
    source: Owner,
    incoming: V,
    shadow: V | Missing,
    current: V | Missing,
    incoming_at: datetime | None,
    current_at: datetime | None,
) -> Decision[V]:
    """Decide what one incoming field value does to the mirror.

    Args:
        rule: the field's ownership rule.
        source: the role of the system that sent the value (``erp`` or ``crm``).
        incoming: the value it sent now.
        shadow: what that system told us last time or what we last wrote to it,
            :data:`MISSING` if never.
        current: the mirror's value, :data:`MISSING` if the mirror has no record.
        incoming_at: when the source changed it (UTC-aware), if known.
        current_at: when the mirror's value was set (UTC-aware), if known.

    Returns:
        The decision; it never raises for any combination of policies and values.
    """
    if current is MISSING:
        # A new record seeds the mirror whoever owns the field: there is no owner
        # value yet to defend. Checked before the shadow so a mirror that lost a
        # record is refilled rather than left with a hole.
        return Decision(DecisionKind.ACCEPT, incoming, "initial")
    if shadow is not MISSING and incoming == shadow:
        return Decision(DecisionKind.NO_CHANGE, current, "no_change")
    if incoming == current:
        return Decision(DecisionKind.IN_SYNC, current, "in_sync")
    if source == rule.owner:
        # The mirror moved since the owner last saw it: both sides changed. With no
        # shadow the owner's first word is authoritative.
        if shadow is not MISSING and current != shadow:
            return _resolve_conflict(
                rule, incoming, current, incoming_at, current_at, owner_sent=True
            )
        return Decision(DecisionKind.ACCEPT, incoming, _OWNER_LABEL[rule.owner])
    # A non-owner with no shadow (first contact) may be sending a stale value, so
    # an accepted drift treats it like a change on both sides, not a clean edit.
    both_changed = shadow is MISSING or current != shadow
    return _decide_drift(rule, incoming, current, incoming_at, current_at, both_changed)


def _decide_drift(
    rule: FieldRule,
    incoming: V,
    current: V,
    incoming_at: datetime | None,
    current_at: datetime | None,
    both_changed: bool,
) -> Decision[V]:
    """Decide a change made by a system that does not own the field."""
    policy = rule.on_drift
    if policy == DriftPolicy.REVERT:
        return Decision(
            DecisionKind.REVERT, current, _DRIFT_LABEL[policy], write_back=True
        )
    if policy == DriftPolicy.FLAG:
        return Decision(
            DecisionKind.FLAG, current, _DRIFT_LABEL[policy], reason=_FLAG_REASON
        )
    if both_changed:
        return _resolve_conflict(
            rule, incoming, current, incoming_at, current_at, owner_sent=False
        )
    return Decision(DecisionKind.ACCEPT, incoming, _DRIFT_LABEL[policy])


def _resolve_conflict(
    rule: FieldRule,
    incoming: V,
    current: V,
    incoming_at: datetime | None,
    current_at: datetime | None,
    *,
    owner_sent: bool,
) -> Decision[V]:
    """Settle a field that changed both in the source and in the mirror."""
    policy = rule.on_conflict
    label = _CONFLICT_LABEL[policy]
    if policy == ConflictPolicy.MANUAL:
        return Decision(DecisionKind.CONFLICT, current, label, reason=_MANUAL_REASON)
    if policy == ConflictPolicy.OWNER_WINS:
        incoming_wins = owner_sent
    else:
        incoming_wins = _is_not_older(incoming_at, current_at)
    if incoming_wins:
        return Decision(DecisionKind.ACCEPT, incoming, label)
    return Decision(DecisionKind.REVERT, current, label, write_back=True)


def _is_not_older(incoming_at: datetime | None, current_at: datetime | None) -> bool:
    """Return whether the incoming change is at least as recent; unknown is oldest."""
    if incoming_at is None:
        return current_at is None
    return current_at is None or incoming_at >= current_at


def decide_gateway_edit(*, rule: FieldRule, value: V, current: V) -> Decision[V]:
    """Decide whether the gateway itself (collector, dunning engine) may set a field.

    Only gateway-owned fields may be edited here; the owners of other fields are
    their systems of record. An accepted edit must reach the systems that hold the
    field, so it comes back with ``write_back=True``.

    Args:
        rule: the field's ownership rule.
        value: the value the gateway wants to set.
        current: the mirror's value.

    Returns:
        ``ACCEPT`` (write back), ``IN_SYNC`` when the value is already set, or
        ``REJECTED`` (keeping ``current``) with a reason the caller turns into a
        client error.
    """
    if rule.owner != Owner.GATEWAY:
        return Decision(
            DecisionKind.REJECTED,
            current,
            f"rejected:owner:{rule.owner}",
            reason=f"the field is owned by {rule.owner}; change it there",
        )
    if value == current:
        return Decision(DecisionKind.IN_SYNC, current, "in_sync")
    return Decision(
        DecisionKind.ACCEPT, value, _OWNER_LABEL[Owner.GATEWAY], write_back=True
    )
