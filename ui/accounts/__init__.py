"""The account page: one customer, and why they are on the worklist."""

from __future__ import annotations

from ui.accounts.views import bp

__all__ = ["bp"]
