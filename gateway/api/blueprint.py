"""The ``/api/v1`` blueprint object; resource modules attach their routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
