"""The worklist page."""

from __future__ import annotations

from ui.worklist.views import bp

__all__ = ["bp"]
