"""Errors raised by the mapping engine.

Two families: a mapping *file* that cannot be loaded (``MappingFileError``, an admin's
problem, reported with file, line and field path), and a *record* that a valid mapping
cannot translate (``RecordMappingError`` inbound, ``OutboundMappingError`` outbound,
the gateway dead-letters the record and keeps going).
"""

from __future__ import annotations

from dataclasses import dataclass


class MappingError(Exception):
    """Base class of every error the mapping engine raises."""


class TransformError(MappingError, ValueError):
    """A transform refused one value; the caller adds where the value came from."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a mapping file: where (line, dotted path) and why."""

    line: int
    path: str
    reason: str

    def render(self, source: str) -> str:
        """Format as ``source:line: path: reason`` (compiler-style, clickable)."""
        where = f"{self.path}: " if self.path else ""
        return f"{source}:{self.line}: {where}{self.reason}"


class MappingFileError(MappingError):
    """A mapping file was refused at load time.

    The message lists every problem found, one per line, each like
    ``netsuite.yaml:14: streams.invoices.fields.amount.via: unknown transform 'x'``.
    """

    def __init__(self, source: str, problems: tuple[Problem, ...]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))

    @property
    def line(self) -> int:
        """Line of the first problem (1-based)."""
        return self.problems[0].line

    @property
    def path(self) -> str:
        """Dotted field path of the first problem."""
        return self.problems[0].path


class UnknownStreamError(MappingError, LookupError):
    """A stream or object type the mapping does not define was asked for."""


class RecordMappingError(MappingError):
    """One raw record could not be translated to canonical form.

    Example message:
    ``invoices 1042: field amount (raw 'abc' from foreigntotal): not a decimal``.
    """

    def __init__(
        self,
        stream: str,
        external_id: str | None,
        field: str,
        raw_value: object,
        reason: str,
        source_field: str | None = None,
    ) -> None:
        self.stream = stream
        self.external_id = external_id
        self.field = field
        self.raw_value = raw_value
        self.reason = reason
        self.source_field = source_field
        origin = f" from {source_field}" if source_field else ""
        who = external_id if external_id is not None else "?"
        super().__init__(
            f"{stream} {who}: field {field} (raw {raw_value!r}{origin}): {reason}"
        )


class OutboundMappingError(MappingError):
    """A canonical value could not be written in the remote system's terms."""

    def __init__(
        self, object_type: str, field: str, value: object, reason: str
    ) -> None:
        self.object_type = object_type
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"outbound {object_type}: field {field} ({value!r}): {reason}")
