"""Scoring and strategy files: the shipped defaults load; mistakes name file and path."""

from __future__ import annotations

import importlib.resources

import pytest

from rules.collections_loaders import load_scoring_yaml, load_strategies_yaml
from rules.loaders import RuleFileError
from rules.scoring import COMPONENTS
from rules.strategies import RULE_TYPES


def _default(name: str) -> str:
    return importlib.resources.files("rules").joinpath("defaults", name).read_text()


def test_default_scoring_uses_every_component() -> None:
    model = load_scoring_yaml(_default("scoring.yaml"), "scoring.yaml")

    assert {c.name for c in model.components} == set(COMPONENTS)
    assert model.version == "default-1"


def test_default_strategies_end_with_a_group_that_takes_everyone() -> None:
    strategies = load_strategies_yaml(_default("strategies.yaml"), "strategies.yaml")

    assert strategies.groups[-1].match == {}
    used = {r.type for g in strategies.groups for r in g.rules}
    assert used <= set(RULE_TYPES)


def test_default_strategies_group_on_the_same_fields_as_before() -> None:
    strategies = load_strategies_yaml(_default("strategies.yaml"), "strategies.yaml")

    assert [(g.name, dict(g.match)) for g in strategies.groups] == [
        ("usd", {"currency": frozenset({"USD"})}),
        ("everyone-else", {}),
    ]


def test_a_group_may_match_on_the_segment() -> None:
    text = (
        "name: s\ngroups:\n- name: key-accounts\n  collector: kim\n"
        "  match: {segment: [Enterprise, Mid-Market], currency: USD}\n"
        "  rules: [{type: overdue_above, points: 5, args: {amount: 100}}]\n"
    )

    [group] = load_strategies_yaml(text, "s.yaml").groups

    assert group.match == {
        "segment": frozenset({"Enterprise", "Mid-Market"}),
        "currency": frozenset({"USD"}),
    }


def test_a_group_may_be_worked_by_a_team() -> None:
    text = (
        "name: s\ngroups:\n- name: small\n  collectors: [ana, ben, cy]\n"
        "  rules: [{type: overdue_above, points: 5, args: {amount: 100}}]\n"
    )

    [group] = load_strategies_yaml(text, "s.yaml").groups

    assert (group.collector, group.team) == (None, ("ana", "ben", "cy"))


SCORING_ERRORS = [
    ("name: s\ncomponents: {overdue_shares: {weight: 1}}", "components.overdue_shares", "did you mean overdue_share"),
    ("name: s\ncomponents: {overdue_share: {weight: -1}}", "components.overdue_share.weight", "whole number"),
    ("name: s\ncomponents: {overdue_share: {weight: 1, factor: 2}}", "components.overdue_share.factor", "unknown key"),
    ("name: s\ncomponents: {overdue_amount: {weight: 1}}", "components.overdue_amount.args.full_at", "missing"),
    ("name: s\ncomponents: {overdue_amount: {weight: 1, args: {full_at: lots}}}", "components.overdue_amount.args.full_at", "expected a number"),
    ("name: s\ncomponents: {trend: {weight: 1, args: {full_at_days: 0}}}", "components.trend.args.full_at_days", "not a valid count"),
    ("name: s\ncomponents: {overdue_share: {weight: 0}}", "components", "all weights are 0"),
    ("components: {overdue_share: {weight: 1}}", "name", "missing"),
    ("name: s\nversion: 2\ncomponents: {overdue_share: {weight: 1}}", "version", "unsupported version"),
    ("name: s\ncomponents: {overdue_share: {weight: 1}, overdue_share: {weight: 2}}", "line 2", "duplicate key"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "path", "reason"), SCORING_ERRORS)
def test_scoring_mistake_names_file_and_path(text: str, path: str, reason: str) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_scoring_yaml(text, "my-scoring.yaml")

    assert caught.value.source == "my-scoring.yaml"
    assert caught.value.path.startswith(path)
    assert reason in caught.value.reason


GROUP = "- name: g\n  rules: [{type: overdue_above, points: 5, args: {amount: 100}}]\n"
STRATEGY_ERRORS = [
    ("name: s\ngroups: []", "groups", "at least one group"),
    ("name: s\ngroups:\n- name: g\n  rules: [{type: overdue_aboev, points: 5}]", "groups[0].rules[0].type", "did you mean overdue_above"),
    ("name: s\ngroups:\n- name: g\n  rules: [{type: overdue_above, points: 5, args: {amount: -1}}]", "groups[0].rules[0].args.amount", "not a valid amount"),
    ("name: s\ngroups:\n- name: g\n  rules: [{type: predicted_late_above, points: 5, args: {probability: 1.5}}]", "groups[0].rules[0].args.probability", "not a valid probability"),
    ("name: s\ngroups:\n- name: g\n  rules: [{type: promise_due_today, points: 5, args: {days: 1}}]", "groups[0].rules[0].args.days", "unknown argument"),
    ("name: s\ngroups:\n- name: g\n  rules: [{type: promise_due_today, points: many}]", "groups[0].rules[0].points", "whole number"),
    ("name: s\ngroups:\n- name: g\n  match: {segmnt: A}\n  rules: []", "groups[0].match.segmnt", "did you mean segment"),
    ("name: s\ngroups:\n- name: g\n  match: {currency: [1]}\n  rules: []", "groups[0].match.currency", "text"),
    ("name: s\ngroups:\n- {rules: []}", "groups[0].name", "missing"),
    (f"name: s\ngroups:\n{GROUP}{GROUP}", "groups[1].name", "duplicate group"),
    ("name: s\ngroups: {g: 1}", "groups", "expected a list"),
    ("name: s\ngroups:\n- name: g\n  collector: kim\n  collectors: [ana]\n  rules: []", "groups[0].collectors", "not both"),
    ("name: s\ngroups:\n- name: g\n  collectors: [ana, ana]\n  rules: []", "groups[0].collectors", "listed twice"),
    ("name: s\ngroups:\n- name: g\n  collectors: []\n  rules: []", "groups[0].collectors", "list of usernames"),
    ("name: s\ngroups:\n- name: g\n  collectors: ana\n  rules: []", "groups[0].collectors", "expected a list"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "path", "reason"), STRATEGY_ERRORS)
def test_strategy_mistake_names_file_and_path(
    text: str, path: str, reason: str
) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_strategies_yaml(text, "my-strategies.yaml")

    assert str(caught.value).startswith(f"my-strategies.yaml: {path}")
    assert reason in caught.value.reason
