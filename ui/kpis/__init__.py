"""The KPI page."""

from __future__ import annotations

from ui.kpis.views import bp

__all__ = ["bp"]
