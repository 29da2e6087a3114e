"""Lenient query-string reading for pages: a bad value falls back to the default."""

from __future__ import annotations

from flask import request


def page_number(name: str = "page") -> int:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def optional_id(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def text(name: str, max_length: int = 100) -> str | None:
    value = request.args.get(name, "").strip()[:max_length]
    return value or None
