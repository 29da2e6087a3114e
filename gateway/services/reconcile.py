"""Per-record ownership decisions: what an incoming record does to the mirror.

No database here: the page applier hands in the record, its shadow and the mirror's
current values (all in the canonical encoding of ``rules.encoding``) and gets back a
plan of accepted changes, write-backs, flags and conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rules.canonical import CanonicalRecord, Owner
from rules.encoding import Encoded
from rules.ownership import MISSING, DecisionKind, OwnershipRules, decide

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Encoded
    new: Encoded
    rule: str


@dataclass(slots=True)
class RecordPlan:
    """What applying one existing record means, field by field."""

    record: CanonicalRecord
    local_id: int
    accepted: list[FieldChange] = field(default_factory=list)
    reverted: list[FieldChange] = field(default_factory=list)
    flagged: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)
    new_shadow: dict[str, Encoded] = field(default_factory=dict)
    shadow_changed: bool = False


_KEEPS_MIRROR = {
    DecisionKind.REVERT: "reverted",
    DecisionKind.FLAG: "flagged",
    DecisionKind.CONFLICT: "conflicts",
}


def plan_record(
    record: CanonicalRecord,
    *,
    local_id: int,
    incoming: Mapping[str, Encoded],
    shadow: Mapping[str, Encoded],
    current: Mapping[str, Encoded],
    current_at: datetime | None,
    rules: OwnershipRules,
    source: Owner,
    skip: frozenset[str] = frozenset(),
) -> RecordPlan:
    """Decide every field of ``record`` against its shadow and the mirror."""
    plan = RecordPlan(record, local_id, new_shadow=dict(shadow))
    by_field = rules.by_object[record.object_type]
    for name, value in incoming.items():
        if name in skip:
            continue
        if shadow.get(name, MISSING) != value:
            plan.new_shadow[name] = value
            plan.shadow_changed = True
        decision = decide(
            rule=by_field[name],
            source=source,
            incoming=value,
            shadow=shadow.get(name, MISSING),
            current=current.get(name, MISSING),
            incoming_at=record.remote_modified,
            current_at=current_at,
        )
        kind = decision.kind
        if kind in (DecisionKind.NO_CHANGE, DecisionKind.IN_SYNC):
            continue
        old = current.get(name)
        if kind == DecisionKind.ACCEPT:
            plan.accepted.append(FieldChange(name, old, value, decision.rule))
        elif kind in _KEEPS_MIRROR:
            # old = what the source now says; new = what the mirror keeps
            change = FieldChange(name, value, old, decision.rule)
            getattr(plan, _KEEPS_MIRROR[kind]).append(change)
    return plan
