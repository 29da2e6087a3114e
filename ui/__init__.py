"""Web pages: Flask blueprints and Jinja templates.

Pages read through ``gateway.queries`` and write through ``gateway.services``; they
never open a database session themselves.
"""

from __future__ import annotations

from ui import accounts, audit, auth, kpis, shell, sync, worklist

BLUEPRINTS = [shell.bp, auth.bp, worklist.bp, accounts.bp, audit.bp, sync.bp, kpis.bp]

__all__ = ["BLUEPRINTS"]
