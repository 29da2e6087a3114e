"""YAML text -> plain data, plus the line of every key, for admin-friendly errors.

PyYAML's constructed data forgets where things were; its composed node tree remembers.
One pass builds both from the same parse, so every problem found later (by the
marshmallow schemas or the semantic checks) can name ``file:line: dotted.path``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from mappings.errors import MappingFileError, Problem

Path = tuple[str | int, ...]

# marshmallow's stock messages, reworded for people editing YAML.
_REWORD = {
    "Unknown field.": "unknown key",
    "Missing data for required field.": "missing (required)",
    "Not a valid string.": "expected text",
    "Not a valid mapping type.": "expected a mapping (key: value lines)",
    "Not a valid boolean.": "expected true or false",
    "Not a valid integer.": "expected a whole number",
    "Not a valid list.": "expected a list",
    "Field may not be null.": "may not be empty",
}


def render_path(path: Path) -> str:
    """Format ``("streams", "invoices", "args", 0)`` as ``streams.invoices.args[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(slots=True)
class Document:
    """A parsed mapping file: its data, key lines and the problems found so far."""

    source: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """Return the line of ``path``, or of its nearest ancestor in the file."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(_key_path(path[:end]))
            if found is not None:
                return found
        return self.lines.get((), 1)

    def add(self, path: Path, reason: str) -> None:
        """Record one problem at ``path``."""
        self.problems.append(Problem(self.line(path), render_path(path), reason))

    def load(self, schema: Schema, data: object, path: Path) -> dict[str, Any] | None:
        """Validate ``data`` at ``path``; record any problems and return None."""
        if not isinstance(data, dict):
            self.add(path, "expected a mapping (key: value lines)")
            return None
        try:
            loaded: dict[str, Any] = schema.load(data)
        except ValidationError as exc:
            for where, message in _flatten(exc.messages, path):
                self.add(where, _reword(where, message))
            return None
        return loaded

    def error(self) -> MappingFileError:
        """Return every recorded problem, in file order, as one MappingFileError."""
        ordered = sorted(self.problems, key=lambda p: p.line)
        return MappingFileError(self.source, tuple(ordered))

    def raise_if_any(self) -> None:
        """Raise the recorded problems, if there are any.

        Raises:
            MappingFileError: at least one problem was recorded.
        """
        if self.problems:
            raise self.error()


def _reword(where: Path, message: str) -> str:
    if where and isinstance(where[-1], bool):
        # PyYAML reads bare true/false/yes/no/on/off keys as booleans.
        return f"YAML read the key {where[-1]} as a boolean: quote it or rename it"
    return _REWORD.get(message, message.rstrip("."))


def parse_document(text: str, source: str) -> Document:
    """Parse one YAML document and index the line of every key.

    Raises:
        MappingFileError: the text is not YAML, is empty, or repeats a key.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise MappingFileError(source, (_yaml_problem(exc),)) from None
    finally:
        loader.dispose()
    doc = Document(source, data)
    if node is None:
        doc.add((), "the mapping file is empty")
    else:
        _index(node, (), doc)
    doc.raise_if_any()
    return doc


def _yaml_problem(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(line, "", f"not valid YAML: {reason}")


def _index(node: yaml.Node, path: Path, doc: Document) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
            if key in seen:
                doc.add((*path, key), f"duplicate key {key!r} (YAML keeps the last)")
            seen.add(key)
            _index(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), doc)


def _key_path(path: Path) -> Path:
    # Lines are indexed by key text; a key YAML read as a boolean is found by its
    # parent's line instead (str(True) is "True", the text may be "yes").
    return tuple(str(p) if isinstance(p, bool) else p for p in path)


def _flatten(messages: object, path: Path) -> Iterator[tuple[Path, str]]:
    """Turn marshmallow's nested error messages into (path, message) pairs."""
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            yield from _flatten(inner, path if key == "_schema" else (*path, key))
    elif isinstance(messages, list):
        for inner in messages:
            if isinstance(inner, str):
                yield path, inner
            else:
                yield from _flatten(inner, path)
    else:
        yield path, str(messages)
