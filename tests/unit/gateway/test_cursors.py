from __future__ import annotations

import pytest

from adapters.base import Cursor
from gateway.services.cursors import later, with_overlap


@pytest.mark.parametrize(
    ("cursor", "seconds", "expected"),
    [
        (None, 120, None),
        (Cursor(None, None), 120, Cursor(None, None)),
        (Cursor("2026-01-01 00:01:00", "42"), 120, Cursor("2025-12-31 23:59:00", None)),
        (Cursor("2026-03-01 12:00:00", "7"), 0, Cursor("2026-03-01 12:00:00", None)),
    ],
)
def test_overlap_starts_before_the_watermark_inclusive(cursor, seconds, expected):
    assert with_overlap(cursor, seconds) == expected


@pytest.mark.parametrize(
    ("stored", "candidate", "expected"),
    [
        (None, Cursor("2026-01-01 00:00:00", "5"), Cursor("2026-01-01 00:00:00", "5")),
        (Cursor("2026-01-01 00:00:00", "5"), None, Cursor("2026-01-01 00:00:00", "5")),
        # an empty page returns the overlap start: the stored cursor must not go back
        (
            Cursor("2026-01-01 00:02:00", "5"),
            Cursor("2026-01-01 00:00:00", None),
            Cursor("2026-01-01 00:02:00", "5"),
        ),
        (
            Cursor("2026-01-01 00:00:00", "5"),
            Cursor("2026-01-01 00:00:00", "12"),
            Cursor("2026-01-01 00:00:00", "12"),
        ),
        # ids compare as numbers: 12 is after 9 although "12" < "9" as text
        (
            Cursor("2026-01-01 00:00:00", "12"),
            Cursor("2026-01-01 00:00:00", "9"),
            Cursor("2026-01-01 00:00:00", "12"),
        ),
        (
            Cursor("2026-01-01 00:00:00", "99"),
            Cursor("2026-01-01 00:00:01", "1"),
            Cursor("2026-01-01 00:00:01", "1"),
        ),
    ],
)
def test_stored_cursor_only_moves_forward(stored, candidate, expected):
    assert later(stored, candidate) == expected


def test_cursor_survives_json_round_trip():
    cursor = Cursor("2026-01-01 00:00:00", "17")
    assert Cursor.from_json(cursor.to_json()) == cursor
    assert Cursor.from_json(None) is None
