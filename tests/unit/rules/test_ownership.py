"""Field ownership decisions: every (owner, source, policies, state) combination."""

from __future__ import annotations

import itertools
from dataclasses import FrozenInstanceError, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.canonical import Owner
from rules.ownership import (
    MISSING,
    ConflictPolicy,
    Decision,
    DecisionKind,
    DriftPolicy,
    FieldRule,
    Missing,
    NoRuleError,
    OwnershipRules,
    decide,
    decide_gateway_edit,
)

T1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

# Values: what the source told us last time (OLD), what it sends now (NEW), and a
# third value the mirror moved to in the meantime (MIRROR).
OLD, NEW, MIRROR = "old", "new", "mirror"


@dataclass(frozen=True)
class State:
    """One situation of a field: the source's shadow, its new value, the mirror."""

    incoming: str
    shadow: str | Missing
    current: str | Missing
    incoming_at: datetime | None = T1
    current_at: datetime | None = T1


STATES = {
    # The source sends what it sent last time; the mirror moved on (pending write).
    "no_change": State(incoming=OLD, shadow=OLD, current=MIRROR),
    # Our own write-back coming back from the source.
    "echo": State(incoming=NEW, shadow=NEW, current=NEW),
    "in_sync": State(incoming=NEW, shadow=OLD, current=NEW),
    "new_record": State(incoming=NEW, shadow=MISSING, current=MISSING),
    # The mirror lost the record while the source's shadow survived.
    "new_record_known_to_source": State(incoming=OLD, shadow=OLD, current=MISSING),
    "changed_mirror_unchanged": State(incoming=NEW, shadow=OLD, current=OLD),
    "first_seen_from_source": State(
        incoming=NEW, shadow=MISSING, current=MIRROR, incoming_at=T2
    ),
    "changed_mirror_moved_incoming_newer": State(
        incoming=NEW, shadow=OLD, current=MIRROR, incoming_at=T2, current_at=T1
    ),
    "changed_mirror_moved_incoming_older": State(
        incoming=NEW, shadow=OLD, current=MIRROR, incoming_at=T1, current_at=T2
    ),
}


@dataclass(frozen=True)
class Expect:
    kind: DecisionKind
    keeps: str  # "incoming" or "current"
    write_back: bool
    rule: str  # "owner" stands for "owner:<the field's owner>"


ACCEPT_OWNER = Expect(DecisionKind.ACCEPT, "incoming", False, "owner")
NO_CHANGE = Expect(DecisionKind.NO_CHANGE, "current", False, "no_change")
IN_SYNC = Expect(DecisionKind.IN_SYNC, "current", False, "in_sync")
INITIAL = Expect(DecisionKind.ACCEPT, "incoming", False, "initial")
DRIFT_REVERT = Expect(DecisionKind.REVERT, "current", True, "drift:revert")
DRIFT_FLAG = Expect(DecisionKind.FLAG, "current", False, "drift:flag")
DRIFT_ACCEPT = Expect(DecisionKind.ACCEPT, "incoming", False, "drift:accept")
OWNER_WINS_ACCEPT = Expect(
    DecisionKind.ACCEPT, "incoming", False, "conflict:owner_wins"
)
OWNER_WINS_REVERT = Expect(DecisionKind.REVERT, "current", True, "conflict:owner_wins")
LATEST_ACCEPT = Expect(DecisionKind.ACCEPT, "incoming", False, "conflict:latest_wins")
LATEST_REVERT = Expect(DecisionKind.REVERT, "current", True, "conflict:latest_wins")
MANUAL = Expect(DecisionKind.CONFLICT, "current", False, "conflict:manual")

# (sender's role, on_drift, on_conflict, state) -> expected decision; "*" = any.
# Every combination must match exactly one row.
NEWER, OLDER = (
    "changed_mirror_moved_incoming_newer",
    "changed_mirror_moved_incoming_older",
)
TABLE: list[tuple[str, str, str, str, Expect]] = [
    ("*", "*", "*", "no_change", NO_CHANGE),
    ("*", "*", "*", "echo", NO_CHANGE),
    ("*", "*", "*", "in_sync", IN_SYNC),
    ("*", "*", "*", "new_record", INITIAL),
    ("*", "*", "*", "new_record_known_to_source", INITIAL),
    # The owner's change is accepted unless the mirror also moved.
    ("owner", "*", "*", "changed_mirror_unchanged", ACCEPT_OWNER),
    ("owner", "*", "*", "first_seen_from_source", ACCEPT_OWNER),
    ("owner", "*", "owner_wins", NEWER, OWNER_WINS_ACCEPT),
    ("owner", "*", "owner_wins", OLDER, OWNER_WINS_ACCEPT),
    ("owner", "*", "latest_wins", NEWER, LATEST_ACCEPT),
    ("owner", "*", "latest_wins", OLDER, LATEST_REVERT),
    ("owner", "*", "manual", NEWER, MANUAL),
    ("owner", "*", "manual", OLDER, MANUAL),
    # Drift: revert and flag do not care about conflicts.
    ("other", "revert", "*", "changed_mirror_unchanged", DRIFT_REVERT),
    ("other", "revert", "*", "first_seen_from_source", DRIFT_REVERT),
    ("other", "revert", "*", NEWER, DRIFT_REVERT),
    ("other", "revert", "*", OLDER, DRIFT_REVERT),
    ("other", "flag", "*", "changed_mirror_unchanged", DRIFT_FLAG),
    ("other", "flag", "*", "first_seen_from_source", DRIFT_FLAG),
    ("other", "flag", "*", NEWER, DRIFT_FLAG),
    ("other", "flag", "*", OLDER, DRIFT_FLAG),
    # Accepted drift is a clean edit only when the mirror did not move; a first
    # report from a non-owner may be stale, so it is settled like a conflict.
    ("other", "accept", "*", "changed_mirror_unchanged", DRIFT_ACCEPT),
    ("other", "accept", "owner_wins", "first_seen_from_source", OWNER_WINS_REVERT),
    ("other", "accept", "owner_wins", NEWER, OWNER_WINS_REVERT),
    ("other", "accept", "owner_wins", OLDER, OWNER_WINS_REVERT),
    ("other", "accept", "latest_wins", "first_seen_from_source", LATEST_ACCEPT),
    ("other", "accept", "latest_wins", NEWER, LATEST_ACCEPT),
    ("other", "accept", "latest_wins", OLDER, LATEST_REVERT),
    ("other", "accept", "manual", "first_seen_from_source", MANUAL),
    ("other", "accept", "manual", NEWER, MANUAL),
    ("other", "accept", "manual", OLDER, MANUAL),
]


def _expected(role: str, drift: str, conflict: str, state: str) -> Expect:
    key = (role, drift, conflict, state)
    matches = [
        row[4]
        for row in TABLE
        if all(want in ("*", got) for want, got in zip(row[:4], key, strict=True))
    ]
    assert len(matches) == 1, f"{key} matches {len(matches)} table rows"
    return matches[0]


COMBINATIONS = [
    pytest.param(*combo, id="-".join(combo))
    for combo in itertools.product(
        list(Owner),
        [Owner.ERP, Owner.CRM],
        list(DriftPolicy),
        list(ConflictPolicy),
        list(STATES),
    )
]


@pytest.mark.parametrize(
    ("owner", "source", "drift", "conflict", "state"), COMBINATIONS
)
def test_decision_for_every_owner_source_policy_and_state(
    owner: Owner,
    source: Owner,
    drift: DriftPolicy,
    conflict: ConflictPolicy,
    state: str,
) -> None:
    situation = STATES[state]
    role = "owner" if source == owner else "other"
    expect = _expected(role, drift, conflict, state)

    decision = decide(
        rule=FieldRule(owner, drift, conflict),
        source=source,
        incoming=situation.incoming,
        shadow=situation.shadow,
        current=situation.current,
        incoming_at=situation.incoming_at,
        current_at=situation.current_at,
    )

    kept = situation.incoming if expect.keeps == "incoming" else situation.current
    rule = f"owner:{owner}" if expect.rule == "owner" else expect.rule
    assert (decision.kind, decision.value, decision.write_back, decision.rule) == (
        expect.kind,
        kept,
        expect.write_back,
        rule,
    )


@pytest.mark.parametrize(
    ("incoming_at", "current_at", "kind"),
    [
        (T2, T1, DecisionKind.ACCEPT),
        (T1, T2, DecisionKind.REVERT),
        (T1, T1, DecisionKind.ACCEPT),  # a tie goes to the change being applied
        (None, T1, DecisionKind.REVERT),  # an unknown time counts as the oldest
        (T1, None, DecisionKind.ACCEPT),
        (None, None, DecisionKind.ACCEPT),
    ],
)
def test_latest_wins_compares_change_times_with_unknown_as_oldest(
    incoming_at: datetime | None, current_at: datetime | None, kind: DecisionKind
) -> None:
    decision = decide(
        rule=FieldRule(Owner.CRM, DriftPolicy.ACCEPT, ConflictPolicy.LATEST_WINS),
        source=Owner.CRM,
        incoming=NEW,
        shadow=OLD,
        current=MIRROR,
        incoming_at=incoming_at,
        current_at=current_at,
    )

    assert decision.kind == kind


def _decide_erp_owned_from_erp(
    incoming: object, shadow: object, current: object
) -> Decision[object]:
    return decide(
        rule=FieldRule(Owner.ERP, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS),
        source=Owner.ERP,
        incoming=incoming,
        shadow=shadow,
        current=current,
        incoming_at=None,
        current_at=None,
    )


def test_decimals_that_differ_only_in_scale_are_no_change() -> None:
    decision = _decide_erp_owned_from_erp(
        Decimal("1.00"), Decimal("1.0"), Decimal("1.0")
    )

    assert decision.kind == DecisionKind.NO_CHANGE


def test_none_is_a_cleared_value_not_a_missing_one() -> None:
    decision = _decide_erp_owned_from_erp(None, "INV-1 memo", "INV-1 memo")

    assert (decision.kind, decision.value) == (DecisionKind.ACCEPT, None)


@pytest.mark.parametrize(
    ("rule", "current", "kind"),
    [
        (
            FieldRule(Owner.ERP, DriftPolicy.FLAG, ConflictPolicy.OWNER_WINS),
            OLD,
            DecisionKind.FLAG,
        ),
        (
            FieldRule(Owner.CRM, DriftPolicy.REVERT, ConflictPolicy.MANUAL),
            MIRROR,
            DecisionKind.CONFLICT,
        ),
    ],
)
def test_flags_and_conflicts_carry_a_reason_for_the_reviewer(
    rule: FieldRule, current: str, kind: DecisionKind
) -> None:
    decision = decide(
        rule=rule,
        source=Owner.CRM,
        incoming=NEW,
        shadow=OLD,
        current=current,
        incoming_at=T2,
        current_at=T1,
    )

    assert decision.kind == kind
    assert decision.reason


@pytest.mark.parametrize(
    ("owner", "value", "kind", "kept", "write_back", "rule"),
    [
        (Owner.GATEWAY, 2, DecisionKind.ACCEPT, 2, True, "owner:gateway"),
        (Owner.GATEWAY, 1, DecisionKind.IN_SYNC, 1, False, "in_sync"),
        (Owner.ERP, 2, DecisionKind.REJECTED, 1, False, "rejected:owner:erp"),
        (Owner.ERP, 1, DecisionKind.REJECTED, 1, False, "rejected:owner:erp"),
        (Owner.CRM, 2, DecisionKind.REJECTED, 1, False, "rejected:owner:crm"),
    ],
)
@pytest.mark.parametrize("drift", list(DriftPolicy))
@pytest.mark.parametrize("conflict", list(ConflictPolicy))
def test_gateway_edits_only_gateway_owned_fields(
    owner: Owner,
    value: int,
    kind: DecisionKind,
    kept: int,
    write_back: bool,
    rule: str,
    drift: DriftPolicy,
    conflict: ConflictPolicy,
) -> None:
    decision = decide_gateway_edit(
        rule=FieldRule(owner, drift, conflict), value=value, current=1
    )

    assert (decision.kind, decision.value, decision.write_back, decision.rule) == (
        kind,
        kept,
        write_back,
        rule,
    )


def test_rejected_gateway_edit_names_the_owner() -> None:
    rule = FieldRule(Owner.ERP, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS)

    decision = decide_gateway_edit(rule=rule, value=date(2026, 4, 1), current=None)

    assert "erp" in decision.reason


def test_rules_look_up_a_field_and_refuse_an_unknown_one() -> None:
    rule = FieldRule(Owner.GATEWAY, DriftPolicy.REVERT, ConflictPolicy.OWNER_WINS)
    rules = OwnershipRules({"invoice": {"dunning_level": rule}})

    assert rules.rule_for("invoice", "dunning_level") is rule
    with pytest.raises(NoRuleError, match=r"invoice\.dunning_levle"):
        rules.rule_for("invoice", "dunning_levle")
    with pytest.raises(KeyError):
        rules.rule_for("quote", "dunning_level")


def test_decisions_are_immutable() -> None:
    decision = _decide_erp_owned_from_erp("a", "a", "a")

    with pytest.raises(FrozenInstanceError):
        decision.value = "b"  # type: ignore[misc]


# Few distinct values so that equal incoming/shadow/current pairs come up often.
VALUES = st.one_of(
    st.sampled_from(
        [None, "a", "b", 0, 1, True, False, Decimal("1.0"), Decimal("1.00")]
    ),
    st.text(max_size=2),
    st.integers(-2, 2),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.dates(),
)
MAYBE_VALUES = st.one_of(st.just(MISSING), VALUES)
TIMES = st.one_of(st.none(), st.datetimes(timezones=st.just(UTC)))
RULES = st.builds(
    FieldRule,
    st.sampled_from(Owner),
    st.sampled_from(DriftPolicy),
    st.sampled_from(ConflictPolicy),
)


@settings(database=None, max_examples=500)
@given(
    rule=RULES,
    source=st.sampled_from(Owner),
    incoming=VALUES,
    shadow=MAYBE_VALUES,
    current=MAYBE_VALUES,
    incoming_at=TIMES,
    current_at=TIMES,
)
def test_decide_is_total_and_only_reverts_write_back(
    rule: FieldRule,
    source: Owner,
    incoming: object,
    shadow: object,
    current: object,
    incoming_at: datetime | None,
    current_at: datetime | None,
) -> None:
    decision = decide(
        rule=rule,
        source=source,
        incoming=incoming,
        shadow=shadow,
        current=current,
        incoming_at=incoming_at,
        current_at=current_at,
    )

    assert isinstance(decision, Decision)
    assert decision.kind != DecisionKind.REJECTED
    assert decision.value is incoming or decision.value is current
    assert decision.value is not MISSING
    if decision.kind == DecisionKind.NO_CHANGE:
        assert not decision.write_back
    if decision.write_back:
        assert decision.kind == DecisionKind.REVERT
        assert decision.value is current
    if decision.kind == DecisionKind.ACCEPT:
        assert decision.value is incoming
