"""Rule documents (already-parsed YAML) to typed rules, with errors that name the key.

The gateway reads the files; this module only parses text or dicts it is given, so
the same code checks the shipped defaults, an admin's upload and a config import.
Every key is checked against the canonical catalog and the closed policy enums: a
typo is a :class:`RuleFileError` naming the file and the key path, never a silently
ignored setting.

An ownership document::

    version: 1                  # optional; the format version
    defaults:                   # for every field not otherwise set ...
      owner: erp
      on_drift: revert
      on_conflict: owner_wins
      invoice:                  # ... and per object type
        on_drift: flag
    fields:                     # per field; any of the three keys
      invoice:
        dunning_level: {owner: gateway, on_drift: revert, on_conflict: owner_wins}

A field takes each setting from its own entry, else its object type's defaults, else
the global defaults; a field left without one of the three is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping
from enum import StrEnum
from typing import Final, TypeVar

import yaml

from rules.canonical import FIELDS, Owner
from rules.ownership import ConflictPolicy, DriftPolicy, FieldRule, OwnershipRules

FORMAT_VERSION: Final = 1
_TOP_KEYS: Final = ("version", "defaults", "fields")
_POLICY_TYPES: Final[dict[str, type[StrEnum]]] = {
    "owner": Owner,
    "on_drift": DriftPolicy,
    "on_conflict": ConflictPolicy,
}
_E = TypeVar("_E", bound=StrEnum)

# A partly specified rule: setting name -> parsed enum member.
_Partial = dict[str, StrEnum]


class RuleFileError(ValueError):
    """A rule document is malformed; names the document and the key path.

    Attributes:
        source: the document's name (usually its file name).
        path: the dotted key path, e.g. ``fields.invoice.due_date.owner``.
        reason: what is wrong there.
    """

    def __init__(self, source: str, path: str, reason: str) -> None:
        self.source = source
        self.path = path
        self.reason = reason
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {reason}")


_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate keys, which YAML silently resolves."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> object:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # `<<: *anchor` is flattened by PyYAML
            continue
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        if isinstance(key, Hashable):
            seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def parse_yaml(text: str, source: str) -> Mapping[str, object]:
    """Parse the text of a rule file into a mapping; duplicate keys are errors.

    Raises:
        RuleFileError: the text is not YAML or its top level is not a mapping.
    """
    try:
        doc = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        path = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(source, path, problem) from exc
    return _as_mapping(doc, "", source)


def load_ownership_yaml(text: str, source: str) -> OwnershipRules:
    """Parse and load an ownership rule file's text (see :func:`load_ownership`).

    Raises:
        RuleFileError: the text is not YAML or not a valid ownership document.
    """
    return load_ownership(parse_yaml(text, source), source)


def load_ownership(doc: Mapping[str, object], source: str) -> OwnershipRules:
    """Validate an ownership document and resolve the rule of every canonical field.

    Args:
        doc: the parsed document (the module docstring shows its shape).
        source: its name for error messages, e.g. ``ownership.yaml``.

    Returns:
        Rules covering every field of :data:`rules.canonical.FIELDS`.

    Raises:
        RuleFileError: an unknown key, object type, field, owner or policy, a value
            of the wrong type, or a field left without an owner or policy.
    """
    doc = _as_mapping(doc, "", source)
    _check_keys(doc, _TOP_KEYS, "", source)
    _check_version(doc.get("version", FORMAT_VERSION), source)
    global_defaults, object_defaults = _parse_defaults(doc.get("defaults"), source)
    overrides = _parse_fields(doc.get("fields"), source)
    by_object: dict[str, dict[str, FieldRule]] = {}
    for object_type, fields in FIELDS.items():
        by_object[object_type] = {
            field: _resolve(
                f"fields.{object_type}.{field}",
                (
                    global_defaults,
                    object_defaults[object_type],
                    overrides.get((object_type, field), {}),
                ),
                source,
            )
            for field in fields
        }
    return OwnershipRules(by_object)


def dump_ownership(rules: OwnershipRules) -> dict[str, object]:
    """Return a document listing every field's rule; loading it gives ``rules`` back.

    Used to export the effective rules, so admins see every field spelled out.
    """
    fields: dict[str, dict[str, dict[str, str]]] = {}
    for object_type, field, rule in rules.items():
        fields.setdefault(object_type, {})[field] = {
            "owner": str(rule.owner),
            "on_drift": str(rule.on_drift),
            "on_conflict": str(rule.on_conflict),
        }
    return {"version": FORMAT_VERSION, "fields": fields}


def _check_version(raw: object, source: str) -> None:
    # bool is an int subclass; `version: true` is not version 1.
    if raw != FORMAT_VERSION or isinstance(raw, bool):
        msg = f"unsupported version {raw!r} (expected {FORMAT_VERSION})"
        raise RuleFileError(source, "version", msg)


def _parse_defaults(raw: object, source: str) -> tuple[_Partial, dict[str, _Partial]]:
    """Split ``defaults`` into the global settings and those per object type."""
    section = _as_mapping(raw, "defaults", source)
    global_defaults: _Partial = {}
    per_object: dict[str, _Partial] = {object_type: {} for object_type in FIELDS}
    for key, value in section.items():
        path = f"defaults.{key}"
        if key in _POLICY_TYPES:
            global_defaults[key] = _parse_setting(key, value, path, source)
        elif key in FIELDS:
            per_object[key] = _parse_partial(value, path, source)
        else:
            expected = ", ".join([*_POLICY_TYPES, *FIELDS])
            msg = f"unknown key (expected one of {expected})"
            raise RuleFileError(source, path, msg)
    return global_defaults, per_object


def _parse_fields(raw: object, source: str) -> dict[tuple[str, str], _Partial]:
    """Parse ``fields``: object type -> field -> partial rule."""
    overrides: dict[tuple[str, str], _Partial] = {}
    for object_type, fields in _as_mapping(raw, "fields", source).items():
        path = f"fields.{object_type}"
        if object_type not in FIELDS:
            msg = _unknown("object type", object_type, FIELDS)
            raise RuleFileError(source, path, msg)
        catalog = FIELDS[object_type]
        for field, value in _as_mapping(fields, path, source).items():
            field_path = f"{path}.{field}"
            if field not in catalog:
                msg = _unknown("field", field, catalog)
                raise RuleFileError(source, field_path, msg)
            overrides[(object_type, field)] = _parse_partial(value, field_path, source)
    return overrides


def _parse_partial(raw: object, path: str, source: str) -> _Partial:
    section = _as_mapping(raw, path, source)
    _check_keys(section, tuple(_POLICY_TYPES), path, source)
    return {
        key: _parse_setting(key, value, f"{path}.{key}", source)
        for key, value in section.items()
    }


def _parse_setting(key: str, raw: object, path: str, source: str) -> StrEnum:
    return _parse_enum(_POLICY_TYPES[key], raw, path, source)


def _parse_enum(enum_type: type[_E], raw: object, path: str, source: str) -> _E:
    what = "owner" if enum_type is Owner else "policy"
    expected = ", ".join(member.value for member in enum_type)
    if not isinstance(raw, str):
        msg = f"expected one of {expected}, got {type(raw).__name__}"
        raise RuleFileError(source, path, msg)
    try:
        return enum_type(raw)
    except ValueError:
        msg = f"unknown {what} {raw!r} (expected one of {expected})"
        raise RuleFileError(source, path, msg) from None


def _resolve(path: str, layers: tuple[_Partial, ...], source: str) -> FieldRule:
    """Merge the layers (global, object type, field; later wins) into a full rule."""
    merged: _Partial = {}
    for layer in layers:
        merged.update(layer)
    object_type = path.split(".")[1]
    for key in _POLICY_TYPES:
        if key not in merged:
            msg = f"no {key} (set it here, in defaults.{object_type} or in defaults)"
            raise RuleFileError(source, path, msg)
    return FieldRule(
        owner=Owner(merged["owner"]),
        on_drift=DriftPolicy(merged["on_drift"]),
        on_conflict=ConflictPolicy(merged["on_conflict"]),
    )


def _as_mapping(raw: object, path: str, source: str) -> Mapping[str, object]:
    """Return ``raw`` as a mapping with text keys; an empty YAML section is empty."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        msg = f"expected a mapping, got {_yaml_type(raw)}"
        raise RuleFileError(source, path, msg)
    for key in raw:
        if not isinstance(key, str):
            key_path = f"{path}.{key}" if path else str(key)
            raise RuleFileError(source, key_path, "keys must be text")
    return raw


def _check_keys(
    section: Mapping[str, object], allowed: tuple[str, ...], path: str, source: str
) -> None:
    for key in section:
        if key not in allowed:
            key_path = f"{path}.{key}" if path else key
            msg = f"unknown key (expected one of {', '.join(allowed)})"
            raise RuleFileError(source, key_path, msg)


def _unknown(what: str, name: str, choices: Mapping[str, object]) -> str:
    """Name the problem, with the closest valid name when there is one."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown {what}{hint}"


def _yaml_type(raw: object) -> str:
    names = {list: "a list", str: "text", int: "a number", bool: "true/false"}
    return names.get(type(raw), type(raw).__name__)
