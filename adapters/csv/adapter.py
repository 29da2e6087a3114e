"""The csv adapter: streams of raw records read from delimited export files.

Each stream reads one file. Several streams may read the same file (``derived
streams``): an export with one row per invoice and its payment yields customers,
invoices and payments, each stream keeping one record per value of its own key
column (the last row wins) and, optionally, only rows where a column is filled.

Cursor: ``watermark`` is the row's modification time (``modified_column``) or else
the file's modification time; ``tiebreak`` the record's key. A file that changes is
therefore read again in full, and the gateway's shadows turn unchanged records into
no-ops. Write export files atomically (write, then rename) so a read never sees half
a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from adapters.base import INVALID_FIELD, Cursor, Page, RawRecord, StreamSpec
from adapters.csv.reader import FileFormat, Row, read_rows

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

OBJECT_TYPES = {"customers": "customer", "invoices": "invoice", "payments": "payment"}


@dataclass(frozen=True, slots=True)
class StreamFile:
    """Where one stream's records come from.

    ``required`` files must exist; a default-named file that is absent is an empty
    stream. ``require`` names a column that must be filled for a row to belong to
    the stream; ``allocation`` is ``(invoice column, amount column)``: each record
    then carries ``applications: [{doc, amount}]`` (one payment paying one invoice).
    """

    name: str
    path: Path
    key: str = "id"
    required: bool = True
    require: str | None = None
    allocation: tuple[str, str] | None = None


_Entry = tuple[str, tuple[int, str], RawRecord]  # (watermark, order of id, record)


def _order(external_id: str) -> tuple[int, str]:
    # The gateway compares numeric tiebreaks as numbers (gateway/services/cursors.py).
    return (int(external_id) if external_id.isdigit() else -1, external_id)


def _after(cursor: Cursor | None) -> Callable[[_Entry], bool]:
    if cursor is None or cursor.watermark is None:
        return lambda _entry: True
    mark = cursor.watermark
    if cursor.tiebreak is None:
        return lambda entry: entry[0] >= mark
    tie = _order(cursor.tiebreak)
    return lambda entry: (entry[0], entry[1]) > (mark, tie)


@dataclass
class CsvAdapter:
    """Reads ``customers``, ``invoices`` and ``payments`` from delimited files."""

    kind: ClassVar[str] = "csv"
    files: Sequence[StreamFile]
    fmt: FileFormat = field(default_factory=FileFormat)
    # Parsed files by (path, mtime_ns, size): a pure cache, every page re-checks it.
    _cache: dict[object, list[Row]] = field(default_factory=dict, repr=False)

    def streams(self) -> Sequence[StreamSpec]:
        """Return one stream per configured file, in dependency order."""
        cursor_field = self.fmt.modified_column or "_modified"
        return [
            StreamSpec(f.name, OBJECT_TYPES[f.name], f.key, cursor_field)
            for f in self.files
        ]

    def read(self, stream: str, cursor: Cursor | None, *, page_size: int) -> Page:
        """Read the records after ``cursor`` in (watermark, key) order.

        Raises:
            NotFound: the stream's file is configured but missing or unreadable.
            ConfigError: the file lacks the modification column.
        """
        wanted = _after(cursor)
        entries = [e for e in self._entries(self._file(stream)) if wanted(e)]
        page = entries[:page_size]
        if not page:
            return Page((), cursor or Cursor(), has_more=False)
        watermark, (_, last_id), _ = page[-1]
        return Page(
            tuple(e[2] for e in page),
            Cursor(watermark, last_id),
            has_more=len(entries) > page_size,
        )

    def lookup(self, stream: str, external_id: str) -> RawRecord | None:
        """Return the stream's record with this key, or ``None``."""
        for _, (_, ext), record in self._entries(self._file(stream)):
            if ext == external_id and INVALID_FIELD not in record:
                return record
        return None

    def _file(self, stream: str) -> StreamFile:
        for spec in self.files:
            if spec.name == stream:
                return spec
        raise KeyError(stream)

    def _entries(self, spec: StreamFile) -> list[_Entry]:
        if not spec.required and not spec.path.exists():
            return []
        rows = self._rows(spec.path)
        by_key: dict[str, _Entry] = {}
        for row in rows:
            entry = _entry(spec, row)
            if entry is not None:
                by_key[entry[1][1]] = entry  # the last row of a key wins
        return sorted(by_key.values(), key=lambda e: (e[0], e[1]))

    def _rows(self, path: Path) -> list[Row]:
        try:
            stat = path.stat()
            token: object = (str(path), stat.st_mtime_ns, stat.st_size)
        except OSError:
            token = None
        if token is None or token not in self._cache:
            rows = read_rows(path, self.fmt)
            if token is not None:
                self._cache = {token: rows}  # keep one file: memory stays flat
            return rows
        return self._cache[token]


def _entry(spec: StreamFile, row: Row) -> _Entry | None:
    record = row.record
    if INVALID_FIELD in record:
        # Never merged with a good row: every bad line is reported on its own.
        return (row.watermark, _order(f"#line{row.line:09d}"), record)
    if spec.require and not record.get(spec.require):
        return None
    key = record.get(spec.key)
    # A row without a key keeps a place in the order; the mapping refuses it.
    ext = key if isinstance(key, str) and key else f"#line{row.line:09d}"
    out = dict(record, _modified=row.watermark)
    if spec.allocation is not None:
        invoice, amount = spec.allocation
        out["applications"] = [
            {"doc": record.get(invoice), "amount": record.get(amount)}
        ]
    return (row.watermark, _order(ext), out)
