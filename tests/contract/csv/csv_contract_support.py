"""Helpers for the csv adapter tests: small export files written into tmp_path."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from adapters.base import Cursor, RawRecord

if TYPE_CHECKING:
    from pathlib import Path

    from adapters.csv import CsvAdapter

HEADER = "id,customer,number,amount,issued,modified"


def write(path: Path, lines: list[str], *, mtime: int | None = None) -> Path:
    """Write ``lines`` as a file (CRLF, as ERP exports often are) and set its mtime."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def invoice_lines(count: int, *, modified: str = "2024-03-01 10:00:00") -> list[str]:
    return [HEADER] + [
        f"{n},C{n % 3},INV-{n},{n}.50,2024-01-{n % 28 + 1:02d},{modified}"
        for n in range(1, count + 1)
    ]


def read_all(
    adapter: CsvAdapter, stream: str, page_size: int, cursor: Cursor | None = None
) -> tuple[list[RawRecord], Cursor | None, int]:
    """Read a stream to its end; returns the records, the last cursor and pages."""
    records: list[RawRecord] = []
    pages = 0
    while True:
        page = adapter.read(stream, cursor, page_size=page_size)
        pages += 1
        records.extend(page.records)
        cursor = page.next_cursor
        if not page.has_more:
            return records, cursor, pages
