"""The audit page."""

from __future__ import annotations

from ui.audit.views import bp

__all__ = ["bp"]
