"""Login and logout."""

from __future__ import annotations

from ui.auth.views import bp

__all__ = ["bp"]
