"""The services container the app factory put on the Flask app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from gateway.bootstrap import Services


def services() -> Services:
    return current_app.extensions["arbridge"]  # type: ignore[no-any-return]
