"""Scoring and strategy documents (parsed YAML) to validated models.

Same manners as :mod:`rules.loaders`: a mistake is a :class:`RuleFileError` naming
the file and the key path; components and rule types come from closed registries.

A scoring document::

    version: 1
    name: default-1            # stored with every score, so scores stay explainable
    components:                # registry name -> weight (whole number) and args
      overdue_amount: {weight: 15, args: {full_at: 50000}}

A strategies document::

    version: 1
    name: default-1
    groups:                    # matched in order; the first that takes a customer wins
      - name: eur-key-accounts
        collector: alice       # a username; collectors see their groups first
      - name: small-business
        collectors: [bob, carol]   # a team: each customer goes to one of them
        match: {currency: [EUR]}
        rules:
          - {type: overdue_older_than, points: 30, args: {days: 60}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from rules.loaders import (
    RuleFileError,
    _as_mapping,
    _check_keys,
    _check_version,
    _unknown,
    _yaml_type,
    parse_yaml,
)
from rules.scoring import COMPONENTS, Component, ScoringModel
from rules.strategies import (
    GROUP_FIELDS,
    RULE_TYPES,
    CollectionGroup,
    Strategies,
    StrategyRule,
)
from rules.typed_args import parse_args

_SCORING_KEYS: Final = ("version", "name", "components")
_COMPONENT_KEYS: Final = ("weight", "args")
_STRATEGY_KEYS: Final = ("version", "name", "groups")
_GROUP_KEYS: Final = ("name", "collector", "collectors", "match", "rules")
_RULE_KEYS: Final = ("type", "points", "args")


def load_scoring_yaml(text: str, source: str) -> ScoringModel:
    """Parse and validate a scoring file's text.

    Raises:
        RuleFileError: not YAML, an unknown key or component, a bad weight or argument.
    """
    doc = parse_yaml(text, source)
    _check_keys(doc, _SCORING_KEYS, "", source)
    _check_version(doc.get("version", 1), source)
    section = _as_mapping(doc.get("components"), "components", source)
    if not section:
        raise RuleFileError(source, "components", "at least one component is needed")
    components = tuple(
        _component(name, raw, f"components.{name}", source)
        for name, raw in section.items()
    )
    if not any(c.weight for c in components):
        raise RuleFileError(source, "components", "all weights are 0")
    return ScoringModel(_name(doc, source), components)


def _component(name: str, raw: object, path: str, source: str) -> Component:
    if name not in COMPONENTS:
        raise RuleFileError(source, path, _unknown("component", name, COMPONENTS))
    body = _as_mapping(raw, path, source)
    _check_keys(body, _COMPONENT_KEYS, path, source)
    weight = _whole(body.get("weight"), f"{path}.weight", source)
    args_raw = _as_mapping(body.get("args"), f"{path}.args", source)
    args = parse_args(args_raw, COMPONENTS[name].args, f"{path}.args", source)
    return Component(name, weight, args)


def load_strategies_yaml(text: str, source: str) -> Strategies:
    """Parse and validate a strategies file's text.

    Raises:
        RuleFileError: not YAML, an unknown key, field or rule type, a bad argument.
    """
    doc = parse_yaml(text, source)
    _check_keys(doc, _STRATEGY_KEYS, "", source)
    _check_version(doc.get("version", 1), source)
    groups = _list(doc.get("groups"), "groups", source)
    if not groups:
        raise RuleFileError(source, "groups", "at least one group is needed")
    parsed = tuple(_group(raw, f"groups[{i}]", source) for i, raw in enumerate(groups))
    names = [g.name for g in parsed]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise RuleFileError(
                source, f"groups[{i}].name", f"duplicate group {name!r}"
            )
    return Strategies(_name(doc, source), parsed)


def _group(raw: object, path: str, source: str) -> CollectionGroup:
    body = _as_mapping(raw, path, source)
    _check_keys(body, _GROUP_KEYS, path, source)
    name = _text(body.get("name"), f"{path}.name", source, required=True)
    collector = _text(body.get("collector"), f"{path}.collector", source)
    team = _team(body.get("collectors"), f"{path}.collectors", source)
    if collector is not None and team:
        msg = "give either collector (one) or collectors (a team), not both"
        raise RuleFileError(source, f"{path}.collectors", msg)
    rules = _list(body.get("rules"), f"{path}.rules", source)
    return CollectionGroup(
        name=name or "",
        collector=collector,
        team=team,
        match=_match(body.get("match"), f"{path}.match", source),
        rules=tuple(
            _rule(r, f"{path}.rules[{i}]", source) for i, r in enumerate(rules)
        ),
    )


def _team(raw: object, path: str, source: str) -> tuple[str, ...]:
    """A team's usernames: a non-empty list of distinct names (absent: no team)."""
    if raw is None:
        return ()
    members = _list(raw, path, source)
    if not members or not all(isinstance(m, str) and m.strip() for m in members):
        raise RuleFileError(source, path, "expected a list of usernames")
    names = tuple(str(m).strip() for m in members)
    if len(set(names)) != len(names):
        raise RuleFileError(source, path, "a collector is listed twice")
    return names


def _match(raw: object, path: str, source: str) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for field, values in _as_mapping(raw, path, source).items():
        if field not in GROUP_FIELDS:
            choices = dict.fromkeys(GROUP_FIELDS)
            raise RuleFileError(
                source, f"{path}.{field}", _unknown("field", field, choices)
            )
        items = values if isinstance(values, list) else [values]
        if not items or not all(isinstance(v, str) for v in items):
            raise RuleFileError(
                source, f"{path}.{field}", "expected text or a list of text"
            )
        out[field] = frozenset(str(v) for v in items)
    return out


def _rule(raw: object, path: str, source: str) -> StrategyRule:
    body = _as_mapping(raw, path, source)
    _check_keys(body, _RULE_KEYS, path, source)
    kind = _text(body.get("type"), f"{path}.type", source, required=True) or ""
    if kind not in RULE_TYPES:
        raise RuleFileError(
            source, f"{path}.type", _unknown("rule type", kind, RULE_TYPES)
        )
    points = _whole(body.get("points"), f"{path}.points", source)
    args_raw = _as_mapping(body.get("args"), f"{path}.args", source)
    args = parse_args(args_raw, RULE_TYPES[kind].args, f"{path}.args", source)
    return StrategyRule(kind, points, args)


def _name(doc: Mapping[str, object], source: str) -> str:
    return _text(doc.get("name"), "name", source, required=True) or ""


def _text(raw: object, path: str, source: str, *, required: bool = False) -> str | None:
    if raw is None and not required:
        return None
    if raw is None:
        raise RuleFileError(source, path, "missing")
    if not isinstance(raw, str) or not raw.strip():
        raise RuleFileError(source, path, f"expected text, got {_yaml_type(raw)}")
    return raw.strip()


def _whole(raw: object, path: str, source: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise RuleFileError(source, path, "expected a whole number, 0 or more")
    return raw


def _list(raw: object, path: str, source: str) -> list[object]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RuleFileError(source, path, f"expected a list, got {_yaml_type(raw)}")
    return raw
