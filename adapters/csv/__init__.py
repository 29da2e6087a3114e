"""Delimited-file connection (kind ``csv``): for ERPs that export files, not APIs.

Settings (all text):

* ``path``: a directory holding ``customers.csv``, ``invoices.csv`` and
  ``payments.csv``, or one file that every stream reads (derived streams).
* ``<stream>_file``: the stream's file name, relative to ``path`` (or to the
  folder of ``path`` when it is a file); a named file must exist.
* ``<stream>_key``: the column identifying a record (default ``id``); rows sharing a
  key are one record, the last row wins.
* ``<stream>_require``: only rows where this column is filled belong to the stream.
* ``payments_invoice_column`` and ``payments_amount_column``: each payment pays one
  invoice; the record gets ``applications: [{doc, amount}]`` from these columns.
* ``delimiter`` (one character, default ``,``), ``encoding`` (default ``utf-8``).
* ``modified_column`` and ``modified_format`` (strptime; default ISO 8601, UTC if no
  zone): the row's modification time; without it the file's time is the cursor.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from adapters.csv.adapter import OBJECT_TYPES, CsvAdapter, StreamFile
from adapters.csv.reader import FileFormat
from adapters.errors import ConfigError

__all__ = ["CsvAdapter", "StreamFile", "create_adapter"]

STREAMS: Final = tuple(OBJECT_TYPES)
SETTINGS: Final = frozenset(
    {"path", "delimiter", "encoding", "modified_column", "modified_format"}
    | {f"{s}_{o}" for s in STREAMS for o in ("file", "key", "require")}
    | {"payments_invoice_column", "payments_amount_column"}
)


def _text(name: str, settings: Mapping[str, object], key: str) -> str | None:
    value = settings.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError("csv", "configure", f"{name}: setting {key!r} must be text")
    return value


def _format(name: str, settings: Mapping[str, object]) -> FileFormat:
    delimiter = _text(name, settings, "delimiter") or ","
    if len(delimiter) != 1:
        msg = f"{name}: delimiter must be one character, got {delimiter!r}"
        raise ConfigError("csv", "configure", msg)
    encoding = _text(name, settings, "encoding") or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ConfigError(
            "csv", "configure", f"{name}: unknown encoding {encoding!r}"
        ) from None
    return FileFormat(
        delimiter,
        encoding,
        _text(name, settings, "modified_column"),
        _text(name, settings, "modified_format"),
    )


def _stream(name: str, settings: Mapping[str, object], stream: str) -> StreamFile:
    root = Path(_text(name, settings, "path") or "")
    folder = root if root.is_dir() else root.parent
    named = _text(name, settings, f"{stream}_file")
    if named is not None:
        path, required = folder / named, True
    elif root.is_dir():
        path, required = root / f"{stream}.csv", False
    else:
        path, required = root, True
    allocation = None
    if stream == "payments":
        invoice = _text(name, settings, "payments_invoice_column")
        amount = _text(name, settings, "payments_amount_column")
        if (invoice is None) != (amount is None):
            msg = f"{name}: payments_invoice_column and payments_amount_column go together"
            raise ConfigError("csv", "configure", msg)
        allocation = (invoice, amount) if invoice and amount else None
    return StreamFile(
        stream,
        path,
        key=_text(name, settings, f"{stream}_key") or "id",
        required=required,
        require=_text(name, settings, f"{stream}_require"),
        allocation=allocation,
    )


def create_adapter(
    name: str, settings: Mapping[str, object], **_injected: object
) -> CsvAdapter:
    """Build a csv adapter for one configured connection.

    Args:
        name: The connection's name (for errors).
        settings: The settings listed in this module's docstring.
        **_injected: What the gateway passes every factory (a retry policy, an
            HTTP session); local files need neither.

    Raises:
        ConfigError: A setting is unknown, missing or malformed.
    """
    unknown = sorted(set(settings) - SETTINGS)
    if unknown:
        msg = f"{name}: unknown setting(s) {', '.join(unknown)}"
        raise ConfigError("csv", "configure", msg)
    if not _text(name, settings, "path"):
        raise ConfigError("csv", "configure", f"{name}: missing setting path")
    files = [_stream(name, settings, stream) for stream in STREAMS]
    return CsvAdapter(files, _format(name, settings))
