"""The sync page."""

from __future__ import annotations

from ui.sync.views import bp

__all__ = ["bp"]
