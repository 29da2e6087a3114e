"""Cursor arithmetic: the overlap window and never moving a stored cursor backwards."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.base import Cursor

WATERMARK_FORMAT = "%Y-%m-%d %H:%M:%S"


def with_overlap(cursor: Cursor | None, seconds: int) -> Cursor | None:
    """Where a run starts: ``seconds`` before the stored watermark, inclusive.

    Re-reading the overlap catches records committed late with an older modification
    time; the shadows turn the re-read records into no-ops, so nothing is doubled.
    """
    if cursor is None or cursor.watermark is None:
        return cursor
    moment = datetime.strptime(cursor.watermark, WATERMARK_FORMAT)  # noqa: DTZ007 - UTC text
    start = moment - timedelta(seconds=seconds)
    return Cursor(watermark=start.strftime(WATERMARK_FORMAT), tiebreak=None)


def _key(cursor: Cursor) -> tuple[str, int, str]:
    tiebreak = cursor.tiebreak or ""
    # Remote ids are numeric strings in NetSuite; compare them as numbers when we can.
    number = int(tiebreak) if tiebreak.isdigit() else -1
    return (cursor.watermark or "", number, tiebreak)


def later(stored: Cursor | None, candidate: Cursor | None) -> Cursor | None:
    """The cursor to store: ``candidate`` unless it is behind ``stored``."""
    if candidate is None or candidate.watermark is None:
        return stored
    if stored is None or stored.watermark is None:
        return candidate
    return candidate if _key(candidate) >= _key(stored) else stored
