"""Delimited files -> rows of raw records, with unreadable rows kept, not raised.

A row that cannot be read (wrong number of values, bytes that are not text in the
file's encoding, a bad modification time) becomes a raw record carrying
:data:`adapters.base.INVALID_FIELD` with the reason, so the mapping rejects it with
that reason and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.base import INVALID_FIELD
from adapters.errors import ConfigError, NotFound

if TYPE_CHECKING:
    from collections.abc import Iterator

# Undecodable bytes survive ``errors="surrogateescape"`` as lone surrogates.
_SURROGATE = re.compile("[\udc80-\udcff]")
WATERMARK_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How to read one delimited file."""

    delimiter: str = ","
    encoding: str = "utf-8"
    modified_column: str | None = None
    modified_format: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line, its modification watermark and its raw record."""

    line: int
    watermark: str
    record: dict[str, object]


def file_watermark(path: Path) -> str:
    """Return the file's modification time as a cursor watermark (UTC, seconds).

    Raises:
        NotFound: the file does not exist or cannot be read.
    """
    try:
        stamp = path.stat().st_mtime
    except OSError as exc:
        raise NotFound("csv", "read", f"{path}: {exc.strerror}") from exc
    return datetime.fromtimestamp(stamp, UTC).strftime(WATERMARK_FORMAT)


def read_rows(path: Path, fmt: FileFormat) -> list[Row]:
    """Read every data row of ``path`` (the first line is the header).

    Raises:
        NotFound: the file does not exist or cannot be read.
        ConfigError: the header lacks the configured modification column.
    """
    mtime = file_watermark(path)
    try:
        with path.open(
            encoding=fmt.encoding, errors="surrogateescape", newline=""
        ) as f:
            return list(_rows(csv.reader(f, delimiter=fmt.delimiter), fmt, mtime))
    except OSError as exc:
        raise NotFound("csv", "read", f"{path}: {exc.strerror}") from exc
    except csv.Error as exc:
        raise ConfigError("csv", "read", f"{path}: {exc}") from exc


def _rows(reader: Iterator[list[str]], fmt: FileFormat, mtime: str) -> Iterator[Row]:
    header = next(reader, None)
    if header is None:
        return
    header = [name.strip().lstrip("\ufeff") for name in header]
    if fmt.modified_column and fmt.modified_column not in header:
        msg = f"no column {fmt.modified_column!r} (modified_column) in the header"
        raise ConfigError("csv", "read", msg)
    for values in reader:
        if not values:
            continue  # blank line
        yield _row(reader.line_num, header, values, fmt, mtime)  # type: ignore[attr-defined]


def _row(
    line: int, header: list[str], values: list[str], fmt: FileFormat, mtime: str
) -> Row:
    record: dict[str, object] = dict(zip(header, values, strict=False))
    record["_line"] = line
    problem = _problem(header, values, fmt.encoding)
    watermark = mtime
    if problem is None and fmt.modified_column:
        try:
            watermark = _watermark(str(record[fmt.modified_column]), fmt)
        except ValueError:
            problem = (
                f"{fmt.modified_column} {record[fmt.modified_column]!r} is not a time"
            )
    if problem is not None:
        record = {k: v for k, v in record.items() if not _bad_text(v)}
        record[INVALID_FIELD] = f"line {line}: {problem}"
    return Row(line, watermark, record)


def _problem(header: list[str], values: list[str], encoding: str) -> str | None:
    if len(values) != len(header):
        return f"{len(values)} values, the header has {len(header)}"
    if any(_SURROGATE.search(v) for v in values):
        return f"not valid {encoding} text"
    return None


def _bad_text(value: object) -> bool:
    return isinstance(value, str) and _SURROGATE.search(value) is not None


def _watermark(text: str, fmt: FileFormat) -> str:
    if fmt.modified_format:
        moment = datetime.strptime(text, fmt.modified_format)  # noqa: DTZ007 - zone below
    else:
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(WATERMARK_FORMAT)
